import type { ObjectiveMetric } from './param-space.js';

/** Objective metrics offered in the pickers (the contract's type keeps the names honest). */
export const METRIC_LABELS = {
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  calmar: 'Calmar',
  totalReturnPct: 'Total return %',
  annualizedReturnPct: 'Annualized return %',
  cagrPct: 'CAGR %',
  profitFactor: 'Profit factor',
  expectancy: 'Expectancy',
  sqn: 'SQN',
  winRatePct: 'Win rate %',
  finalEquity: 'Final equity',
  maxDrawdownPct: 'Max drawdown %',
  annualizedVolatilityPct: 'Volatility %',
  exposurePct: 'Exposure %',
  tradeCount: 'Trades',
  avgTradePct: 'Avg trade %',
  totalFees: 'Fees',
} as const satisfies Partial<Record<ObjectiveMetric, string>>;

export type OfferedMetric = keyof typeof METRIC_LABELS;
export const OFFERED_METRICS = Object.keys(METRIC_LABELS) as OfferedMetric[];

/** Metric columns of the variants table. */
export const TABLE_METRICS = ['totalReturnPct', 'sharpe', 'maxDrawdownPct', 'profitFactor', 'tradeCount'] as const satisfies readonly OfferedMetric[];
