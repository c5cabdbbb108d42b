import type { BacktestMetrics } from '../../domain/engine/metrics.js';

/**
 * Reads metrics stored as JSON (runs.metrics_json, sweep_variants.metrics_json) as the
 * engine's BacktestMetrics, in the engine's key order. A metric the stored JSON lacks
 * (a run saved by an engine before it existed) or holds as something other than a
 * number reads as null, or NaN where the engine always gives a number. The literal
 * names every metric: a metric added to or renamed in the engine fails to compile here.
 */
export function metricsFromJson(text: string): BacktestMetrics {
  const parsed: unknown = JSON.parse(text);
  const stored = new Map<string, unknown>(typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : []);
  const value = (name: keyof BacktestMetrics): number | undefined => {
    const v = stored.get(name);
    return typeof v === 'number' ? v : undefined;
  };
  const num = (name: keyof BacktestMetrics): number => value(name) ?? Number.NaN;
  const orNull = (name: keyof BacktestMetrics): number | null => value(name) ?? null;
  return {
    start: orNull('start'),
    end: orNull('end'),
    durationMs: num('durationMs'),
    exposurePct: num('exposurePct'),
    finalEquity: num('finalEquity'),
    peakEquity: num('peakEquity'),
    totalReturnPct: num('totalReturnPct'),
    buyAndHoldReturnPct: orNull('buyAndHoldReturnPct'),
    annualizedReturnPct: orNull('annualizedReturnPct'),
    annualizedVolatilityPct: orNull('annualizedVolatilityPct'),
    cagrPct: orNull('cagrPct'),
    sharpe: orNull('sharpe'),
    sortino: orNull('sortino'),
    calmar: orNull('calmar'),
    maxDrawdownPct: num('maxDrawdownPct'),
    avgDrawdownPct: num('avgDrawdownPct'),
    maxDrawdownDurationMs: num('maxDrawdownDurationMs'),
    avgDrawdownDurationMs: num('avgDrawdownDurationMs'),
    tradeCount: num('tradeCount'),
    winRatePct: orNull('winRatePct'),
    bestTradePct: orNull('bestTradePct'),
    worstTradePct: orNull('worstTradePct'),
    avgTradePct: orNull('avgTradePct'),
    maxTradeDurationMs: orNull('maxTradeDurationMs'),
    avgTradeDurationMs: orNull('avgTradeDurationMs'),
    profitFactor: orNull('profitFactor'),
    expectancy: orNull('expectancy'),
    sqn: orNull('sqn'),
    totalFees: num('totalFees'),
  } satisfies { readonly [K in keyof BacktestMetrics]-?: BacktestMetrics[K] };
}
