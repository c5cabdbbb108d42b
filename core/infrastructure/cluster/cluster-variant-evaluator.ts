import { randomUUID } from 'node:crypto';
import { ValidationError, WorkerFailedError } from '../../application/errors.js';
import type { BarsRead, EvaluateControl, EvaluatedVariant, EvaluateOutcome, EvaluateRequest, VariantEvaluator } from '../../application/sweeps/ports.js';
import { ENGINE_VERSION } from '../../domain/engine/backtest.js';
import { metricsFromJson } from '../runs/metrics-json.js';
import {
  batchJobId,
  CANCELLED_TTL_S,
  checkSweepKey,
  CLUSTER_PROTOCOL,
  clusterBatchSize,
  clusterKeys,
  type SweepBatchJob,
  type SweepBatchResult,
} from './cluster-protocol.js';
import type { ClusterConnection } from './cluster-connection.js';
import { DatasetPublisher, type DatasetSource } from './dataset-publisher.js';

export interface ClusterVariantEvaluatorOptions {
  /** The engine version stamped on every batch (agents of another refuse it); default this build's. */
  readonly engineVersion?: string;
  /** How often outstanding batches are looked up besides the event stream (a Redis restart loses events). Default 2 s. */
  readonly pollMs?: number;
  /** After a cancel, how long running batches may take to return what they finished. Default 15 s. */
  readonly cancelGraceMs?: number;
}

/** One evaluate call: its batches, what it delivered, how it ends. */
interface Call {
  readonly key: string;
  readonly control: EvaluateControl;
  readonly remaining: Set<string>;
  /** Variant indices delivered: a batch delivered twice (or resumed) counts once. */
  readonly delivered: Set<number>;
  /** How many of `delivered` the caller had before the call (EvaluateRequest.finished). */
  readonly alreadyFinished: number;
  readonly barsRead: BarsRead[];
  cancelled: boolean;
  settle(outcome: { error: Error } | { ok: true }): void;
}

interface PendingBatch {
  readonly id: string;
  readonly job: SweepBatchJob;
  readonly call: Call;
  /** Variants the agent reported finished (progress events). */
  done: number;
}

/** BullMQ's default for a job re-tried after an error (a dataset fetch that failed); refusals are never retried. */
const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 1_000 },
  // Collected batches are removed by the app; these bound what a vanished app leaves behind.
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * VariantEvaluator on a cluster of `bws agent` processes (sweep-agent.ts) through a BullMQ
 * queue. Variants go out as jobs of a few dozen with deterministic ids (batchJobId), carrying
 * the specs, the engine version and the dataset's content hash; the dataset itself is
 * published to Redis once (DatasetPublisher). Results come back as the jobs' return values,
 * by the queue's event stream and, should events be lost (a Redis restart), by looking the
 * outstanding jobs up every `pollMs`; a job Redis lost altogether is queued again.
 * Delivery is made exact here: each variant index reaches `onBatch` once per call however
 * often its batch ran (stall recovery runs a batch again when its agent died mid-way).
 * Cancel removes the call's waiting batches, marks the sweep cancelled for batches about to
 * start and tells the agents running its batches to stop; those return what they finished.
 */
export class ClusterVariantEvaluator implements VariantEvaluator {
  readonly runsOn: string;
  private readonly engineVersion: string;
  private readonly pollMs: number;
  private readonly cancelGraceMs: number;
  private readonly publisher: DatasetPublisher;
  private readonly pending = new Map<string, PendingBatch>();
  private readonly calls = new Set<Call>();
  /** Variants delivered per sweep key and agent (what the CLI reports at the end). */
  private readonly tallies = new Map<string, Map<string, number>>();
  private listening = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling = false;
  private closed = false;

  constructor(
    private readonly connection: ClusterConnection,
    bars: DatasetSource,
    options: ClusterVariantEvaluatorOptions = {},
  ) {
    this.runsOn = connection.address.display;
    this.engineVersion = options.engineVersion ?? ENGINE_VERSION;
    this.pollMs = options.pollMs ?? 2_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 15_000;
    this.publisher = new DatasetPublisher(connection.redis(), bars);
  }

