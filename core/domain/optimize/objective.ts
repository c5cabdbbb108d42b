import { DomainError } from '../errors.js';
import type { BacktestMetrics } from '../engine/metrics.js';

/** Metrics a sweep can optimize: every numeric metric of a run. */
export const OBJECTIVE_METRICS = [
  'totalReturnPct',
  'annualizedReturnPct',
  'cagrPct',
  'sharpe',
  'sortino',
  'calmar',
  'profitFactor',
  'expectancy',
  'sqn',
  'winRatePct',
  'finalEquity',
  'peakEquity',
  'maxDrawdownPct',
  'avgDrawdownPct',
  'maxDrawdownDurationMs',
  'avgDrawdownDurationMs',
  'annualizedVolatilityPct',
  'exposurePct',
  'tradeCount',
  'bestTradePct',
  'worstTradePct',
  'avgTradePct',
  'avgTradeDurationMs',
  'maxTradeDurationMs',
  'buyAndHoldReturnPct',
  'totalFees',
] as const satisfies readonly (keyof BacktestMetrics)[];
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];

export interface Objective {
  readonly metric: ObjectiveMetric;
  readonly direction: 'maximize' | 'minimize';
  /** Variants with fewer trades are kept but ranked after every variant that has enough. */
  readonly minTrades: number;
}

export function isObjectiveMetric(name: string): name is ObjectiveMetric {
  return (OBJECTIVE_METRICS as readonly string[]).includes(name);
}

/** Builds an objective, checking the metric name. */
export function objective(metric: string, direction: Objective['direction'] = 'maximize', minTrades = 0): Objective {
  if (!isObjectiveMetric(metric)) throw new DomainError(`Unknown objective metric "${metric}"; expected one of ${OBJECTIVE_METRICS.join(', ')}`);
  if (!Number.isInteger(minTrades) || minTrades < 0) throw new DomainError(`minTrades must be a whole number >= 0, got ${minTrades}`);
  return { metric, direction, minTrades };
}

/** What ranking needs of an evaluated variant. */
export interface Scored {
  readonly index: number;
  readonly metrics: BacktestMetrics | null;
}

/** The objective value of a variant (null: the metric is undefined for it, or the variant failed). */
export function scoreOf(metrics: BacktestMetrics | null, o: Objective): number | null {
  if (!metrics) return null;
  const v = metrics[o.metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** True when the variant made at least `minTrades` trades. */
export function isEligible(metrics: BacktestMetrics | null, o: Objective): boolean {
  return metrics !== null && metrics.tradeCount >= o.minTrades;
}

/**
 * A single number that sorts variants best-first when sorted descending (the store
 * indexes it): the score, negated when minimizing. Null stays null (ranked last).
 */
export function rankScore(metrics: BacktestMetrics | null, o: Objective): number | null {
  const s = scoreOf(metrics, o);
  return s === null ? null : o.direction === 'maximize' ? s : -s;
}

/**
 * Best first: variants meeting the trade minimum before the others; within each, a
 * defined score before a null one, the better score first; ties by variant index.
 */
export function compareScored(a: Scored, b: Scored, o: Objective): number {
  const ea = isEligible(a.metrics, o);
  const eb = isEligible(b.metrics, o);
  if (ea !== eb) return ea ? -1 : 1;
  const ra = rankScore(a.metrics, o);
  const rb = rankScore(b.metrics, o);
  if (ra === null || rb === null) {
    if (ra !== rb) return ra === null ? 1 : -1;
  } else if (ra !== rb) return rb - ra;
  return a.index - b.index;
}

/** Returns the variants sorted best first (a new array). */
export function rankVariants<T extends Scored>(variants: readonly T[], o: Objective): T[] {
  return [...variants].sort((a, b) => compareScored(a, b, o));
}
