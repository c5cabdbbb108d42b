/** A worker cache's counters, as the workers report them. */
export interface CacheCounters {
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/** One worker pool's counters plus what its idle workers answered when probed. */
export interface PoolSnapshot {
  readonly pool: 'backtest' | 'sweep';
  readonly stats: {
    readonly size: number;
    readonly busy: number;
    readonly queued: number;
    readonly completed: number;
    readonly failed: number;
    readonly cancelled: number;
    readonly timedOut: number;
    readonly replaced: number;
  };
  readonly workers: readonly {
    readonly workerId: number;
    readonly bars: CacheCounters;
    readonly indicators: CacheCounters;
    readonly memory: { readonly heapUsedBytes: number; readonly externalBytes: number; readonly arrayBuffersBytes: number };
  }[];
}

/**
 * Figures the performance monitor reads on demand from the host: nothing is sampled in
 * the background and nothing touches the engine's loop.
 */
export interface PerformanceProbe {
  /** The pools that exist now (the sweep pool is created with the first sweep). */
  pools(): Promise<readonly PoolSnapshot[]>;
  processMemory(): { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; arrayBuffersBytes: number };
}
