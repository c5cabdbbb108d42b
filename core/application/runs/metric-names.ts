import type { BacktestMetrics } from '../../domain/engine/metrics.js';

/** A metric's name: a key of the engine's metrics. */
export type MetricName = keyof BacktestMetrics;

/** Every metric of the engine, in the engine's order. */
export const METRIC_NAMES = [
  'start',
  'end',
  'durationMs',
  'exposurePct',
  'finalEquity',
  'peakEquity',
  'totalReturnPct',
  'buyAndHoldReturnPct',
  'annualizedReturnPct',
  'annualizedVolatilityPct',
  'cagrPct',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdownPct',
  'avgDrawdownPct',
  'maxDrawdownDurationMs',
  'avgDrawdownDurationMs',
  'tradeCount',
  'winRatePct',
  'bestTradePct',
  'worstTradePct',
  'avgTradePct',
  'maxTradeDurationMs',
  'avgTradeDurationMs',
  'profitFactor',
  'expectancy',
  'sqn',
  'totalFees',
] as const satisfies readonly MetricName[];

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time proof that the list names every metric of the engine. */
export const METRIC_NAMES_COVER_ENGINE: Exact<(typeof METRIC_NAMES)[number], MetricName> = true;
