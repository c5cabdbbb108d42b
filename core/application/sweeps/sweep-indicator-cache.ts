import { operandKey } from '../../domain/engine/operands.js';
import { computeSeries } from '../../domain/indicators/compute.js';
import type { BarColumns } from '../../domain/market/bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { CacheStats } from '../system/performance-probe.js';
import { runTimeframeOperands } from '../backtest/indicator-cache.js';

/** A sweep worker's indicator cache figures: CacheStats plus the operands left to the engine's kernels. */
export interface SweepIndicatorStats extends CacheStats {
  /** Operand lookups answered with no array: the engine computed them bar by bar. */
  readonly streamed: number;
}

/**
 * Whole-run indicator arrays shared by the variants of a sweep, within a byte budget.
 *
 * An operand without an array is not an error: the engine computes it with its own
 * streaming kernel, to the same bits (the same kernel fills the arrays), in no extra
 * memory. So the cache never evicts an array of the bar set being swept to make room:
 * a grid visits its operands in cycles (every slow SMA once per fast value), and an LRU
 * smaller than the cycle recomputes every array it evicts (~4 ms a year of minutes each,
 * plus the allocation) where streaming costs ~2 ms. Once the budget is full the arrays
 * already held serve every later variant and new operands stream. Arrays of other bar
 * sets (an earlier sweep, another walk-forward window) are evicted, oldest first.
 */
export class SweepIndicatorCache {
  private readonly entries = new Map<string, { barsKey: string; values: Float64Array }>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private streamed = 0;

  constructor(readonly maxBytes: number) {}

  /**
   * Returns the arrays this variant can share (absent operands stream in the engine),
   * computing those that fit in `budgetBytes` (at most the cache's own maxBytes).
   */
  seriesFor(spec: StrategySpec, timeframe: Timeframe, bars: BarColumns, barsKey: string, budgetBytes = this.maxBytes): Map<string, Float64Array> {
    const budget = Math.min(this.maxBytes, budgetBytes);
    const series = new Map<string, Float64Array>();
    const streamed = new Set<string>();
    for (const operand of runTimeframeOperands(spec, timeframe)) {
      const key = operandKey(operand, timeframe);
      if (series.has(key) || streamed.has(key)) continue;
      const cacheKey = `${barsKey}|${key}`;
      const cached = this.entries.get(cacheKey);
      if (cached) {
        this.hits++;
        series.set(key, cached.values);
        continue;
      }
      const bytes = bars.ts.length * Float64Array.BYTES_PER_ELEMENT;
      if (!this.makeRoom(bytes, barsKey, budget)) {
        this.streamed++;
        streamed.add(key);
        continue;
      }
      const values = computeSeries(bars, operand.variable, operand.params ?? {}, operand.output);
      this.misses++;
      this.entries.set(cacheKey, { barsKey, values });
      this.bytes += values.byteLength;
      series.set(key, values);
    }
    return series;
  }

  /** Frees room for `bytes` within `budget` by evicting arrays of other bar sets, oldest first; false when it cannot. */
  private makeRoom(bytes: number, barsKey: string, budget: number): boolean {
    if (bytes > budget) return false;
    for (const [key, entry] of this.entries) {
      if (this.bytes + bytes <= budget) break;
      if (entry.barsKey === barsKey) continue;
      this.entries.delete(key);
      this.bytes -= entry.values.byteLength;
      this.evictions++;
    }
    return this.bytes + bytes <= budget;
  }

  /** Drops every array (the counters stay). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): SweepIndicatorStats {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses, evictions: this.evictions, streamed: this.streamed };
  }
}
