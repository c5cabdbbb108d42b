import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { CancelledError, TimeoutError, WorkerFailedError, type AppError } from '../../application/errors.js';
import type { PoolCounters } from '../../application/system/performance-probe.js';
import { jobId as toJobId, type JobId } from '../../domain/market/ids.js';
import type { JobPriority } from '../../application/backtest/backtest-executor.js';
import { createCancelFlag, hasWritten, isWriting, requestCancel } from './cancel-flag.js';
import { isInterimMessage } from './interim-message.js';
import { holdForeground } from './foreground-signal.js';
import { errorFromWorker, installErrorCodec } from './error-codec.js';
import { describeWorkerDeath } from './worker-errors.js';
import { PeerHub } from './peer-hub.js';

/** What a task gets besides the worker's remote API. */
export interface JobContext {
  readonly jobId: JobId;
  /** Pass to the worker; it polls it (see cancel-flag.ts). Shared, not copied. */
  readonly cancelFlag: SharedArrayBuffer;
  /**
   * Pass to the worker with `Comlink.transfer(port, [port])`; the worker posts progress
   * payloads on it. The pool throttles what reaches `onProgress`, hands interim messages
   * (interim-message.ts) to `onInterim` at once, and closes the channel when the job settles.
   */
  readonly progressPort: MessagePort;
}

/** Runs one job on a worker: calls the remote API and returns its result. */
export type JobTask<Api, R> = (api: Comlink.Remote<Api>, context: JobContext) => Promise<R>;

export interface SubmitOptions<P, I = unknown> {
  /** Fails the job with TimeoutError and replaces its worker after this long running. */
  readonly timeoutMs?: number;
  /** Receives progress payloads, at most one per `progressIntervalMs` (the latest wins). */
  readonly onProgress?: (progress: P) => void;
  /** Receives each interim message's value as it arrives, while the job runs (not throttled). */
  readonly onInterim?: (value: I) => void;
  /** Interactive jobs queue ahead of background ones and hold the foreground signal while they run. */
  readonly priority?: JobPriority;
}

export interface JobHandle<R> {
  readonly id: JobId;
  readonly result: Promise<R>;
  /** Requests cancel; the result rejects with CancelledError. */
  cancel(): void;
}

export interface WorkerPoolOptions {
  /** Absolute path of the worker script (a bundled ESM file). */
  readonly script: string;
  /** Worker count; default os.availableParallelism(). */
  readonly size?: number;
  /** V8 limits per worker; a worker over maxOldGenerationSizeMb dies and is replaced. */
  readonly resourceLimits?: ResourceLimits;
  /** Environment of the workers; default a copy of process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The foreground signal (foreground-signal.ts) the workers pause on while the user interacts. */
  readonly foreground?: SharedArrayBuffer;
  /** Asks each worker to prime its JIT in the background: run its hot code on synthetic data while idle (a script may ignore it). */
  readonly primeJit?: boolean;
  /** How long a running job may take to honour cancel before its worker is terminated. */
  readonly cancelGraceMs?: number;
  /** Timeout for jobs submitted without one; default none. */
  readonly defaultTimeoutMs?: number;
  /** Minimum spacing of progress callbacks per job; default 100 ms (<= 10/s). */
  readonly progressIntervalMs?: number;
  /** Links the workers to each other (PeerHub): each finds its end in workerData.peerPort. */
  readonly peers?: boolean;
}

/** What every pool worker finds in `workerData`. */
export interface PoolWorkerData {
  readonly foreground: SharedArrayBuffer | null;
  readonly primeJit: boolean;
  /**
   * Int32 count of interactive jobs queued in this pool with no free worker: while > 0
   * the workers do not pause for the user (see `waitingInteractive`).
   */
  readonly urgent: SharedArrayBuffer;
  /** This worker's number in the pool (1, 2, ...; a replaced worker gets the next). */
  readonly workerIndex: number;
  /** Its end of the pool's PeerHub when the pool was made with `peers`, else null. */
  readonly peerPort: MessagePort | null;
}

export interface WorkerStats {
  readonly workerId: number;
  readonly threadId: number;
  readonly busy: boolean;
  /** The job it runs, if any. */
  readonly jobId: JobId | null;
  /** Inside a database write (e.g. saving a run): a cancel or timeout waits for it. */
  readonly writing: boolean;
  /** Its job has written (e.g. its run is saved): it will answer with its result. */
  readonly wrote: boolean;
  readonly jobsRun: number;
}

export interface PoolStats extends PoolCounters {
  readonly workers: readonly WorkerStats[];
}

