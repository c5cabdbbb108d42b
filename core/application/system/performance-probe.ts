/**
 * The figures the performance monitor reports, each shape declared once: the caches,
 * pools and workers produce them, the host's probe gathers them, `system/performance`
 * sums and sends them (system/contract.ts derives its shapes from these).
 */

/** A byte-bounded cache's counters (a worker's bar or indicator cache). */
export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/** A worker pool's job counters. */
export interface PoolCounters {
  readonly size: number;
  readonly busy: number;
  readonly queued: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  /** Workers replaced after a crash, an exit, running out of memory, a timeout or a stuck cancel. */
  readonly replaced: number;
}

/** Memory of one worker isolate at the end of a job (rssBytes: the whole process, all threads). */
export interface WorkerMemory {
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly arrayBuffersBytes: number;
  readonly rssBytes: number;
}

/** What an idle worker answers when probed: its caches and its memory. */
export interface WorkerFigures {
  readonly bars: CacheStats;
  readonly indicators: CacheStats;
  readonly memory: WorkerMemory;
}

export type PoolName = 'backtest' | 'sweep';

/** One worker pool's counters plus what its idle workers answered when probed. */
export interface PoolSnapshot {
  readonly pool: PoolName;
  readonly stats: PoolCounters;
  readonly workers: readonly (WorkerFigures & { readonly workerId: number })[];
}

/** The process owning the data (main): rss covers every thread, workers included. */
export interface ProcessMemory {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly arrayBuffersBytes: number;
}

/**
 * Figures the performance monitor reads on demand from the host: nothing is sampled in
 * the background and nothing touches the engine's loop.
 */
export interface PerformanceProbe {
  /** The pools that exist now (the sweep pool is created with the first sweep). */
  pools(): Promise<readonly PoolSnapshot[]>;
  processMemory(): ProcessMemory;
}
