import type { BacktestMetrics } from '../engine/metrics.js';
import type { Marker, Trade } from '../engine/types.js';

/** A closed long trade of one unit held one minute, with `parts` overriding (test helper). */
export function tradeOf(parts: Partial<Trade> = {}): Trade {
  return {
    side: 'long',
    entryTs: Date.UTC(2024, 0, 1),
    exitTs: Date.UTC(2024, 0, 1, 0, 1),
    entryBar: 0,
    exitBar: 1,
    entryPrice: 100,
    exitPrice: 101,
    quantity: 1,
    pnl: 1,
    returnPct: 1,
    fees: 0,
    barsHeld: 1,
    exitReason: 'signal',
    ...parts,
  };
}

/** A fill at a bar's open, with `parts` overriding (test helper). */
export function markerOf(parts: Partial<Marker> = {}): Marker {
  return { bar: 0, ts: Date.UTC(2024, 0, 1), kind: 'entryLong', price: 100, quantity: 1, fee: 0, fill: 'open', ...parts };
}

/** Metrics of a flat run on 10,000 cash (no trades), with `parts` overriding (test helper). */
export function metricsOf(parts: Partial<BacktestMetrics> = {}): BacktestMetrics {
  return {
    start: null,
    end: null,
    durationMs: 0,
    exposurePct: 0,
    finalEquity: 10_000,
    peakEquity: 10_000,
    totalReturnPct: 0,
    buyAndHoldReturnPct: null,
    annualizedReturnPct: null,
    annualizedVolatilityPct: null,
    cagrPct: null,
    sharpe: null,
    sortino: null,
    calmar: null,
    maxDrawdownPct: 0,
    avgDrawdownPct: 0,
    maxDrawdownDurationMs: 0,
    avgDrawdownDurationMs: 0,
    tradeCount: 0,
    winRatePct: null,
    bestTradePct: null,
    worstTradePct: null,
    avgTradePct: null,
    maxTradeDurationMs: null,
    avgTradeDurationMs: null,
    profitFactor: null,
    expectancy: null,
    sqn: null,
    totalFees: 0,
    ...parts,
  };
}
