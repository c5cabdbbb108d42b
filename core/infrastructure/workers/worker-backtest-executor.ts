import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type {
  BacktestExecutor,
  BacktestJobHandle,
  BacktestOutcome,
  BacktestProgress,
  ComputedRun,
  BacktestRequest,
  ExecuteOptions,
  RunRecord,
  SavedBacktest,
} from '../../application/backtest/backtest-executor.js';
import type {
  BacktestJob,
  BacktestWorkerApi,
  BacktestWorkerStats,
  PreparedRun,
  TestFault,
  WorkerBacktestResult,
  WorkerBacktestWire,
  WorkerSavedRun,
} from './backtest-protocol.js';
import { unpackMarkers, unpackTrades } from '../runs/fill-columns.js';
import { CACHE_MB_ENV, TEST_FAULTS_ENV } from './backtest-protocol.js';
import { WorkerPool, type JobHandle, type PoolStats, type WorkerPoolOptions } from './worker-pool.js';
import { workerScriptPath } from './worker-script.js';

export interface WorkerBacktestExecutorOptions extends Omit<WorkerPoolOptions, 'script' | 'env'> {
  /** The database the workers read (they open it read-only). */
  readonly dbFile: string;
  /** Default: dist/workers/backtest-worker.js under the repo / app root. */
  readonly script?: string;
  /** Bar + indicator cache budget per worker, in MB (default 512). */
  readonly cacheMb?: number;
  /** Lets jobs carry a TestFault (tests only). */
  readonly testFaults?: boolean;
}

/** A backtest job plus what only tests and benchmarks look at. */
export type DetailedJobHandle = JobHandle<WorkerBacktestResult>;

/** A request that may carry a TestFault (honoured only with testFaults). */
export type FaultableRequest = BacktestRequest & { fault?: TestFault; faultMs?: number };

/**
 * The BacktestExecutor port on a WorkerPool of backtest workers. Each job's worker reads
 * the bars itself (its own read-only connection and cache), so only the request goes in
 * and only the result (typed arrays transferred) comes out.
 */
export class WorkerBacktestExecutor implements BacktestExecutor {
  readonly pool: WorkerPool<BacktestWorkerApi>;
  private readonly dbFile: string;

  constructor(options: WorkerBacktestExecutorOptions) {
    this.dbFile = options.dbFile;
    const env: Record<string, string | undefined> = { ...process.env };
    if (options.cacheMb !== undefined) env[CACHE_MB_ENV] = String(options.cacheMb);
    if (options.testFaults) env[TEST_FAULTS_ENV] = '1';
    else delete env[TEST_FAULTS_ENV];
    this.pool = new WorkerPool<BacktestWorkerApi>({ ...options, script: options.script ?? workerScriptPath('backtest-worker'), env });
  }

  submit(request: BacktestRequest, options: ExecuteOptions = {}): BacktestJobHandle {
    const handle = this.submitDetailed(request, options);
    return { id: handle.id, cancel: handle.cancel, result: handle.result.then(toOutcome) };
  }

  submitAndSave(request: BacktestRequest, record: RunRecord, options: ExecuteOptions = {}): BacktestJobHandle<SavedBacktest> {
    const handle = this.submitAndSaveDetailed(request, record, options);
    return {
      id: handle.id,
      cancel: handle.cancel,
      result: handle.result.then(({ barsFromCache: _cached, memory: _memory, ...saved }): SavedBacktest => saved),
    };
  }

  prepare(request: BacktestRequest): JobHandle<PreparedRun> {
    return this.dispatch(request, {}, (api, job, progress, cancelFlag) => {
      progress.close(); // nothing to report: it takes tens of ms
      return api.prepare(job, cancelFlag);
    });
  }

  /** Like submit, but resolves with the worker's full report (timings, memory, cache use); `fault` needs testFaults. */
  submitDetailed(request: FaultableRequest, options: ExecuteOptions = {}): DetailedJobHandle {
    const handle = this.dispatch(request, options, (api, job, progress, cancelFlag) => api.runBacktest(job, progress, cancelFlag));
    return { id: handle.id, cancel: handle.cancel, result: handle.result.then(fromWire) };
  }

  /** Like submitAndSave, with the worker's timings (incl. the save) and memory. */
  submitAndSaveDetailed(request: FaultableRequest, record: RunRecord, options: ExecuteOptions = {}): JobHandle<WorkerSavedRun> {
    return this.dispatch(request, options, (api, job, progress, cancelFlag) => api.runAndSave(job, record, progress, cancelFlag));
  }

  private dispatch<T>(
    request: FaultableRequest,
    options: ExecuteOptions,
    call: (api: Comlink.Remote<BacktestWorkerApi>, job: BacktestJob, progress: MessagePort, cancelFlag: SharedArrayBuffer) => Promise<T>,
  ): JobHandle<T> {
    return this.pool.submit<T, BacktestProgress, ComputedRun>(
      (api, context) => {
        const { fault, faultMs, ...checked } = request;
        const job: BacktestJob = {
          jobId: context.jobId,
          dbFile: this.dbFile,
          request: checked,
          ...(options.priority === 'interactive' ? { interactive: true } : {}),
          ...(fault === undefined ? {} : { fault, faultMs: faultMs ?? 1000 }),
        };
        return call(api, job, Comlink.transfer(context.progressPort, [context.progressPort]), context.cancelFlag);
      },
      {
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        // The worker's runAndSave posts its ComputedRun as an interim message.
        ...(options.onComputed === undefined ? {} : { onInterim: options.onComputed }),
        ...(options.priority === undefined ? {} : { priority: options.priority }),
      },
    );
  }

  /**
   * Resolves when every worker has started (modules loaded, SQLite binding in) and
   * answers. Workers start when the executor is created; awaiting this is optional
   * (jobs queue meanwhile).
   */
  async ready(): Promise<void> {
    await this.pool.probeIdle((api) => api.stats());
  }

  stats(): PoolStats {
    return this.pool.stats();
  }

  /** Cache and memory figures of the idle workers (busy ones cannot answer until their job ends). */
  workerStats(): Promise<{ workerId: number; value: BacktestWorkerStats }[]> {
    return this.pool.probeIdle((api) => api.stats());
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Rebuilds the trade and marker objects the worker sent as columns. */
function fromWire(wire: WorkerBacktestWire): WorkerBacktestResult {
  const { trades, markers, result, ...rest } = wire;
  return { ...rest, result: { ...result, trades: unpackTrades(trades), markers: unpackMarkers(markers) } };
}

function toOutcome(r: WorkerBacktestResult): BacktestOutcome {
  const n = r.ts.length;
  return {
    instrument: r.instrument,
    result: r.result,
    hash: r.hash,
    engineVersion: r.engineVersion,
    ts: r.ts,
    barCount: r.barCount,
    warmUp: r.warmUp,
    firstTs: n === 0 ? null : r.ts[0]!,
    lastTs: n === 0 ? null : r.ts[n - 1]!,
    barsOrigin: r.barsOrigin,
    magnifierUsed: r.magnifierUsed,
  };
}
