import { METRIC_LABELS } from '../run/metric-format.js';
import type { ObjectiveMetric } from './param-space.js';

/** Objective metrics offered in the pickers, in this order (the contract's type keeps the names honest); named by METRIC_LABELS. */
export const OFFERED_METRICS = [
  'sharpe',
  'sortino',
  'calmar',
  'totalReturnPct',
  'annualizedReturnPct',
  'cagrPct',
  'profitFactor',
  'expectancy',
  'sqn',
  'winRatePct',
  'finalEquity',
  'maxDrawdownPct',
  'annualizedVolatilityPct',
  'exposurePct',
  'tradeCount',
  'avgTradePct',
  'totalFees',
] as const satisfies readonly ObjectiveMetric[];

export type OfferedMetric = (typeof OFFERED_METRICS)[number];
export { METRIC_LABELS };

/** Metric columns of the variants table. */
export const TABLE_METRICS = ['totalReturnPct', 'sharpe', 'maxDrawdownPct', 'profitFactor', 'tradeCount'] as const satisfies readonly OfferedMetric[];
