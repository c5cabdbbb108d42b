import { z } from 'zod';
import type { JobId, RunId } from '../../domain/market/ids.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { MarkerSeries } from '../runs/contract.js';
import type { RunWarmUp } from '../runs/run-store.js';
import type { RunTimings } from './backtest-executor.js';
import { idSchema, maxPointsSchema, specInputSchema, rangeShape, symbolSchema, timeframeSchema, universeSchema } from '../contract/common.js';

/** One instrument (`symbol`), or a universe of instruments traded with one account (the strategy's own universe when neither). */
const runTarget = {
  symbol: symbolSchema.optional(),
  universe: universeSchema.optional(),
  timeframe: timeframeSchema,
  ...rangeShape,
};

export const backtestSchemas = {
  'backtest/start': z.strictObject({
    /** The saved strategy to run; its spec is copied into the run so the run can be reproduced. */
    strategyId: idSchema,
    /**
     * The strategy as the builder shows it, unsaved edits included (its draft): run instead
     * of the saved spec, and the run says so (RunExtras.unsavedEdits) when it differs.
     */
    spec: specInputSchema.optional(),
    ...runTarget,
    /**
     * 'interactive' when the user waits on the run (the Run button): it starts before
     * queued batch runs and sweeps, and those pause while it runs. Default 'background'.
     */
    priority: z.enum(['interactive', 'background']).optional(),
  }),
  'backtest/prepare': z.strictObject({
    /** The saved strategy the Run screen shows, on the series and range it has chosen. */
    strategyId: idSchema,
    /** The spec Run will run when it is not the saved one (its unsaved edits), as for backtest/start. */
    spec: specInputSchema.optional(),
    ...runTarget,
  }),
  'backtest/preview': z.strictObject({
    /** The spec as it stands in the builder (possibly unsaved), on one instrument. */
    spec: specInputSchema,
    symbol: symbolSchema,
    timeframe: timeframeSchema,
    ...rangeShape,
    maxPoints: maxPointsSchema.optional(),
  }),
} as const;

export type StartBacktestArgs = z.infer<(typeof backtestSchemas)['backtest/start']>;
export type PreviewSignalsArgs = z.infer<(typeof backtestSchemas)['backtest/preview']>;
export type PrepareBacktestArgs = z.infer<(typeof backtestSchemas)['backtest/prepare']>;

/** What `backtest/prepare` did: nothing when the spec would not run (Run says why) or a newer prepare replaced it. */
export interface PreparedBacktest {
  readonly prepared: boolean;
  readonly barCount: number | null;
}

/**
 * The fills a spec makes over a range (entries, adds and exits where the engine fills
 * them), for markers on the builder's price chart: the first `maxPoints` of them.
 */
export interface SignalPreview extends MarkerSeries {
  readonly barsScanned: number;
}

/**
 * A backtest job's `interim` (JobInfo): its results once the engine is done, while the run
 * is being hashed and saved. Sent once, in a `job/progress` event; the run is kept unless the write fails.
 */
export interface BacktestInterim {
  readonly metrics: BacktestMetrics;
  readonly barCount: number;
  /** Stored bars before the range the indicators warmed up on, of those the spec needs. */
  readonly warmUp: RunWarmUp;
  readonly tradeCount: number;
  /** Open times of the first and last bar the engine saw (null without bars). */
  readonly firstTs: number | null;
  readonly lastTs: number | null;
}

/** A backtest job's `result` (JobInfo) when done: the saved run and where the time went (ms). */
export interface BacktestJobResult {
  readonly runId: RunId;
  readonly hash: string;
  readonly barCount: number;
  /** Stored bars before the range the indicators warmed up on, of those the spec needs. */
  readonly warmUp: RunWarmUp;
  /** The result was computed ahead, by `backtest/prepare` (engineMs 0): the run only saved it. */
  readonly computedInAdvance: boolean;
  readonly timings: RunTimings;
}

export interface BacktestHandlers {
  /** Starts a backtest job: `job/progress` carries a BacktestInterim, `job/finished` a BacktestJobResult. */
  'backtest/start': (args: StartBacktestArgs) => Promise<{ jobId: JobId }>;
  'backtest/preview': (args: PreviewSignalsArgs) => Promise<SignalPreview>;
  /**
   * Computes a run of the strategy on this series ahead, in the background, without
   * saving it (bars, indicators, run hash and the engine's result into a worker's
   * caches): the Run screen asks when it opens or its choice changes, so the Run button
   * then only saves it.
   */
  'backtest/prepare': (args: PrepareBacktestArgs) => Promise<PreparedBacktest>;
}
