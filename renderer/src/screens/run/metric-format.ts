/** Labels, order and formatting of run metrics: the Run screen's metrics table and the HTML report share them. */
import type { BacktestMetrics } from '../../../../core/domain/engine/index.js';
import type { RunMetrics } from '../../api/contract.js';
import { formatCountOf, formatNumber } from '../../app/format.js';

/** A metric the engine computes for every run. */
export type MetricName = keyof BacktestMetrics;

/**
 * Every metric of a run with its label, in display order (what traders look at first,
 * first): the one set of metric words the Run screen, the HTML report and Optimize use.
 * Keyed by the engine's own type, so a metric added or renamed there must be named here.
 */
export const METRIC_LABELS = {
  totalReturnPct: 'Total return %',
  cagrPct: 'CAGR %',
  annualizedReturnPct: 'Annualized return %',
  buyAndHoldReturnPct: 'Buy & hold %',
  maxDrawdownPct: 'Max drawdown %',
  maxDrawdownDurationMs: 'Max drawdown duration',
  annualizedVolatilityPct: 'Volatility % (annualized)',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  calmar: 'Calmar',
  exposurePct: 'Exposure %',
  tradeCount: 'Trades',
  winRatePct: 'Win rate %',
  profitFactor: 'Profit factor',
  expectancy: 'Expectancy',
  avgTradePct: 'Average trade %',
  bestTradePct: 'Best trade %',
  worstTradePct: 'Worst trade %',
  finalEquity: 'Final equity',
  totalFees: 'Fees',
  peakEquity: 'Peak equity',
  avgDrawdownPct: 'Average drawdown %',
  avgDrawdownDurationMs: 'Average drawdown duration',
  avgTradeDurationMs: 'Average trade duration',
  maxTradeDurationMs: 'Longest trade',
  sqn: 'SQN',
  durationMs: 'Duration',
  start: 'First bar (UTC)',
  // The engine's end is where the last bar closes (its open + one bar), not its open.
  end: 'Last bar closes (UTC)',
} as const satisfies { readonly [K in MetricName]: string };

const KNOWN = Object.entries(METRIC_LABELS) as [MetricName, string][];

/** Returns [name, label] of every metric any of the runs has, in display order. */
export function metricRows(metrics: readonly Partial<RunMetrics>[]): [MetricName, string][] {
  return KNOWN.filter(([name]) => metrics.some((m) => name in m));
}

/** Formats a metric: durations (…Ms) as days/hours, others as numbers. */
export function formatMetric(key: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (key.endsWith('DurationMs') || key === 'durationMs') {
    const hours = value / 3_600_000;
    return hours >= 48 ? `${tenths(hours / 24)} d` : `${tenths(hours)} h`;
  }
  if (key === 'start' || key === 'end') return new Date(value).toISOString().slice(0, 16).replace('T', ' ');
  // Counts are whole; every other metric keeps two decimals, whole or not (a win rate
  // of 25 next to 15.22 read as two kinds of figure).
  return formatNumber(value, COUNTS.has(key) ? 0 : 2);
}

/** A duration to one decimal, without it when whole ('628 d', not '628.0 d'; '2.5 d'). */
function tenths(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return formatNumber(rounded, Number.isInteger(rounded) ? 0 : 1);
}

/**
 * What a metric means, for the label's tooltip: the definitions of docs/ENGINE.md in a
 * trader's words, where two figures look alike (CAGR and annualized return) or the basis
 * is not obvious.
 */
export const METRIC_HELP: Readonly<Record<string, string | undefined>> = {
  totalReturnPct: 'Final equity over initial cash, open position marked at the last close',
  cagrPct: 'Compound annual growth in calendar time: the total return compounded over 365.25-day years of the run',
  annualizedReturnPct: 'The total return compounded over years of trading bars (252 trading days a year for data without weekend bars, 365 with them); differs from CAGR when the data has closed days',
  buyAndHoldReturnPct: 'Last close over first close: holding the instrument over the same bars, no costs',
  maxDrawdownPct: 'Deepest fall of equity from its running peak, bar closes',
  annualizedVolatilityPct: 'Standard deviation of per-bar equity returns, scaled to a year of bars',
  sharpe: 'Mean over standard deviation of per-bar equity returns, scaled to a year of bars; risk-free rate 0',
  sortino: 'Like Sharpe, with only the downside deviation in the denominator',
  calmar: 'CAGR over the maximum drawdown',
  exposurePct: 'Share of bars that closed with a position open',
  tradeCount: 'Closed trades (partial exits count); a position still open at the end is not a trade',
  profitFactor: 'Gross profit over gross loss of closed trades',
  expectancy: 'Mean PnL per closed trade, in the quote currency',
  sqn: "System quality number: sqrt(trades) x mean / standard deviation of trade returns",
  totalFees: 'Every commission paid, the open position\'s entry commission included',
} satisfies Partial<Record<MetricName, string>>;

