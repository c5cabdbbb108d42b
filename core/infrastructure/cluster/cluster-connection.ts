import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { SweepBatchJob, SweepBatchResult } from './cluster-protocol.js';
import { KEY_PREFIX, SWEEP_QUEUE } from './cluster-protocol.js';
import type { RedisAddress } from './redis-address.js';

/**
 * The app's connections to a cluster's Redis, opened on first use (a session that never
 * sweeps on the cluster opens none): a client for datasets, cancel marks and heartbeats,
 * the queue of batches, and its event stream. Commands wait through a Redis restart
 * (maxRetriesPerRequest: null) instead of failing a sweep that can go on once it is back.
 */
export class ClusterConnection {
  private client: Redis | null = null;
  private sweepQueue: Queue<SweepBatchJob, SweepBatchResult> | null = null;
  private queueEvents: QueueEvents | null = null;

  constructor(readonly address: RedisAddress) {}

  redis(): Redis {
    if (!this.client) {
      this.client = new Redis(this.address.url, { maxRetriesPerRequest: null, connectionName: 'bws-app' });
      // It reconnects by itself; commands wait meanwhile (the status call has its own timeout).
      this.client.on('error', () => {});
    }
    return this.client;
  }

  queue(): Queue<SweepBatchJob, SweepBatchResult> {
    if (!this.sweepQueue) {
      this.sweepQueue = new Queue<SweepBatchJob, SweepBatchResult>(SWEEP_QUEUE, { connection: { url: this.address.url, maxRetriesPerRequest: null }, prefix: KEY_PREFIX });
      this.sweepQueue.on('error', () => {}); // connection errors: it reconnects
    }
    return this.sweepQueue;
  }

  events(): QueueEvents {
    if (!this.queueEvents) {
      this.queueEvents = new QueueEvents(SWEEP_QUEUE, { connection: { url: this.address.url, maxRetriesPerRequest: null }, prefix: KEY_PREFIX });
      this.queueEvents.on('error', () => {}); // missed events are made up by polling (ClusterVariantEvaluator)
    }
    return this.queueEvents;
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    if (this.queueEvents) closing.push(this.queueEvents.close());
    if (this.sweepQueue) closing.push(this.sweepQueue.close());
    await Promise.allSettled(closing);
    if (this.client) await this.client.quit().catch(() => this.client?.disconnect());
    this.queueEvents = null;
    this.sweepQueue = null;
    this.client = null;
  }
}
