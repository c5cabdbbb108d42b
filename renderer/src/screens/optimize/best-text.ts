import { formatCount, formatNumber } from '../../app/format.js';
import { METRIC_LABELS } from './metrics.js';
import type { ObjectiveMetric } from './param-space.js';

interface BestVariant {
  readonly index: number;
  readonly score: number | null;
  readonly params: Readonly<Record<string, number>>;
  readonly eligible: boolean;
}

/**
 * The sweep's best line: '#4: 1.234 (fast=10, slow=30)'. The server ranks variants that made
 * the minimum trades first, so an ineligible best means none made it: then the line says so,
 * with the most trades any variant made (`mostTrades`, null while unknown), instead of
 * presenting a 0-trade variant as a normal best.
 */
export function bestText(
  best: BestVariant,
  objective: { readonly metric: ObjectiveMetric; readonly minTrades: number },
  mostTrades: number | null,
  nameOf: (name: string) => string,
): { readonly text: string; readonly eligible: boolean } {
  const params = Object.entries(best.params)
    .map(([name, value]) => `${nameOf(name)}=${value}`)
    .join(', ');
  const variant = `#${best.index}: ${formatNumber(best.score, 3)} (${params})`;
  if (best.eligible) return { text: `best ${variant}`, eligible: true };
  const labels: Readonly<Record<string, string>> = METRIC_LABELS;
  const metric = labels[objective.metric] ?? objective.metric;
  const most = mostTrades === null ? '' : ` (most: ${formatCount(mostTrades)})`;
  const trades = objective.minTrades === 1 ? 'trade' : 'trades';
  return { text: `No variant made the minimum ${formatCount(objective.minTrades)} ${trades}${most}; best by ${metric} shown anyway: ${variant}`, eligible: false };
}