const MAX_DEATHS_IN_A_ROW = 8;
/** How often a cancel or timeout that met a write in progress looks again. */
const WRITE_RECHECK_MS = 20;
/**
 * How long a worker that finished its write may take to answer before a cancel or timeout
 * kills it after all: its reply is a few ms of work, but a worker thread at nice 10 on a
 * busy machine can wait that long for a core.
 */
const REPLY_AFTER_WRITE_MS = 5_000;

interface Slot<Api> {
  readonly workerId: number;
  readonly worker: Worker;
  readonly api: Comlink.Remote<Api>;
  job: Job<Api> | null;
  /** Set once the pool stops using this worker (terminated or dead). */
  retired: boolean;
  jobsRun: number;
}

interface Job<Api> {
  readonly id: JobId;
  readonly task: JobTask<Api, unknown>;
  readonly cancelFlag: SharedArrayBuffer;
  readonly timeoutMs: number | undefined;
  readonly onProgress: ((progress: unknown) => void) | undefined;
  readonly onInterim: ((value: unknown) => void) | undefined;
  readonly interactive: boolean;
  /** Counted in `urgent` (an interactive job waiting for a worker). */
  urgentCounted: boolean;
  /** Ends this job's hold on the foreground signal (interactive jobs, while running). */
  releaseForeground: (() => void) | null;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: AppError) => void;
  state: 'queued' | 'running' | 'settled';
  slot: Slot<Api> | null;
  port: MessagePort | null;
  cancelRequested: boolean;
  timers: ReturnType<typeof setTimeout>[];
}

/**
 * A fixed-size pool of worker_threads running one script, driven through comlink.
 * Jobs queue FIFO, interactive ones ahead of background ones; each job gets an id, a
 * cancel flag and a progress channel. A worker that crashes, exits, runs out of memory,
 * overruns a job's timeout or ignores a cancel is terminated and replaced; only its own
 * job fails, the others continue.
 */
export class WorkerPool<Api> {
  private readonly slots: Slot<Api>[] = [];
  private readonly queue: Job<Api>[] = [];
  /**
   * Interactive jobs waiting for a worker. The user's click that queued one also pauses
   * the background jobs in the workers (they give way to interaction), yet one of them
   * has to finish before the user's job can start: while this is > 0 they run on.
   */
  private readonly waitingInteractive = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private readonly jobs = new Map<JobId, Job<Api>>();
  private readonly size: number;
  private readonly cancelGraceMs: number;
  private readonly progressIntervalMs: number;
  private nextWorkerId = 1;
  private readonly peerHub: PeerHub | null;
  private closed = false;
  /** Deaths since a job last finished normally; a script that dies at start must not respawn forever. */
  private deathsInARow = 0;
  private counts = { completed: 0, failed: 0, cancelled: 0, timedOut: 0, replaced: 0 };