  async evaluate(request: EvaluateRequest, control: EvaluateControl = {}): Promise<EvaluateOutcome> {
    if (this.closed) throw new Error('The cluster connection is closed');
    const { data, variants } = request;
    // Its datasets carry one instrument's bars: a portfolio's variants would run on the first alone.
    if (data.universe) throw new ValidationError('A sweep over a universe runs on this machine\'s workers: a cluster carries one instrument\'s bars');
    if (variants.length === 0) return { cancelled: false, barsRead: [] };
    if (control.cancel?.isCancelled()) return { cancelled: true, barsRead: [] };
    this.listen();
    const key = checkSweepKey(request.key ?? `call-${randomUUID()}`);
    const dataset = await this.publisher.publish(data);
    const size = clusterBatchSize(variants.length);
    const finished = request.finished ?? new Set<number>();
    const jobs: SweepBatchJob[] = [];
    for (let start = 0; start < variants.length; start += size) {
      const batch = variants.slice(start, start + size);
      // A batch every variant of which is stored already (a resumed sweep) is not queued again.
      if (batch.every((v) => finished.has(v.index))) continue;
      jobs.push({
        protocol: CLUSTER_PROTOCOL,
        engineVersion: this.engineVersion,
        sweepKey: key,
        data: {
          dataset,
          timeframe: data.timeframe,
          ...(data.fromTs === undefined ? {} : { fromTs: data.fromTs }),
          ...(data.toTs === undefined ? {} : { toTs: data.toTs }),
          ...(data.magnifier === undefined ? {} : { magnifier: data.magnifier }),
          ...(data.quantityStep === undefined ? {} : { quantityStep: data.quantityStep }),
        },
        variants: batch,
      });
    }
    if (jobs.length === 0) return { cancelled: false, barsRead: [] };

    let settle!: Call['settle'];
    const ended = new Promise<void>((resolve, reject) => {
      settle = (outcome) => ('error' in outcome ? reject(outcome.error) : resolve());
    });
    const call: Call = { key, control, remaining: new Set(), delivered: new Set(finished), alreadyFinished: finished.size, barsRead: [], cancelled: false, settle };
    for (const job of jobs) {
      const id = batchJobId(job);
      call.remaining.add(id);
      this.pending.set(id, { id, job, call, done: 0 });
    }
    this.calls.add(call);
    const unsubscribe = control.cancel?.onCancel(() => void this.cancel(call));
    try {
      // Ids already in the queue (a resumed sweep) add nothing; a finished one is collected at once.
      await this.connection.queue().addBulk(jobs.map((job) => ({ name: 'batch', data: job, opts: { ...JOB_OPTIONS, jobId: batchJobId(job) } })));
      this.startPolling();
      void this.poll();
      await ended;
      return { cancelled: call.cancelled, barsRead: call.barsRead };
    } catch (error) {
      for (const id of call.remaining) this.pending.delete(id);
      throw error;
    } finally {
      unsubscribe?.();
      this.calls.delete(call);
    }
  }

  /** Variants each agent delivered for a sweep key (evaluate calls that named it), by agent id. */
  variantsByAgent(key: string): Record<string, number> {
    return Object.fromEntries(this.tallies.get(key) ?? []);
  }

