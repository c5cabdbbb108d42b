import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { BacktestResult, OpenPosition } from '../../domain/engine/types.js';
import type { JobId, StrategyId } from '../../domain/market/ids.js';
import type { Instrument } from '../../domain/market/instrument.js';
import type { RunExtras, RunSummary, RunWarmUp } from '../runs/run-store.js';
import type { BacktestRequest } from './request.js';

export type { BacktestRequest } from './request.js';

/** What an executed backtest returns: the engine's result and the data it actually read. */
export interface BacktestOutcome {
  readonly instrument: Instrument;
  readonly result: BacktestResult;
  /** The engine's hash of everything the result depends on (spec, instrument, bars, engine version). */
  readonly hash: string;
  readonly engineVersion: string;
  /** Open time of every bar of the run (warm-up bars excluded); the equity curve's x axis. */
  readonly ts: Float64Array;
  readonly barCount: number;
  /** Bars before the range that the indicators warmed up on, of those the spec needs. */
  readonly warmUp: RunWarmUp;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** Whether the bars came from the stored series of the timeframe or were resampled from 1m. */
  readonly barsOrigin: 'stored' | 'resampled';
  readonly magnifierUsed: boolean;
}

export interface BacktestProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * 'interactive': the user is waiting on this job (the Run button, the builder's signal
 * preview, opening a sweep variant): it starts before queued background jobs, never
 * pauses for UI activity, and background work pauses while it runs. 'background'
 * (the default): batch work that gives way to the user.
 */
export type JobPriority = 'interactive' | 'background';

export interface ExecuteOptions {
  /** Throttled: at most ~10 calls per second. */
  readonly onProgress?: (progress: BacktestProgress) => void;
  /**
   * submitAndSave only: called once, at once (not throttled), when the engine has finished
   * and the run is being saved, so a waiting user sees its results without waiting on the
   * write. Past this point the run is kept unless the write itself fails.
   */
  readonly onComputed?: (run: ComputedRun) => void;
  readonly timeoutMs?: number;
  readonly priority?: JobPriority;
}

export interface BacktestJobHandle<T = BacktestOutcome> {
  readonly id: JobId;
  /** Rejects with CancelledError, TimeoutError, WorkerFailedError, ValidationError or NotFoundError. */
  readonly result: Promise<T>;
  cancel(): void;
}

/** What a saved run records besides the engine's outputs. */
export interface RunRecord {
  readonly name: string;
  readonly strategyId: StrategyId | null;
  /** The requested range as given (null = from the first / to the last stored bar). */
  readonly fromTs: number | null;
  readonly toTs: number | null;
  /** Context kept in the run's extras beside the engine's (e.g. the sweep variant it was opened from). */
  readonly extras?: RunExtras;
}

/** A backtest the engine has finished, while it is being saved (and hashed): what its results view needs first. */
export interface ComputedRun {
  readonly metrics: BacktestMetrics;
  readonly openPosition: OpenPosition | null;
  readonly barCount: number;
  readonly warmUp: RunWarmUp;
  readonly tradeCount: number;
  /** Open times of the first and last bar the engine saw (null without bars). */
  readonly firstTs: number | null;
  readonly lastTs: number | null;
}

/** Where an executed job's time went, in ms (pausedMs: given way to the UI; saveMs: encoding and the write transaction). */
export interface RunTimings {
  readonly loadMs: number;
  readonly engineMs: number;
  readonly saveMs: number;
  readonly pausedMs: number;
  readonly totalMs: number;
}

/** A backtest executed and saved as a run: the summary and what callers show at once. */
export interface SavedBacktest {
  readonly run: RunSummary;
  readonly metrics: BacktestMetrics;
  readonly openPosition: OpenPosition | null;
  readonly barCount: number;
  readonly warmUp: RunWarmUp;
  readonly timings: RunTimings;
  /** The engine's result was computed ahead (see `prepare`); timings.engineMs is then 0. */
  readonly computedInAdvance: boolean;
  /**
   * The engine's result and the run's bar times, when the run executed on the caller's
   * thread (nothing to copy: the CLI prints its trades without reading back what it just
   * saved). Absent when it ran in a worker.
   */
  readonly executed?: { readonly result: BacktestResult; readonly ts: Float64Array };
}

/** Runs backtests off the calling thread (a worker pool in the app). */
export interface BacktestExecutor {
  submit(request: BacktestRequest, options?: ExecuteOptions): BacktestJobHandle;
  /**
   * Runs the backtest and saves it as a run where it ran: a year of minutes is megabytes
   * of equity and trades, which would otherwise be copied, re-encoded and written on the
   * caller's thread (the app's main thread, which serves the UI). Resolves once the run is
   * committed; rejects like `submit`, and with NotFoundError when the range has no bars
   * (nothing is saved then).
   */
  submitAndSave(request: BacktestRequest, record: RunRecord, options?: ExecuteOptions): BacktestJobHandle<SavedBacktest>;
  /**
   * Computes a run of `request` ahead, as background work, without saving it: the bars,
   * indicator arrays, run hash and the engine's result go into the executing side's
   * caches, so the user's next Run of it only saves (a different run still finds the bars
   * and indicators). Resolves with the bar count.
   */
  prepare(request: BacktestRequest): BacktestJobHandle<{ readonly barCount: number }>;
}
