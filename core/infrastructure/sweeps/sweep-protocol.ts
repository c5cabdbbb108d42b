import type { MessagePort } from 'node:worker_threads';
import type { BarsRead } from '../../application/sweeps/ports.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
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
  readonly indicators: CacheStats;
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

/** Env vars: the sweep worker's bar and indicator cache budgets in MB (defaults 256 and 768). */
export const SWEEP_BAR_CACHE_MB_ENV = 'BWS_SWEEP_BAR_CACHE_MB';
export const SWEEP_INDICATOR_CACHE_MB_ENV = 'BWS_SWEEP_INDICATOR_CACHE_MB';