  constructor(private readonly options: WorkerPoolOptions) {
    // Errors thrown in the workers come back typed, details and all.
    installErrorCodec();
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.cancelGraceMs = options.cancelGraceMs ?? 100;
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
    this.peerHub = options.peers ? new PeerHub() : null;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  /** Queues a job; it starts as soon as a worker is free. */
  submit<R, P = unknown, I = unknown>(task: JobTask<Api, R>, options: SubmitOptions<P, I> = {}): JobHandle<R> {
    if (this.closed) throw new WorkerFailedError('The worker pool is closed');
    const id = toJobId(randomUUID());
    let resolve!: (value: unknown) => void;
    let reject!: (error: AppError) => void;
    const result = new Promise<R>((res, rej) => {
      resolve = res as (value: unknown) => void;
      reject = rej;
    });
    const job: Job<Api> = {
      id,
      task: task as JobTask<Api, unknown>,
      cancelFlag: createCancelFlag(),
      timeoutMs: options.timeoutMs ?? this.options.defaultTimeoutMs,
      onProgress: options.onProgress as ((progress: unknown) => void) | undefined,
      // The worker posts what its API promises (progress payloads P, interim values I).
      onInterim: options.onInterim as ((value: unknown) => void) | undefined,
      interactive: options.priority === 'interactive',
      urgentCounted: false,
      releaseForeground: null,
      resolve,
      reject,
      state: 'queued',
      slot: null,
      port: null,
      cancelRequested: false,
      timers: [],
    };
    this.jobs.set(id, job);
    const firstBackground = job.interactive ? this.queue.findIndex((queued) => !queued.interactive) : -1;
    if (firstBackground < 0) this.queue.push(job);
    else this.queue.splice(firstBackground, 0, job);
    this.dispatch();
    if (job.interactive && job.state === 'queued') {
      job.urgentCounted = true;
      Atomics.add(this.waitingInteractive, 0, 1);
    }
    return { id, result, cancel: () => void this.cancel(id) };
  }

  /**
   * Cancels a job: a queued one is dropped at once; a running one has its flag set and
   * gets `cancelGraceMs` to stop before its worker is terminated and replaced.
   * Returns false when the job is unknown or already settled.
   */
  cancel(id: JobId): boolean {
    const job = this.jobs.get(id);
    if (!job || job.state === 'settled') return false;
    if (job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.settle(job, new CancelledError('Cancelled before it started'));
      return true;
    }
    if (job.cancelRequested) return true;
    job.cancelRequested = true;
    requestCancel(job.cancelFlag);
    this.terminateAfter(job, this.cancelGraceMs, (slot) => {
      this.settle(job, new CancelledError(`Cancelled; the worker did not stop within ${this.cancelGraceMs} ms and was replaced`));
      this.replace(slot);
    });
    return true;
  }

  stats(): PoolStats {
    return {
      size: this.size,
      busy: this.slots.filter((s) => s.job !== null).length,
      queued: this.queue.length,
      ...this.counts,
      workers: this.slots.map((s) => ({
        workerId: s.workerId,
        threadId: s.worker.threadId,
        busy: s.job !== null,
        jobId: s.job?.id ?? null,
        writing: s.job !== null && isWriting(s.job.cancelFlag),
        wrote: s.job !== null && hasWritten(s.job.cancelFlag),
        jobsRun: s.jobsRun,
      })),
    };
  }

  /**
   * Calls `probe` on every idle worker (e.g. to read its cache or memory figures).
   * Busy workers are in a synchronous loop and could not answer; they are skipped.
   */
  async probeIdle<T>(probe: (api: Comlink.Remote<Api>) => Promise<T>): Promise<{ workerId: number; value: T }[]> {
    const idle = this.slots.filter((s) => s.job === null && !s.retired);
    return Promise.all(idle.map(async (s) => ({ workerId: s.workerId, value: await probe(s.api) })));
  }

  /** Fails queued and running jobs with CancelledError and terminates every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, new CancelledError('The worker pool was closed'));
    for (const job of this.jobs.values()) this.settle(job, new CancelledError('The worker pool was closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) slot.retired = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    this.peerHub?.close();
  }

  private spawn(): Slot<Api> {
    const workerId = this.nextWorkerId++;
    const peerPort = this.peerHub?.connect() ?? null;
    const worker = new Worker(this.options.script, {
      resourceLimits: this.options.resourceLimits,
      env: this.options.env ? { ...this.options.env } : undefined,
      workerData: {
        foreground: this.options.foreground ?? null,
        primeJit: this.options.primeJit === true,
        urgent: this.waitingInteractive.buffer as SharedArrayBuffer,
        workerIndex: workerId,
        peerPort,
      } satisfies PoolWorkerData,
      transferList: peerPort ? [peerPort] : [],
    });
    const slot: Slot<Api> = {
      workerId,
      worker,
      api: Comlink.wrap<Api>(nodeEndpoint(worker)),
      job: null,
      retired: false,
      jobsRun: 0,
    };
    // 'error' is an uncaught exception or an out-of-memory stop; 'exit' follows it, or
    // comes alone when the script calls process.exit. Whichever comes first fails the job.
    worker.on('error', (error) => this.onWorkerDeath(slot, describeWorkerDeath(error, this.options.resourceLimits?.maxOldGenerationSizeMb)));
    worker.on('exit', (code) => this.onWorkerDeath(slot, `Worker exited unexpectedly with code ${code}`));
    return slot;
  }

  private onWorkerDeath(slot: Slot<Api>, reason: string): void {
    if (slot.retired) return;
    const job = slot.job;
    if (job) this.settle(job, new WorkerFailedError(`${reason}; job ${job.id} failed and the worker was replaced`, { reason }));
    if (++this.deathsInARow > MAX_DEATHS_IN_A_ROW) {
      // The script itself is broken (it dies without finishing any job): stop respawning.
      this.closed = true;
      for (const queued of this.queue.splice(0)) {
        this.settle(queued, new WorkerFailedError(`Workers keep dying (${reason}); the pool stopped`, { reason }));
      }
    }
    this.replace(slot);
  }

  /** Terminates a worker and puts a fresh one in its place. */
  private replace(slot: Slot<Api>): void {
    if (slot.retired) return;
    slot.retired = true;
    slot.job = null;
    void slot.worker.terminate();
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) return;
    this.slots[index] = this.spawn();
    this.counts.replaced++;
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job !== null || slot.retired) continue;
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot<Api>, job: Job<Api>): void {
    this.uncountUrgent(job);
    job.state = 'running';
    job.slot = slot;
    slot.job = job;
    slot.jobsRun++;
    if (job.interactive && this.options.foreground) job.releaseForeground = holdForeground(this.options.foreground);
    const { port1, port2 } = new MessageChannel();
    job.port = port1;
    this.listenForProgress(job, port1);
    if (job.timeoutMs !== undefined) {
      const ms = job.timeoutMs;
      this.terminateAfter(job, ms, () => {
        this.counts.timedOut++;
        this.settle(job, new TimeoutError(`Job ${job.id} ran longer than its ${ms} ms timeout; its worker was terminated and replaced`));
        this.replace(slot);
      });
    }
    const context: JobContext = { jobId: job.id, cancelFlag: job.cancelFlag, progressPort: port2 };
    job.task(slot.api, context).then(
      (value) => this.finish(slot, job, value, null),
      (error: unknown) => this.finish(slot, job, undefined, error),
    );
  }

  /**
   * Calls `terminate` with the job's worker after `ms` if the job is still running there.
   * While the worker is inside a database write, waits for it to end (it is short) and
   * judges again, so no worker is killed mid-transaction; once it has written (e.g. saved
   * its run), gives it REPLY_AFTER_WRITE_MS to answer, since its answer is the truth.
   */
  private terminateAfter(job: Job<Api>, ms: number, terminate: (slot: Slot<Api>) => void): void {
    const slot = job.slot;
    let replyDeadline = Infinity;
    const expire = (): void => {
      if (job.state !== 'running' || !slot || job.slot !== slot) return;
      if (isWriting(job.cancelFlag)) {
        job.timers.push(setTimeout(expire, WRITE_RECHECK_MS));
        return;
      }
      if (hasWritten(job.cancelFlag)) {
        if (replyDeadline === Infinity) replyDeadline = performance.now() + REPLY_AFTER_WRITE_MS;
        if (performance.now() < replyDeadline) {
          job.timers.push(setTimeout(expire, WRITE_RECHECK_MS));
          return;
        }
      }
      terminate(slot);
    };
    job.timers.push(setTimeout(expire, ms));
  }

  private finish(slot: Slot<Api>, job: Job<Api>, value: unknown, error: unknown): void {
    if (job.state !== 'running' || job.slot !== slot) return; // already failed by a crash, timeout or grace expiry
    slot.job = null;
    this.deathsInARow = 0;
    // A worker that answered with a value finished the work (a cancel that came too late
    // changes nothing: e.g. its run is saved), so the value is the truth.
    if (error === null) this.settle(job, null, value);
    else if (job.cancelRequested) this.settle(job, new CancelledError('Cancelled'));
    else this.settle(job, errorFromWorker(error));
    this.dispatch();
  }

  private uncountUrgent(job: Job<Api>): void {
    if (!job.urgentCounted) return;
    job.urgentCounted = false;
    Atomics.sub(this.waitingInteractive, 0, 1);
  }

  /**
   * Progress: leading + trailing throttle, the first payload goes out at once, then at most
   * one per interval. Interim messages go out as they come.
   */
  private listenForProgress(job: Job<Api>, port: MessagePort): void {
    const { onProgress, onInterim } = job;
    if (!onProgress && !onInterim) return;
    let lastEmit = -Infinity;
    let pending: { value: unknown } | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const emit = (value: unknown) => {
      lastEmit = performance.now();
      pending = null;
      // A trailing timer set before this emit would fire too soon after it.
      if (timer !== null) clearTimeout(timer);
      timer = null;
      onProgress?.(value);
    };
    port.on('message', (value: unknown) => {
      if (job.state !== 'running') return;
      if (isInterimMessage(value)) return onInterim?.(value.interim);
      if (!onProgress) return;
      const wait = lastEmit + this.progressIntervalMs - performance.now();
      if (wait <= 0) return emit(value);
      pending = { value };
      if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          if (pending && job.state === 'running') emit(pending.value);
        }, Math.ceil(wait));
        job.timers.push(timer);
      }
    });
  }

  private settle(job: Job<Api>, error: AppError | null, value?: unknown): void {
    if (job.state === 'settled') return;
    const wasQueued = job.state === 'queued';
    job.state = 'settled';
    for (const timer of job.timers) clearTimeout(timer);
    this.uncountUrgent(job);
    job.releaseForeground?.();
    job.port?.close();
    job.port = null;
    if (job.slot?.job === job) job.slot.job = null;
    this.jobs.delete(job.id);
    if (error === null) {
      this.counts.completed++;
      job.resolve(value);
      return;
    }
    if (error instanceof CancelledError) this.counts.cancelled++;
    else if (!wasQueued) this.counts.failed++;
    job.reject(error);
  }
}
