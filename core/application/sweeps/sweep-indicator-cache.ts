import { operandKey } from '../../domain/engine/operands.js';
import { createSeriesKernel } from '../../domain/indicators/compute.js';
import type { BarColumns } from '../../domain/market/bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { CacheStats } from '../system/performance-probe.js';
import { runTimeframeOperands } from '../backtest/indicator-cache.js';

/** A sweep worker's indicator cache figures: CacheStats plus the operands left to the engine's kernels. */
export interface SweepIndicatorStats extends CacheStats {
  /** Operand lookups answered with no array: the engine computed them bar by bar. */
  readonly streamed: number;
  /** Arrays taken from the other workers of the pool (not computed here). */
  readonly adopted: number;
}

/** An indicator array one worker computed, offered to the others: `key` is its cache key (bar set and operand). */
export interface PeerArray {
  readonly barsKey: string;
  readonly key: string;
  readonly values: Float64Array;
}

/**
 * The arrays the workers of one pool share (a sweep's workers need mostly the same ones:
 * every slow SMA of a grid, for instance). Optional: without peers each worker computes
 * what it uses.
 */
export interface IndicatorPeers {
  /** A zeroed array of `length` the other workers can read (shared memory). */
  allocate(length: number): Float64Array;
  /** Offers a computed array to the other workers. */
  publish(array: PeerArray): void;
  /** The arrays the others offered since the last call, oldest first. */
  receive(): PeerArray[];
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
  private adopted = 0;
  /** The bar set of the last lookup, and its budget: peers' arrays of other sets are dropped. */
  private current: { barsKey: string; budget: number } | null = null;

  constructor(
    readonly maxBytes: number,
    private readonly peers: IndicatorPeers | null = null,
  ) {}

  /**
   * Takes the arrays other workers offered: those of the bar set in use that fit its
   * budget (an array is computed once per pool, not once per worker; over a year of
   * minutes each costs ~3 ms to compute and, on a machine slow to hand out fresh pages,
   * up to ~12 ms to touch its 4 MB for the first time). Called before any array is
   * computed, and between batches so that offers do not pile up in the queue.
   */
  adoptFromPeers(): void {
    if (!this.peers) return;
    for (const offer of this.peers.receive()) {
      const current = this.current;
      if (!current || offer.barsKey !== current.barsKey || this.entries.has(offer.key)) continue;
      if (!this.makeRoom(offer.values.byteLength, current.barsKey, current.budget)) continue;
      this.entries.set(offer.key, { barsKey: offer.barsKey, values: offer.values });
      this.bytes += offer.values.byteLength;
      this.adopted++;
    }
  }

  /**
   * Returns the arrays this variant can share (absent operands stream in the engine),
   * computing those that fit in `budgetBytes` (at most the cache's own maxBytes).
   */
  seriesFor(spec: StrategySpec, timeframe: Timeframe, bars: BarColumns, barsKey: string, budgetBytes = this.maxBytes): Map<string, Float64Array> {
    const budget = Math.min(this.maxBytes, budgetBytes);
    this.current = { barsKey, budget };
    const series = new Map<string, Float64Array>();
    const streamed = new Set<string>();
    for (const operand of runTimeframeOperands(spec, timeframe)) {
      const key = operandKey(operand, timeframe);
      if (series.has(key) || streamed.has(key)) continue;
      const cacheKey = `${barsKey}|${key}`;
      let cached = this.entries.get(cacheKey);
      if (!cached && this.peers) {
        this.adoptFromPeers();
        cached = this.entries.get(cacheKey);
      }
      if (cached) {
        this.hits++;
        series.set(key, cached.values);
        continue;
      }
      const n = bars.ts.length;
      const bytes = n * Float64Array.BYTES_PER_ELEMENT;
      if (!this.makeRoom(bytes, barsKey, budget)) {
        this.streamed++;
        streamed.add(key);
        continue;
      }
      // The catalog's kernel, as computeSeries runs it, into memory the peers can read.
      const kernel = createSeriesKernel(operand.variable, operand.params ?? {}, operand.output);
      const values = this.peers ? this.peers.allocate(n) : new Float64Array(n);
      kernel.fill(bars, 0, n, values, 0);
      this.misses++;
      this.entries.set(cacheKey, { barsKey, values });
      this.bytes += values.byteLength;
      this.peers?.publish({ barsKey, key: cacheKey, values });
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

  /** Drops every array (the counters stay); peers' offers that arrive later are dropped too. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.current = null;
    this.adoptFromPeers();
  }

  stats(): SweepIndicatorStats {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses, evictions: this.evictions, streamed: this.streamed, adopted: this.adopted };
  }
}
