import type { MessagePort } from 'node:worker_threads';
import type { BarsRead } from '../../application/sweeps/ports.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { SweepIndicatorStats } from '../../application/sweeps/sweep-indicator-cache.js';
import type { CacheStats, WorkerMemory } from '../../application/system/performance-probe.js';

/** A batch of sweep variants for one worker call: the data once, then each variant's spec. */
export interface VariantBatchJob {
  readonly dbFile: string;
  readonly instrumentId: number;
  /** A portfolio sweep: every instrument of the universe in run order; each variant runs them all as one portfolio run. */
  readonly universe?: readonly number[];
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly magnifier?: boolean;
  readonly quantityStep?: number;
  readonly variants: readonly { readonly index: number; readonly spec: StrategySpec }[];
}


export type VariantBatchItem =
  | { readonly index: number; readonly metrics: BacktestMetrics; readonly hash?: string }
  | { readonly index: number; readonly error: string };

export interface VariantBatchResult {
  /** One per variant finished before a cancel (all of them when not cancelled). */
  readonly items: readonly VariantBatchItem[];
  readonly cancelled: boolean;
  readonly barsRead: BarsRead;
  readonly timings: { readonly loadMs: number; readonly engineMs: number };
  readonly memory: WorkerMemory;
}

export interface SweepWorkerStats {
  readonly bars: CacheStats;
  readonly indicators: SweepIndicatorStats;
  readonly memory: WorkerMemory;
  readonly variantsRun: number;
}

/**
 * The sweep worker's comlink API. `sweepCancel` is one flag shared by every batch of a
 * sweep: the worker checks it between variants and inside the engine, and returns the
 * variants it finished (cancelled: true) instead of throwing, so none are lost.
 * `progress` receives the count of variants done in this batch after each one.
 */
export interface SweepWorkerApi {
  runVariants(job: VariantBatchJob, progress: MessagePort, sweepCancel: SharedArrayBuffer): Promise<VariantBatchResult>;
  stats(): SweepWorkerStats;
}

/** Env vars: each sweep worker's bar and indicator cache budgets in MB. */
export const SWEEP_BAR_CACHE_MB_ENV = 'BWS_SWEEP_BAR_CACHE_MB';
export const SWEEP_INDICATOR_CACHE_MB_ENV = 'BWS_SWEEP_INDICATOR_CACHE_MB';
/** The bar budget holds ten years of minutes (48 bytes a bar: 252 MB) as one series. */
export const SWEEP_BAR_CACHE_MB_DEFAULT = 256;
/**
 * Shared indicator arrays per worker: 8 bytes a bar each, so 30 arrays over a year of
 * minutes and 6 over five; past it operands stream in the engine (SweepIndicatorCache).
 * Two workers over five years of minutes then peak near 0.9 GB for the whole process
 * (docs/OPTIMIZE.md has the budget line by line).
 */
export const SWEEP_INDICATOR_CACHE_MB_DEFAULT = 128;