/** Metrics that count things. */
const COUNTS = new Set(['tradeCount']);

/**
 * Metrics the engine extrapolates to a year (docs/ENGINE.md): CAGR compounds the run's
 * growth to 365.25 days, the annualized return to a year of bars, and volatility, Sharpe
 * and Sortino scale by sqrt(bars per year); Calmar divides CAGR.
 */
export const ANNUALIZED_METRICS: ReadonlySet<string> = new Set(['cagrPct', 'annualizedReturnPct', 'annualizedVolatilityPct', 'sharpe', 'sortino', 'calmar']);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Under this an annualized figure is left out ("—", the stored value in the tooltip). */
export const MIN_ANNUALIZED_MS = 30 * DAY_MS;
/** From this on the figure is shown without a note (a 365-day run is a year of data). */
const YEAR_NOTE_MS = 365 * DAY_MS;

/** A metric as a cell shows it: the figure, a muted line under it, a tooltip. */
export interface MetricCell {
  readonly text: string;
  readonly note?: string;
  readonly title?: string;
}

/** The calendar span the run's metrics cover (engine's durationMs, else end - start); null if unknown. */
export function metricsSpanMs(metrics: Partial<RunMetrics>): number | null {
  const duration = metrics['durationMs'];
  if (typeof duration === 'number' && Number.isFinite(duration) && duration > 0) return duration;
  const start = metrics['start'];
  const end = metrics['end'];
  if (typeof start === 'number' && typeof end === 'number' && Number.isFinite(end - start) && end > start) return end - start;
  return null;
}

/** A span in words: '1 day', '46 days', '6 hours' (under a day), '30 minutes' (under an hour). */
export function formatSpan(ms: number): string {
  if (ms >= DAY_MS) return formatCountOf(Math.round(ms / DAY_MS), 'day');
  if (ms >= HOUR_MS) return formatCountOf(Math.round(ms / HOUR_MS), 'hour');
  return formatCountOf(Math.max(1, Math.round(ms / 60_000)), 'minute');
}

/**
 * One metric of a run as the metrics table and the HTML report show it. The stored value
 * is never changed; an annualized metric of a run shorter than a year says how far it was
 * extrapolated ("annualized from 46 days"), and under 30 days it shows "—" with the value
 * and the reason in the tooltip. Why a floor, not only a note: CAGR raises the run's growth
 * to the power 365.25 / days, so a day that lost 4.46 % reads -100 % and a day that made
 * 5 % reads +5.5 billion %; these are artefacts of the exponent, not results. From 30
 * days the exponent is at most about 12 (a month compounded to a year, a figure traders
 * do quote), and the ratios (Sharpe, Sortino) rest on at least a month of moves rather
 * than a few days'. One rule for all six keeps a short run's row of figures consistent.
 */
export function metricCell(key: MetricName, metrics: Partial<RunMetrics>): MetricCell {
  const value = metrics[key];
  const text = formatMetric(key, value);
  if (!ANNUALIZED_METRICS.has(key) || value === null || value === undefined) return { text };
  const span = metricsSpanMs(metrics);
  if (span === null || span >= YEAR_NOTE_MS) return { text };
  const spanText = formatSpan(span);
  if (span < MIN_ANNUALIZED_MS) {
    return {
      text: '—',
      note: 'under 30 days',
      title: `Not shown: annualized from ${spanText} of data (stored value ${text}). Annualizing so short a run extrapolates noise; annualized figures are shown from 30 days.`,
    };
  }
  return { text, note: `annualized from ${spanText}`, title: `Extrapolated to a year from ${spanText} of data` };
}