  /** Batches waiting or running for this app, across calls. */
  outstanding(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const call of this.calls) call.settle({ error: new Error('The cluster connection was closed while the sweep ran') });
    this.pending.clear();
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    const events = this.connection.events();
    events.on('completed', ({ jobId, returnvalue }) => {
      const entry = this.pending.get(jobId);
      if (entry) this.collect(entry, typeof returnvalue === 'string' ? (JSON.parse(returnvalue) as SweepBatchResult) : (returnvalue as unknown as SweepBatchResult));
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const entry = this.pending.get(jobId);
      // A failed attempt that will be retried also says 'failed': only a job in the failed set is final.
      if (entry) void this.connection.queue().getJobState(jobId).then((state) => state === 'failed' && this.fail(entry, failedReason), () => {});
    });
    events.on('progress', ({ jobId, data }) => {
      const entry = this.pending.get(jobId);
      if (!entry || typeof data !== 'number') return;
      entry.done = Math.max(entry.done, data);
      this.reportProgress(entry.call);
    });
  }

  private startPolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** Looks up every outstanding batch: finished ones missed by the event stream, and ones Redis lost. */
  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const queue = this.connection.queue();
      await Promise.all(
        [...this.pending.values()].map(async (entry) => {
          const state = await queue.getJobState(entry.id);
          if (this.pending.get(entry.id) !== entry) return;
          if (state === 'completed') {
            const job = await queue.getJob(entry.id);
            if (job && this.pending.get(entry.id) === entry) this.collect(entry, job.returnvalue);
          } else if (state === 'failed') {
            const job = await queue.getJob(entry.id);
            if (this.pending.get(entry.id) === entry) this.fail(entry, job?.failedReason ?? 'failed');
          } else if (state === 'unknown' && !entry.call.cancelled) {
            // Redis lost it (restarted from an older append-only file): queue it again.
            await queue.add('batch', entry.job, { ...JOB_OPTIONS, jobId: entry.id });
          }
        }),
      );
    } catch {
      // Redis is away: the next poll tries again.
    } finally {
      this.polling = false;
      if (this.pending.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
  }

  private collect(entry: PendingBatch, result: SweepBatchResult): void {
    const { call } = entry;
    this.settleBatch(entry);
    const items: EvaluatedVariant[] = [];
    const wanted = new Set(entry.job.variants.map((v) => v.index));
    for (const item of result.items) {
      if (!wanted.has(item.index) || call.delivered.has(item.index)) continue;
      call.delivered.add(item.index);
      // The metrics cross as JSON: read them as the store reads them, so NaN and null come out alike.
      items.push('metrics' in item ? { index: item.index, metrics: metricsFromJson(JSON.stringify(item.metrics)), error: null } : { index: item.index, metrics: null, error: item.error });
    }
    call.barsRead.push(...result.barsRead.filter((b) => b.count > 0));
    if (items.length > 0) {
      const tally = this.tallies.get(call.key) ?? new Map<string, number>();
      tally.set(result.agent, (tally.get(result.agent) ?? 0) + items.length);
      this.tallies.set(call.key, tally);
    }
    // A batch stopped before its end (the sweep was cancelled, here or by another app) ends the call cancelled.
    if (result.cancelled) call.cancelled = true;
    try {
      if (items.length > 0) call.control.onBatch?.(items);
      this.reportProgress(call);
    } catch (error) {
      this.abort(call, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    // The results are stored (onBatch writes them): the job can go.
    void this.connection.queue().remove(entry.id).catch(() => {});
    if (call.remaining.size === 0) call.settle({ ok: true });
  }

  private fail(entry: PendingBatch, reason: string): void {
    // Another batch's failure already ended the call (its state was read before that abort):
    // aborting again would settle the call before the first abort has withdrawn its batches.
    if (this.pending.get(entry.id) !== entry) return;
    this.settleBatch(entry);
    const first = entry.job.variants[0]?.index ?? 0;
    this.abort(entry.call, new WorkerFailedError(`The cluster failed batch ${entry.id} (variants ${first}-${first + entry.job.variants.length - 1}): ${reason}`));
  }

  /** Ends a call with an error, taking its other batches out of the queue and stopping the running ones. */
  private abort(call: Call, error: Error): void {
    const ids = [...call.remaining];
    for (const id of ids) this.pending.delete(id);
    call.remaining.clear();
    // The call ends once its batches are out of the queue (or Redis did not answer).
    void this.withdraw(call.key, ids).then(
      () => call.settle({ error }),
      () => call.settle({ error }),
    );
  }

  private settleBatch(entry: PendingBatch): void {
    this.pending.delete(entry.id);
    entry.call.remaining.delete(entry.id);
  }

  private reportProgress(call: Call): void {
    if (!call.control.onProgress) return;
    let running = 0;
    for (const id of call.remaining) running += this.pending.get(id)?.done ?? 0;
    call.control.onProgress(call.delivered.size - call.alreadyFinished + running);
  }

  /**
   * Marks a sweep key cancelled (batches that start later skip it), tells the agents to stop
   * its running batches, and removes the given batches that wait. Returns those removed;
   * the others run (their agents stop them) and complete with what they finished.
   */
  private async withdraw(key: string, ids: readonly string[]): Promise<string[]> {
    await this.connection.redis().multi().set(clusterKeys.cancelled(key), '1', 'EX', CANCELLED_TTL_S).publish(clusterKeys.cancelChannel, key).exec();
    const queue = this.connection.queue();
    const removed: string[] = [];
    // 0: the batch runs (its lock is held); 1: it waited and is gone.
    for (const id of ids) if ((await queue.remove(id)) === 1) removed.push(id);
    return removed;
  }

  /**
   * Cancels a call (withdraw), then ends it when its running batches have returned what
   * they finished, or after the grace time.
   */
  private async cancel(call: Call): Promise<void> {
    call.cancelled = true;
    try {
      for (const id of await this.withdraw(call.key, [...call.remaining])) {
        const entry = this.pending.get(id);
        if (entry?.call === call) this.settleBatch(entry);
      }
    } catch {
      // Redis is away: the grace time below still ends the call.
    }
    if (call.remaining.size === 0) {
      call.settle({ ok: true });
      return;
    }
    setTimeout(() => {
      if (call.remaining.size === 0) return;
      for (const id of call.remaining) this.pending.delete(id);
      call.remaining.clear();
      call.settle({ ok: true });
    }, this.cancelGraceMs).unref();
  }
}
