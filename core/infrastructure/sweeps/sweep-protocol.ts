import type { MessagePort } from 'node:worker_threads';
import type { BarsRead } from '../../application/sweeps/ports.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { SweepIndicatorStats } from '../../application/sweeps/sweep-indicator-cache.js';
import type { BarSourceStats } from '../sqlite/bar-source.js';
import type { WorkerMemory } from '../../application/system/performance-probe.js';

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
  /** Warm-up bars the sweep's most demanding variant needs: every batch reads the same bars (shared by the workers). */
  readonly warmUpBars?: number;
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
  readonly bars: BarSourceStats;
  readonly indicators: SweepIndicatorStats;
  readonly memory: WorkerMemory;
  readonly variantsRun: number;
  /** CPU time of this worker thread since it started, user + system, ms (on a shared machine a steadier figure than wall time). */
  readonly cpuMs: number;
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

/** Env vars: each sweep worker's memory budget, bar cache and indicator cap in MB. */
export const SWEEP_WORKER_MB_ENV = 'BWS_SWEEP_WORKER_MB';
export const SWEEP_BAR_CACHE_MB_ENV = 'BWS_SWEEP_BAR_CACHE_MB';
export const SWEEP_INDICATOR_CACHE_MB_ENV = 'BWS_SWEEP_INDICATOR_CACHE_MB';
/** The bar budget holds ten years of minutes (48 bytes a bar: 252 MB) as one series. */
export const SWEEP_BAR_CACHE_MB_DEFAULT = 256;
/**
 * What a sweep worker holds for the series it runs on: the bars (and the magnifier's
 * minutes) and shared indicator arrays (8 bytes a bar each), which get what the bars
 * leave (SweepIndicatorCache; past it operands stream in the engine; a variant keeps no
 * curve). A year of minutes leaves room for ~70 arrays, five years for 9, ten for 1: the
 * longer the history, the fewer arrays, so a worker stays near this figure or at its
 * bars alone (docs/OPTIMIZE.md).
 */
/**
 * Variants a sweep worker runs in lockstep over each chunk of the bars (runLockstep): 8 ran
 * the bench's grid ~15 % faster than one by one, 25 no better. Batches are at least this
 * long while as many variants are left (batchSize).
 */
export const SWEEP_LOCKSTEP_GROUP = 8;
export const SWEEP_WORKER_MB_DEFAULT = 320;
