import { operandKey } from '../../domain/engine/operands.js';
import { isPositionVariable } from '../../domain/engine/operands.js';
import { computeSeries } from '../../domain/indicators/compute.js';
import type { BarColumns } from '../../domain/market/bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { Condition, StrategySpec, VariableOperand } from '../../domain/strategy/spec.js';
import { ByteLruCache, type CacheStats } from './byte-lru-cache.js';

/**
 * Whole-run indicator arrays kept between runs on the same bar set (the engine's
 * `series` hook reads them instead of recomputing). A sweep that varies one parameter
 * recomputes only that indicator. Only operands on the run's own timeframe are cached:
 * higher-timeframe values depend on the engine's completed-bar alignment, which stays
 * inside the engine.
 */
export class IndicatorCache {
  private readonly cache: ByteLruCache<Float64Array>;

  constructor(maxBytes: number) {
    this.cache = new ByteLruCache(maxBytes);
  }

  /** Returns the series of every cacheable operand of the spec, computing the missing ones, and how many were hits. */
  seriesFor(spec: StrategySpec, timeframe: Timeframe, bars: BarColumns, barsKey: string): { series: Map<string, Float64Array>; hits: number } {
    const series = new Map<string, Float64Array>();
    let hits = 0;
    for (const operand of runTimeframeOperands(spec, timeframe)) {
      const key = operandKey(operand, timeframe);
      if (series.has(key)) continue;
      const cacheKey = `${barsKey}|${key}`;
      let values = this.cache.get(cacheKey);
      if (values) hits++;
      else {
        values = computeSeries(bars, operand.variable, operand.params ?? {}, operand.output);
        this.cache.set(cacheKey, values, values.byteLength);
      }
      series.set(key, values);
    }
    return { series, hits };
  }

  stats(): CacheStats {
    return this.cache.stats();
  }
}

/** The spec's variable operands on the run's own timeframe (the ones a whole-run array can stand in for). */
export function runTimeframeOperands(spec: StrategySpec, timeframe: Timeframe): VariableOperand[] {
  const out: VariableOperand[] = [];
  const visit = (condition: Condition | undefined): void => {
    if (!condition) return;
    if (condition.kind === 'group') {
      for (const child of condition.children) visit(child);
      return;
    }
    for (const operand of [condition.left, condition.right]) {
      if (!operand || operand.kind !== 'variable') continue;
      if (isPositionVariable(operand.variable)) continue;
      if (operand.timeframe !== undefined && operand.timeframe !== timeframe) continue;
      out.push(operand);
    }
  };
  for (const side of ['long', 'short'] as const) {
    visit(spec.entry[side]);
    visit(spec.exit[side]);
  }
  return out;
}
