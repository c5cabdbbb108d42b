import { jobId as toJobId, type JobId } from '../../domain/market/ids.js';
import type { Logger } from '../contract/dispatcher.js';
import type { EventSink } from '../contract/events.js';
import { FINAL_JOB_STATUSES, type JobInfo, type JobKind, type JobProgress, type JobStatus } from './contract.js';
import { AppError, CancelledError, NotFoundError, toErrorData } from '../errors.js';
import type { JobStore } from './job-store.js';

/** What a running job sees: its id, a cancellation flag and a progress reporter. */
export interface JobContext {
  readonly jobId: JobId;
  isCancelled(): boolean;
  /** Calls `listener` once when the job is cancelled (at once if it already is); returns an unsubscribe. */
  onCancel(listener: () => void): () => void;
  /** Reports progress; events are throttled, so call it as often as is convenient. */
  progress(progress: JobProgress): void;
  /** Publishes an interim outcome (JobInfo.interim) in a `job/progress` event at once. */
  interim(value: unknown): void;
  /**
   * Keeps what the job has finished so far as its result, in its stored record: if the app
   * stops, the job is found interrupted at the next start with this result.
   */
  checkpoint(value: unknown): void;
}

export interface JobRequest<T> {
  readonly kind: JobKind;
  readonly title: string;
  readonly run: (context: JobContext) => Promise<T>;
  /** The JSON-friendly result kept with the job (default: the value itself). */
  readonly toResult?: (value: T) => unknown;
  /**
   * A value returned after a cancel request means the work completed and is kept (a saved
   * run): the job is 'done'. Default: 'cancelled' (e.g. a sweep returns what it finished).
   */
  readonly doneWhenCompletedAfterCancel?: boolean;
}

export interface JobRegistryDeps {
  readonly store: JobStore;
  readonly events: EventSink;
  readonly clock: () => number;
  readonly newId: () => string;
  readonly logger: Logger;
  /** Names host failures (a full disk...) as typed errors; see DispatcherOptions.translateError. */
  readonly translateError?: (error: unknown) => AppError | null;
  /** Minimum ms between two `job/progress` events of one job (default 100: at most 10 per second). */
  readonly progressIntervalMs?: number;
  /**
   * Jobs of a kind that may run at once; the rest wait as 'queued'. Default: imports and
   * downloads one at a time (SQLite has one writer), backtests and sweeps unbounded (the worker pool queues).
   */
  readonly concurrency?: Partial<Record<JobKind, number>>;
}

interface LiveJob {
  info: JobInfo;
  cancelled: boolean;
  cancelListeners: Set<() => void>;
  lastProgressAt: number;
  finished: Promise<JobInfo>;
  settle: (info: JobInfo) => void;
  start: () => void;
}

const HISTORY_LIMIT = 200;
// One download at a time: the exchange's rate limit is per address, and two downloads of one series would fetch it twice.
const DEFAULT_CONCURRENCY: Record<JobKind, number> = {
  import: 1,
  download: 1,
  backtest: Number.POSITIVE_INFINITY,
  sweep: Number.POSITIVE_INFINITY,
  walkforward: Number.POSITIVE_INFINITY,
};

/**
 * Runs long work (imports, backtests, sweeps) as jobs with an id, throttled progress
 * events, cancel and a persisted record. Jobs of this process live in memory; finished
 * ones stay listed from the store.
 */
export class JobRegistry {
  private readonly live = new Map<JobId, LiveJob>();
  private readonly waiting: LiveJob[] = [];
  private readonly running = new Map<JobKind, number>();
  private readonly intervalMs: number;
  private readonly concurrency: Record<JobKind, number>;

  constructor(private readonly deps: JobRegistryDeps) {
    this.intervalMs = deps.progressIntervalMs ?? 100;
    this.concurrency = { ...DEFAULT_CONCURRENCY, ...deps.concurrency };
  }

  /**
   * Marks jobs a previous process left queued or running as 'interrupted': their worker
   * died with the process, so they will never finish. Call once at startup.
   */
  recoverInterrupted(): number {
    return this.deps.store.interruptUnfinished(this.deps.clock());
  }

  /** Registers a job and starts it now, or queues it behind jobs of its kind. */
  start<T>(request: JobRequest<T>): JobInfo {
    const id = toJobId(this.deps.newId());
    let settle!: (info: JobInfo) => void;
    const finished = new Promise<JobInfo>((resolve) => (settle = resolve));
    const job: LiveJob = {
      info: {
        id,
        kind: request.kind,
        title: request.title,
        status: 'queued',
        progress: { done: 0, total: 0 },
        createdAt: this.deps.clock(),
        startedAt: null,
        finishedAt: null,
      },
      cancelled: false,
      cancelListeners: new Set(),
      lastProgressAt: Number.NEGATIVE_INFINITY,
      finished,
      settle,
      start: () => void this.execute(job, request),
    };
    this.live.set(id, job);
    this.deps.store.save(job.info);
    if ((this.running.get(request.kind) ?? 0) < this.concurrency[request.kind]) job.start();
    else this.waiting.push(job);
    return job.info;
  }

