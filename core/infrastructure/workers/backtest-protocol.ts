import type { RunRecord, SavedBacktest } from '../../application/backtest/backtest-executor.js';
import type { PreparedRun } from '../../application/backtest/execute-run.js';
import type { BacktestRequest } from '../../application/backtest/request.js';
import type { RunWarmUp } from '../../application/runs/run-store.js';
import type { CacheStats, WorkerMemory } from '../../application/system/performance-probe.js';
import type { BacktestResult } from '../../domain/engine/types.js';
import type { FillColumns } from '../runs/fill-columns.js';
import type { Instrument } from '../../domain/market/instrument.js';
import type { MessagePort } from 'node:worker_threads';

export type { PreparedRun } from '../../application/backtest/execute-run.js';
export type { WorkerMemory } from '../../application/system/performance-probe.js';

/**
 * Faults a test can ask the backtest worker to commit, to exercise the pool's failure
 * handling. The worker refuses them unless its environment has BWS_TEST_FAULTS=1.
 * - throw: the call throws (the worker survives)
 * - uncaught: an exception escapes to the worker's event loop (the worker dies)
 * - exit: process.exit(7) inside the worker
 * - oom: allocates until V8's heap limit stops the worker
 * - busy: reruns the real engine (with the real cancel poll) for faultMs
 * - hang: a synchronous loop that ignores cancel, for faultMs
 * - slowSave: the run's save (runAndSave) holds its write open for faultMs more
 * - slowReply: the run is saved, then the worker takes faultMs more to answer
 * - failSave: the run's save fails after faultMs, before anything is written (a full disk)
 */
export const TEST_FAULTS = ['throw', 'uncaught', 'exit', 'oom', 'busy', 'hang', 'slowSave', 'slowReply', 'failSave'] as const;
export type TestFault = (typeof TEST_FAULTS)[number];

/** One backtest as it crosses to a worker: the request as checked at the edge, and how to run it. */
export interface BacktestJob {
  readonly jobId: string;
  readonly dbFile: string;
  /** Checked where it was made (backtestRequest): the worker runs it as it is. */
  readonly request: BacktestRequest;
  /** The user waits on this job (see JobPriority): it never pauses for UI activity. */
  readonly interactive?: boolean;
  readonly fault?: TestFault;
  readonly faultMs?: number;
}

export interface WorkerBacktestResult {
  readonly instrument: Instrument;
  readonly result: BacktestResult;
  /** The engine's hash of spec + instrument + timeframe + bars + engine version. */
  readonly hash: string;
  readonly engineVersion: string;
  /** A copy of the run's bars' open times, warm-up excluded (the cached bars are never transferred). */
  readonly ts: Float64Array;
  readonly barCount: number;
  /** The indicators' warm-up on stored bars before the range. */
  readonly warmUp: RunWarmUp;
  readonly barsOrigin: 'stored' | 'resampled';
  readonly magnifierUsed: boolean;
  readonly barsFromCache: boolean;
  readonly indicatorsFromCache: number;
  /** pausedMs: time the job gave way to the user (background jobs pause while the UI is in use). */
  readonly timings: { readonly loadMs: number; readonly engineMs: number; readonly pausedMs: number; readonly totalMs: number };
  readonly memory: WorkerMemory;
}

/**
 * What the worker posts: a WorkerBacktestResult whose trades and markers travel as
 * transferred columns (fill-columns.ts); the executor rebuilds the objects.
 */
export interface WorkerBacktestWire extends Omit<WorkerBacktestResult, 'result'> {
  readonly result: Omit<BacktestResult, 'trades' | 'markers'>;
  readonly trades: FillColumns;
  readonly markers: FillColumns;
}

/** Progress of a worker's JIT priming (workers/lib/jit-priming.ts). */
export interface PrimingFigures {
  readonly stepsRun: number;
  readonly stepsPlanned: number;
  /** Time spent inside steps. */
  readonly busyMs: number;
  readonly state: 'waiting' | 'running' | 'done' | 'skipped' | 'failed';
}

export interface BacktestWorkerStats {
  readonly bars: CacheStats;
  readonly indicators: CacheStats;
  readonly memory: WorkerMemory;
  readonly jobsRun: number;
  /** The JIT priming's progress; null when the pool runs without one. */
  readonly priming: PrimingFigures | null;
}

/** A run the worker executed and saved itself: only the summary crosses back. */
export interface WorkerSavedRun extends SavedBacktest {
  readonly barsFromCache: boolean;
  readonly memory: WorkerMemory;
}

/** The API the backtest worker exposes through comlink. */
export interface BacktestWorkerApi {
  runBacktest(job: BacktestJob, progress: MessagePort, cancelFlag: SharedArrayBuffer): Promise<WorkerBacktestWire>;
  /** Runs the job and saves it as a run through the worker's own write connection. */
  runAndSave(job: BacktestJob, record: RunRecord, progress: MessagePort, cancelFlag: SharedArrayBuffer): Promise<WorkerSavedRun>;
  /** Computes a run of the job ahead without saving it: its bars, indicators, run hash and the engine's result stay cached. */
  prepare(job: BacktestJob, cancelFlag: SharedArrayBuffer): PreparedRun;
  stats(): BacktestWorkerStats;
}

/** Env var naming the worker's bar cache budget in MB (default 512). */
export const CACHE_MB_ENV = 'BWS_WORKER_CACHE_MB';
/** Env var that enables TestFault jobs. */
export const TEST_FAULTS_ENV = 'BWS_TEST_FAULTS';
/**
 * Env var naming a fault for every job that carries none, as `fault` or `fault:ms` (e.g.
 * `busy:5000`): lets an end-to-end test drive a real server's long run (and its Cancel
 * button) without a test-only API. Honoured only together with BWS_TEST_FAULTS=1.
 */
export const TEST_JOB_FAULT_ENV = 'BWS_TEST_JOB_FAULT';
