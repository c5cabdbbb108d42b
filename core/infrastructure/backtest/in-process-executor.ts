import type {
  BacktestExecutor,
  BacktestJobHandle,
  BacktestOutcome,
  ExecuteOptions,
  RunRecord,
  SavedBacktest,
} from '../../application/backtest/backtest-executor.js';
import { BacktestState, executeRun, prepareRun, saveRun, type ExecutedRun, type RunControl } from '../../application/backtest/execute-run.js';
import { IndicatorCache } from '../../application/backtest/indicator-cache.js';
import type { BacktestRequest } from '../../application/backtest/request.js';
import { CancelledError } from '../../application/errors.js';
import type { RunStore } from '../../application/runs/run-store.js';
import { ENGINE_VERSION } from '../../domain/engine/backtest.js';
import { jobId } from '../../domain/market/ids.js';
import { BarSource } from '../sqlite/bar-source.js';

export interface InProcessExecutorOptions {
  /** The database the bars are read from (through a read-only connection of this executor's own). */
  readonly dbFile: string;
  /** Where runs are saved. */
  readonly runs: RunStore;
  /** Bar + indicator cache budget, MB (default 256). */
  readonly cacheMb?: number;
  /** Monotonic ms for the run's timings. */
  readonly now?: () => number;
}

/**
 * The BacktestExecutor port on the caller's own thread: the run use case
 * (execute-run.ts) called directly, for a one-shot command (the CLI) where a worker pool
 * buys nothing but its start-up (~100 ms) and the copies across the thread boundary.
 * Runs one job at a time, synchronously once started: the thread is busy meanwhile.
 * A saved run's result is handed back as it is (`SavedBacktest.executed`): nothing to copy.
 */
export class InProcessBacktestExecutor implements BacktestExecutor {
  private readonly state: BacktestState;
  private readonly bars: BarSource;
  private readonly now: () => number;
  private jobs = 0;

  constructor(private readonly options: InProcessExecutorOptions) {
    const budget = (options.cacheMb ?? 256) * 1024 * 1024;
    this.bars = new BarSource(Math.floor(budget * 0.75));
    this.state = new BacktestState(new IndicatorCache(Math.floor(budget * 0.25)));
    this.now = options.now ?? (() => performance.now());
  }

  submit(request: BacktestRequest, options: ExecuteOptions = {}): BacktestJobHandle {
    return this.start((control) => {
      const executed = executeRun(this.state, this.bars.forFile(this.options.dbFile), request, { ...control, ...(options.onProgress ? { onProgress: (done, total) => options.onProgress?.({ done, total }) } : {}) });
      return outcome(executed);
    });
  }

  submitAndSave(request: BacktestRequest, record: RunRecord, options: ExecuteOptions = {}): BacktestJobHandle<SavedBacktest> {
    return this.start((control) => {
      const steer: RunControl = { ...control, ...(options.onProgress ? { onProgress: (done, total) => options.onProgress?.({ done, total }) } : {}) };
      const executed = executeRun(this.state, this.bars.forFile(this.options.dbFile), request, steer, true);
      const saved = saveRun(this.options.runs, executed, record, {
        now: this.now,
        checkpoint: control.checkpoint,
        ...(options.onComputed ? { onComputed: options.onComputed } : {}),
        write: (write) => write(),
        pausedMs: () => 0,
      });
      return { ...saved, executed: { result: executed.result, ts: executed.runTs } };
    });
  }

  prepare(request: BacktestRequest): BacktestJobHandle<{ readonly barCount: number }> {
    return this.start((control) => prepareRun(this.state, this.bars.forFile(this.options.dbFile), request, control));
  }

  /** Frees the read connection and the caches. */
  close(): void {
    this.bars.close();
  }

  /** Runs `work` on the next turn (so a cancel right after submit is seen), cancellable between its steps and in the engine's polls. */
  private start<T>(work: (control: RunControl) => T): BacktestJobHandle<T> {
    let cancelled = false;
    const control: RunControl = {
      now: this.now,
      checkpoint: () => {
        if (cancelled) throw new CancelledError();
      },
      shouldCancel: () => cancelled,
    };
    const result = new Promise<T>((resolve, reject) =>
      setImmediate(() => {
        try {
          control.checkpoint();
          resolve(work(control));
        } catch (error) {
          reject(error);
        }
      }),
    );
    return { id: jobId(`in-process-${++this.jobs}`), result, cancel: () => (cancelled = true) };
  }
}

/** The executed run as `submit` answers it. */
function outcome(executed: ExecutedRun): BacktestOutcome {
  const { request, result } = executed;
  const ts = executed.runTs;
  return {
    instrument: request.instrument,
    result,
    hash: executed.hash(),
    engineVersion: ENGINE_VERSION,
    ts,
    barCount: ts.length,
    warmUp: executed.warmUp,
    firstTs: ts.length > 0 ? ts[0]! : null,
    lastTs: ts.length > 0 ? ts[ts.length - 1]! : null,
    barsOrigin: executed.barsOrigin,
    magnifierUsed: executed.magnifierUsed,
  };
}
