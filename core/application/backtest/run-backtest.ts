import type { StrategyId } from '../../domain/market/ids.js';
import type { RunExtras } from '../runs/run-store.js';
import type { BacktestExecutor, BacktestProgress, ComputedRun, JobPriority, RunRecord, SavedBacktest } from './backtest-executor.js';
import type { BacktestRequest } from './request.js';

/** What a saved run records besides the request: which strategy, and context for its extras. */
export interface RunOrigin {
  /** The saved strategy the spec came from; null for an unsaved spec or a template. */
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

/**
 * Runs a checked backtest request and persists it: the executor (a worker of the pool,
 * or this thread) executes it and saves the run with its hash, metrics, trades, markers
 * and equity (core/application/backtest/execute-run.ts). Trades and equity stay in the
 * store; read them with the run store.
 */
export async function runBacktest(executor: BacktestExecutor, request: BacktestRequest, origin: RunOrigin = {}, control: RunBacktestControl = {}): Promise<SavedBacktest> {
  const record: RunRecord = {
    name: request.spec.name,
    strategyId: origin.strategyId ?? null,
    fromTs: request.fromTs ?? null,
    toTs: request.toTs ?? null,
    ...(origin.extras ? { extras: origin.extras } : {}),
  };
  const job = executor.submitAndSave(request, record, {
    ...(control.progress ? { onProgress: (p: BacktestProgress) => control.progress?.(p) } : {}),
    ...(control.computed ? { onComputed: (run: ComputedRun) => control.computed?.(run) } : {}),
    ...(control.timeoutMs === undefined ? {} : { timeoutMs: control.timeoutMs }),
    ...(control.priority === undefined ? {} : { priority: control.priority }),
  });
  const unsubscribe = control.onCancel?.(() => job.cancel());
  try {
    return await job.result;
  } finally {
    unsubscribe?.();
  }
}
