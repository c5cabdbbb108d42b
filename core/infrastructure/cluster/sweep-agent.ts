// `bws agent`: a long-running process that takes sweep batches from the BullMQ queue and
// runs them on a pool of the same sweep workers a local sweep uses (workers/sweep-worker.ts),
// over datasets fetched once by hash into its own SQLite cache. The CPU work runs on the
// worker threads, so this thread stays free to renew the jobs' locks: a batch is only
// taken back by stall detection when the agent really died or lost Redis.
import os from 'node:os';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { CancelSignal, EvaluatedVariant } from '../../application/sweeps/ports.js';
import { ENGINE_VERSION } from '../../domain/engine/backtest.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { WorkerVariantEvaluator } from '../sweeps/worker-variant-evaluator.js';
import type { VariantBatchItem } from '../sweeps/sweep-protocol.js';
import {
  CLUSTER_PROTOCOL,
  clusterKeys,
  HEARTBEAT_TTL_MS,
  KEY_PREFIX,
  SWEEP_QUEUE,
  type AgentHeartbeat,
  type SweepBatchJob,
  type SweepBatchResult,
} from './cluster-protocol.js';
import { DatasetCache } from './dataset-cache.js';
import type { RedisAddress } from './redis-address.js';
import { ThroughputWindow } from './throughput-window.js';

export interface SweepAgentOptions {
  readonly redis: RedisAddress;
  /** Sweep worker threads, and batches run at once. */
  readonly workers: number;
  /** The agent's own SQLite file, where fetched datasets are kept. */
  readonly cacheFile: string;
  /** How long a batch's lock lasts without renewal (BullMQ lockDuration; renewed every half). Default 30 s. */
  readonly lockDurationMs?: number;
  /** How often this agent looks for batches whose agent died (BullMQ stalledInterval). Default 15 s. */
  readonly stalledIntervalMs?: number;
  readonly log?: (line: string) => void;
  /**
   * Test fault: holds each batch this long after taking it, before running it (its lock is
   * renewed meanwhile), so a test can stop or kill the agent while it holds one. The CLI
   * sets it only under BWS_TEST_FAULTS=1 (AGENT_HOLD_ENV).
   */
  readonly holdBatchMs?: number;
}

/** Env of `bws agent` read only together with BWS_TEST_FAULTS=1: see SweepAgentOptions.holdBatchMs. */
export const AGENT_HOLD_ENV = 'BWS_TEST_AGENT_HOLD_MS';

export interface SweepAgent {
  readonly id: string;
  readonly engineVersion: string;
  /** Variants finished, batches completed and refused, datasets fetched. */
  stats(): { variantsDone: number; batchesDone: number; batchesRefused: number; datasetsFetched: number };
  /** Stops taking batches, lets the running ones finish, then closes. */
  close(): Promise<void>;
}

/** A job is tried this many times when it stalls (its agent died) before BullMQ fails it. */
const MAX_STALLED = 5;
const PROGRESS_INTERVAL_MS = 250;
const HEARTBEAT_INTERVAL_MS = 1_000;

