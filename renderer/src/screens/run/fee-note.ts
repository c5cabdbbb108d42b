import type { RunMetrics } from '../../api/contract.js';
import { formatNumber } from '../../app/format.js';

/** From this share of the starting cash paid in fees, the results say the costs dominate. */
export const FEES_DOMINATE_SHARE = 0.5;

/**
 * Returns a short warning when a run's fees dominate its result, or null: fees of at least
 * half the starting cash, or fees that took all the strategy made before costs (it gained
 * before fees and gained nothing after). Read from the metrics the results already show:
 * `initialCash` is the spec's when known, else final equity over (1 + total return).
 */
export function feeNote(metrics: Pick<RunMetrics, 'totalFees' | 'finalEquity' | 'totalReturnPct'>, initialCash?: number): string | null {
  const fees = metrics.totalFees;
  if (!(fees > 0)) return null;
  const cash = initialCash ?? metrics.finalEquity / (1 + metrics.totalReturnPct / 100);
  if (!Number.isFinite(cash) || cash <= 0) return null;
  const share = fees / cash;
  if (share >= FEES_DOMINATE_SHARE) {
    return `Fees of ${formatNumber(fees)} were ${formatNumber(share * 100, 0)} % of the starting cash (${formatNumber(cash)}): the costs dominate this strategy.`;
  }
  const beforeFees = metrics.finalEquity - cash + fees;
  if (beforeFees > 0 && fees >= beforeFees) {
    return `Fees of ${formatNumber(fees)} took all of the ${formatNumber(beforeFees)} the strategy made before costs: the costs dominate this strategy.`;
  }
  return null;
}