  /** Cancels a queued or running job; a finished job is returned unchanged. */
  cancel(id: string): JobInfo {
    const job = this.live.get(id as JobId);
    if (!job) {
      const stored = this.deps.store.get(id as JobId);
      if (!stored) throw new NotFoundError(`No job ${id}`, { id });
      return stored;
    }
    if (isFinal(job.info.status) || job.cancelled) return job.info;
    job.cancelled = true;
    const waitingIndex = this.waiting.indexOf(job);
    if (waitingIndex >= 0) {
      this.waiting.splice(waitingIndex, 1);
      this.finish(job, 'cancelled', undefined, toErrorData(new CancelledError('Cancelled before it started')));
      return job.info;
    }
    for (const listener of [...job.cancelListeners]) {
      try {
        listener();
      } catch (error) {
        this.deps.logger.error('A cancel listener threw', { jobId: id, error: String(error) });
      }
    }
    return job.info;
  }

  get(id: string): JobInfo | null {
    return this.live.get(id as JobId)?.info ?? this.deps.store.get(id as JobId);
  }

  /** Jobs of this process and stored ones, newest first; only jobs of `kind` when given. */
  list(limit = HISTORY_LIMIT, kind?: JobKind): JobInfo[] {
    const byId = new Map<string, JobInfo>();
    for (const job of this.deps.store.list(limit, kind)) byId.set(job.id, job);
    for (const job of this.live.values()) if (kind === undefined || job.info.kind === kind) byId.set(job.info.id, job.info);
    return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  /** Resolves with the job's final state. */
  whenFinished(id: string): Promise<JobInfo> {
    const job = this.live.get(id as JobId);
    if (job) return job.finished;
    const stored = this.deps.store.get(id as JobId);
    if (!stored) return Promise.reject(new NotFoundError(`No job ${id}`, { id }));
    return Promise.resolve(stored);
  }

  private async execute<T>(job: LiveJob, request: JobRequest<T>): Promise<void> {
    this.running.set(job.info.kind, (this.running.get(job.info.kind) ?? 0) + 1);
    job.info = { ...job.info, status: 'running', startedAt: this.deps.clock() };
    this.deps.store.save(job.info);
    this.emitProgress(job, true);
    const context: JobContext = {
      jobId: job.info.id,
      isCancelled: () => job.cancelled,
      onCancel: (listener) => {
        if (job.cancelled) {
          listener();
          return () => {};
        }
        job.cancelListeners.add(listener);
        return () => void job.cancelListeners.delete(listener);
      },
      progress: (progress) => {
        if (isFinal(job.info.status)) return;
        job.info = { ...job.info, progress };
        this.emitProgress(job, false);
      },
      interim: (value) => {
        if (isFinal(job.info.status)) return;
        job.info = { ...job.info, interim: value };
        this.emitProgress(job, true);
      },
      checkpoint: (value) => {
        if (isFinal(job.info.status)) return;
        job.info = { ...job.info, result: value };
        this.deps.store.save(job.info);
        this.emitProgress(job, true);
      },
    };
    try {
      const value = await request.run(context);
      if (job.cancelled && !request.doneWhenCompletedAfterCancel) this.finish(job, 'cancelled', undefined, toErrorData(new CancelledError()));
      else this.finish(job, 'done', request.toResult ? request.toResult(value) : value);
    } catch (thrown) {
      const error = thrown instanceof AppError ? thrown : (this.deps.translateError?.(thrown) ?? thrown);
      if (job.cancelled || error instanceof CancelledError) {
        this.finish(job, 'cancelled', undefined, toErrorData(error instanceof CancelledError ? error : new CancelledError()));
      } else {
        if (!(error instanceof AppError)) {
          this.deps.logger.error(`Job ${job.info.id} (${job.info.kind}) failed unexpectedly`, {
            jobId: job.info.id,
            error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
          });
        }
        this.finish(job, 'failed', undefined, toErrorData(error));
      }
    } finally {
      this.running.set(job.info.kind, (this.running.get(job.info.kind) ?? 1) - 1);
      this.startWaiting(job.info.kind);
    }
  }

  private startWaiting(kind: JobKind): void {
    while ((this.running.get(kind) ?? 0) < this.concurrency[kind]) {
      const index = this.waiting.findIndex((job) => job.info.kind === kind);
      if (index < 0) return;
      const [next] = this.waiting.splice(index, 1);
      next!.start();
    }
  }

  private emitProgress(job: LiveJob, force: boolean): void {
    const now = this.deps.clock();
    if (!force && now - job.lastProgressAt < this.intervalMs) return;
    job.lastProgressAt = now;
    this.deps.events.emit('job/progress', { job: job.info });
  }

  private finish(job: LiveJob, status: JobStatus, result: unknown, error?: ReturnType<typeof toErrorData>): void {
    const { interim: _superseded, ...info } = job.info;
    job.info = {
      ...info,
      status,
      finishedAt: this.deps.clock(),
      ...(result === undefined ? {} : { result }),
      ...(error ? { error } : {}),
    };
    job.cancelListeners.clear();
    try {
      this.deps.store.save(job.info);
    } catch (storeError) {
      this.deps.logger.error(`Could not persist job ${job.info.id}`, { error: String(storeError) });
    }
    this.deps.events.emit('job/finished', { job: job.info });
    job.settle(job.info);
    // Keep a bounded number of finished jobs in memory; the store has the rest.
    if (this.live.size > HISTORY_LIMIT) {
      for (const [id, other] of this.live) {
        if (this.live.size <= HISTORY_LIMIT) break;
        if (isFinal(other.info.status)) this.live.delete(id);
      }
    }
  }
}

function isFinal(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status);
}