/** Starts an agent: connects, announces itself, and takes batches until closed. */
export async function startSweepAgent(options: SweepAgentOptions): Promise<SweepAgent> {
  const log = options.log ?? (() => {});
  const id = `${os.hostname()}-${process.pid}`;
  const redis = new Redis(options.redis.url, { maxRetriesPerRequest: null, connectionName: `bws-agent-${id}` });
  const subscriber = redis.duplicate();
  // Both reconnect by themselves; say so once per outage rather than on every retry.
  let lastError = 0;
  const onError = (error: Error): void => {
    if (Date.now() - lastError > 10_000) log(`Redis connection: ${error.message} (reconnecting)`);
    lastError = Date.now();
  };
  redis.on('error', onError);
  subscriber.on('error', onError);
  let storage: Storage;
  try {
    await redis.ping();
    storage = openStorage({ file: options.cacheFile });
  } catch (error) {
    redis.disconnect();
    subscriber.disconnect();
    throw error;
  }
  const datasets = new DatasetCache(redis, storage.barStore);
  const pool = new WorkerVariantEvaluator({ dbFile: storage.file, size: options.workers });
  const throughput = new ThroughputWindow();
  const startedAt = Date.now();
  let variantsDone = 0;
  let batchesDone = 0;
  let batchesRefused = 0;
  /** Running batches: job id -> sweep key. */
  const active = new Map<string, string>();

  const run = async (job: Job<SweepBatchJob, SweepBatchResult>, _token?: string, signal?: AbortSignal): Promise<SweepBatchResult> => {
    const batch = job.data;
    if (batch.protocol !== CLUSTER_PROTOCOL || batch.engineVersion !== ENGINE_VERSION) {
      batchesRefused++;
      const what = batch.protocol !== CLUSTER_PROTOCOL ? `cluster protocol ${String(batch.protocol)}` : `engine ${String(batch.engineVersion)}`;
      const mine = batch.protocol !== CLUSTER_PROTOCOL ? `protocol ${CLUSTER_PROTOCOL}` : `engine ${ENGINE_VERSION}`;
      const message = `Agent ${id} refused batch ${job.id}: the sweep needs ${what}, this agent runs ${mine}; run agents of the app's version`;
      log(message);
      // Not retried: no attempt on this agent can succeed, and a wrong result is worse than none.
      throw new UnrecoverableError(message);
    }
    if ((await redis.exists(clusterKeys.cancelled(batch.sweepKey))) === 1) return { agent: id, items: [], cancelled: true, barsRead: [] };
    active.set(job.id!, batch.sweepKey);
    const items: EvaluatedVariant[] = [];
    let lastProgress = 0;
    try {
      if (options.holdBatchMs) await new Promise((resolve) => setTimeout(resolve, options.holdBatchMs));
      const instrumentId = await datasets.instrumentFor(batch.data.dataset);
      const outcome = await pool.evaluate(
        {
          data: {
            instrumentId,
            timeframe: batch.data.timeframe,
            ...(batch.data.fromTs === undefined ? {} : { fromTs: batch.data.fromTs }),
            ...(batch.data.toTs === undefined ? {} : { toTs: batch.data.toTs }),
            ...(batch.data.magnifier === undefined ? {} : { magnifier: batch.data.magnifier }),
            ...(batch.data.quantityStep === undefined ? {} : { quantityStep: batch.data.quantityStep }),
          },
          variants: batch.variants,
        },
        {
          onBatch: (finished) => {
            items.push(...finished);
            variantsDone += finished.length;
            throughput.add(Date.now(), finished.length);
          },
          onProgress: (done) => {
            const now = Date.now();
            if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
            lastProgress = now;
            void job.updateProgress(done).catch(() => {});
          },
          cancel: abortCancel(signal),
        },
      );
      batchesDone++;
      items.sort((a, b) => a.index - b.index);
      return { agent: id, items: items.map(toItem), cancelled: outcome.cancelled, barsRead: outcome.barsRead };
    } finally {
      active.delete(job.id!);
    }
  };

  const worker = new Worker<SweepBatchJob, SweepBatchResult>(SWEEP_QUEUE, run, {
    connection: { url: options.redis.url, maxRetriesPerRequest: null },
    prefix: KEY_PREFIX,
    name: id,
    concurrency: options.workers,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 15_000,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('error', (error) => log(`queue error: ${error.message}`));
  worker.on('stalled', (jobId) => log(`batch ${jobId} stalled (its agent stopped renewing it); back in the queue`));
  worker.on('failed', (job, error) => {
    if (!(error instanceof UnrecoverableError)) log(`batch ${job?.id ?? '?'} failed: ${error.message}`);
  });

  // Cancel: stop this agent's running batches of that sweep now (they return what they finished).
  await subscriber.subscribe(clusterKeys.cancelChannel);
  subscriber.on('message', (_channel: string, sweepKey: string) => {
    for (const [jobId, key] of active) if (key === sweepKey) worker.cancelJob(jobId, 'sweep cancelled');
  });

  let beating = false;
  const beat = async (): Promise<void> => {
    if (beating) return; // a Redis that is down queues nothing more than one beat
    beating = true;
    const now = Date.now();
    const heartbeat: AgentHeartbeat = {
      id,
      host: os.hostname(),
      pid: process.pid,
      engineVersion: ENGINE_VERSION,
      protocol: CLUSTER_PROTOCOL,
      workers: options.workers,
      startedAt,
      seenAt: now,
      variantsDone,
      variantsPerSecond: throughput.rate(now),
      activeBatches: active.size,
      sweeps: [...new Set(active.values())],
    };
    try {
      await redis.multi().set(clusterKeys.agent(id), JSON.stringify(heartbeat), 'PX', HEARTBEAT_TTL_MS).sadd(clusterKeys.agents, id).exec();
    } catch {
      // Redis is away; the next beat tries again.
    } finally {
      beating = false;
    }
  };
  await beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_INTERVAL_MS);
  await worker.waitUntilReady();

  let closing: Promise<void> | null = null;
  return {
    id,
    engineVersion: ENGINE_VERSION,
    stats: () => ({ variantsDone, batchesDone, batchesRefused, datasetsFetched: datasets.fetched }),
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        await worker.close();
        await pool.close();
        await redis.multi().del(clusterKeys.agent(id)).srem(clusterKeys.agents, id).exec().catch(() => {});
        subscriber.disconnect();
        await redis.quit().catch(() => {});
        storage.close();
      })()),
  };
}

function toItem(v: EvaluatedVariant): VariantBatchItem {
  return v.metrics !== null ? { index: v.index, metrics: v.metrics } : { index: v.index, error: v.error ?? 'no metrics' };
}

/** BullMQ's per-job abort signal (worker.cancelJob) as the evaluator's cancel hooks. */
function abortCancel(signal: AbortSignal | undefined): CancelSignal {
  return {
    isCancelled: () => signal?.aborted ?? false,
    onCancel(listener) {
      if (!signal) return () => {};
      if (signal.aborted) {
        listener();
        return () => {};
      }
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
}
