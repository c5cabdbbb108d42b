import type { BacktestResult } from '../../domain/engine/types.js';
import type { InstrumentId, JobId } from '../../domain/market/ids.js';
import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';

/** One backtest to execute: which bars, which spec. Ranges are [fromTs, toTs), epoch ms UTC. */
export interface BacktestRequest {
  readonly instrumentId: InstrumentId;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly spec: StrategySpec;
  /** Resolve stops/targets on 1-minute bars inside higher-timeframe bars (default true). */
  readonly magnifier?: boolean;
  /** Overrides the instrument's quantity step for this run (e.g. fractional shares). */
  readonly quantityStep?: number;
}

/** What an executed backtest returns: the engine's result and the data it actually read. */
export interface BacktestOutcome {
  readonly instrument: Instrument;
  readonly result: BacktestResult;
  /** The engine's hash of everything the result depends on (spec, instrument, bars, engine version). */
  readonly hash: string;
  readonly engineVersion: string;
  /** Open time of every bar the engine saw; the equity curve's x axis. */
  readonly ts: Float64Array;
  readonly barCount: number;
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

export interface ExecuteOptions {
  /** Throttled: at most ~10 calls per second. */
  readonly onProgress?: (progress: BacktestProgress) => void;
  readonly timeoutMs?: number;
}

export interface BacktestJobHandle {
  readonly id: JobId;
  /** Rejects with CancelledError, TimeoutError, WorkerFailedError, ValidationError or NotFoundError. */
  readonly result: Promise<BacktestOutcome>;
  cancel(): void;
}

/** Runs backtests off the calling thread (a worker pool in the app). */
export interface BacktestExecutor {
  submit(request: BacktestRequest, options?: ExecuteOptions): BacktestJobHandle;
}
