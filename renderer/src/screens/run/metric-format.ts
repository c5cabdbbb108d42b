/** Labels, order and formatting of run metrics: the Run screen's metrics table and the HTML report share them. */
import type { RunMetrics } from '../../api/contract.js';
import { formatNumber } from '../../app/format.js';

/** Display order and labels of the metrics traders look at first; others follow by name. */
const KNOWN: readonly [string, string][] = [
  ['totalReturnPct', 'Total return %'],
  ['cagrPct', 'CAGR %'],
  ['annualizedReturnPct', 'Annualized return %'],
  ['buyAndHoldReturnPct', 'Buy & hold %'],
  ['maxDrawdownPct', 'Max drawdown %'],
  ['maxDrawdownDurationMs', 'Max drawdown duration'],
  ['annualizedVolatilityPct', 'Volatility % (annualized)'],
  ['sharpe', 'Sharpe'],
  ['sortino', 'Sortino'],
  ['calmar', 'Calmar'],
  ['exposurePct', 'Exposure %'],
  ['tradeCount', 'Trades'],
  ['winRatePct', 'Win rate %'],
  ['profitFactor', 'Profit factor'],
  ['expectancy', 'Expectancy'],
  ['avgTradePct', 'Average trade %'],
  ['bestTradePct', 'Best trade %'],
  ['worstTradePct', 'Worst trade %'],
  ['finalEquity', 'Final equity'],
  ['totalFees', 'Fees'],
  ['peakEquity', 'Peak equity'],
  ['avgDrawdownPct', 'Average drawdown %'],
  ['avgDrawdownDurationMs', 'Average drawdown duration'],
  ['avgTradeDurationMs', 'Average trade duration'],
  ['maxTradeDurationMs', 'Longest trade'],
  ['sqn', 'SQN'],
  ['durationMs', 'Duration'],
  ['start', 'First bar (UTC)'],
  // The engine's end is where the last bar closes (its open + one bar), not its open.
  ['end', 'Last bar closes (UTC)'],
];

/** Returns [key, label] for every metric present, known ones first. */
export function metricRows(metrics: readonly RunMetrics[]): [string, string][] {
  const present = new Set(metrics.flatMap((m) => Object.keys(m)));
  const known = KNOWN.filter(([key]) => present.has(key));
  const knownKeys = new Set(known.map(([key]) => key));
  const rest = [...present].filter((key) => !knownKeys.has(key)).sort().map((key): [string, string] => [key, key.replace(/Ms$/, '').replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase())]);
  return [...known, ...rest];
}

/** Formats a metric: durations (…Ms) as days/hours, others as numbers. */
export function formatMetric(key: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (key.endsWith('DurationMs') || key === 'durationMs') {
    const hours = value / 3_600_000;
    return hours >= 48 ? `${formatNumber(hours / 24, 1)} d` : `${formatNumber(hours, 1)} h`;
  }
  if (key === 'start' || key === 'end') return new Date(value).toISOString().slice(0, 16).replace('T', ' ');
  // Counts are whole; every other metric keeps two decimals, whole or not (a win rate
  // of 25 next to 15.22 read as two kinds of figure).
  return formatNumber(value, COUNTS.has(key) ? 0 : 2);
}

/** Metrics that count things. */
const COUNTS = new Set(['tradeCount']);
