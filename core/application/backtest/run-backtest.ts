import type { StrategyId } from '../../domain/market/ids.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { OpenPosition } from '../../domain/engine/types.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import { NotFoundError } from '../errors.js';
import type { BarStore } from '../data/bar-store.js';
import type { RunExtras, RunSummary, RunWarmUp } from '../runs/run-store.js';
import { requireRunnableSpec } from '../strategies/strategy-service.js';
import type { BacktestExecutor, BacktestProgress, ComputedRun, JobPriority, RunTimings } from './backtest-executor.js';

export interface RunBacktestDeps {
  readonly bars: Pick<BarStore, 'findInstrument'>;
  /** Executes and saves the run (off this thread: see BacktestExecutor.submitAndSave). */
  readonly executor: BacktestExecutor;
}

export interface RunBacktestArgs {
  /** The spec as JSON (parsed and validated here) or an already typed spec. */
  readonly spec: unknown;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly magnifier?: boolean;
  /** Overrides the instrument's quantity step for this run. */
  readonly quantityStep?: number;
  readonly strategyId?: StrategyId | null;
  /** Context kept with the run (see RunRecord.extras). */
  readonly extras?: RunExtras;
}

/** Cancel and progress hooks, shaped like the job registry's JobContext. */
export interface RunBacktestControl {
  progress?(progress: BacktestProgress): void;
  /** The run's results once the engine is done, while the run is being saved (see ExecuteOptions.onComputed). */
  computed?(run: ComputedRun): void;
  /** Registers a listener called once on cancel; returns an unsubscribe. */
  onCancel?(listener: () => void): () => void;
  readonly timeoutMs?: number;
  /** Default 'background'; see JobPriority. */
  readonly priority?: JobPriority;
}

export interface BacktestRunResult {
  readonly run: RunSummary;
  readonly runId: RunSummary['id'];
  readonly hash: string;
  readonly metrics: BacktestMetrics;
  readonly openPosition: OpenPosition | null;
  /** Bars of the run (the equity curve's length). */
  readonly barCount: number;
  /** Stored bars before the range the indicators warmed up on, of those the spec needs (see RunWarmUp). */
  readonly warmUp: RunWarmUp;
  readonly timings: RunTimings;
  /** The engine's result was computed ahead (BacktestExecutor.prepare). */
  readonly computedInAdvance: boolean;
}

/**
 * Runs a backtest and persists it: validates the spec (errors and unaccepted warnings
 * block with a ValidationError listing them), resolves the instrument, and has the
 * executor (a worker pool) run it and save the run with its hash, metrics, trades and
 * equity. Trades and equity stay in the store; read them with the run store.
 */
export async function runBacktest(deps: RunBacktestDeps, args: RunBacktestArgs, control: RunBacktestControl = {}): Promise<BacktestRunResult> {
  const spec: StrategySpec = requireRunnableSpec(args.spec, args.timeframe);
  const instrument = deps.bars.findInstrument(args.symbol);
  if (!instrument) throw new NotFoundError(`No instrument with symbol "${args.symbol}"; import its bars first`);
  const job = deps.executor.submitAndSave(
    {
      instrumentId: instrument.id,
      timeframe: args.timeframe,
      spec,
      ...(args.fromTs === undefined ? {} : { fromTs: args.fromTs }),
      ...(args.toTs === undefined ? {} : { toTs: args.toTs }),
      ...(args.magnifier === undefined ? {} : { magnifier: args.magnifier }),
      ...(args.quantityStep === undefined ? {} : { quantityStep: args.quantityStep }),
    },
    { name: spec.name, strategyId: args.strategyId ?? null, fromTs: args.fromTs ?? null, toTs: args.toTs ?? null, ...(args.extras ? { extras: args.extras } : {}) },
    {
      ...(control.progress ? { onProgress: (p: BacktestProgress) => control.progress?.(p) } : {}),
      ...(control.computed ? { onComputed: (run: ComputedRun) => control.computed?.(run) } : {}),
      ...(control.timeoutMs === undefined ? {} : { timeoutMs: control.timeoutMs }),
      ...(control.priority === undefined ? {} : { priority: control.priority }),
    },
  );
  const unsubscribe = control.onCancel?.(() => job.cancel());
  try {
    const saved = await job.result;
    const { run, metrics, openPosition, barCount, warmUp, timings, computedInAdvance } = saved;
    return { run, runId: run.id, hash: run.hash, metrics, openPosition, barCount, warmUp, timings, computedInAdvance };
  } finally {
    unsubscribe?.();
  }
}
