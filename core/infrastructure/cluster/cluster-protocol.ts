// What the app and `bws agent` processes exchange through Redis (docs/CLUSTER.md): the
// BullMQ queue of sweep batches, the datasets the batches run on, the agents' heartbeats
// and the cancel signal. Jobs carry specs, the engine version and a dataset's content
// hash, never bars or file paths.
import { createHash } from 'node:crypto';
import type { ClusterAgent } from '../../application/cluster/contract.js';
import type { BarsRead } from '../../application/sweeps/ports.js';
import { canonicalJson } from '../../domain/engine/run-hash.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { VariantBatchItem } from '../sweeps/sweep-protocol.js';

/** Bumped when the shapes below change: an agent refuses jobs of another protocol, as of another engine. */
export const CLUSTER_PROTOCOL = 1;
/** The BullMQ queue of sweep batches and the prefix of every key this feature writes. */
export const SWEEP_QUEUE = 'sweeps';
export const KEY_PREFIX = 'bws';

/** Redis keys outside BullMQ's own. */
export const clusterKeys = {
  /** Set of agent ids that have announced themselves (members whose heartbeat expired are dropped by readers). */
  agents: `${KEY_PREFIX}:agents`,
  /** One agent's heartbeat (JSON, expires unless renewed). */
  agent: (id: string) => `${KEY_PREFIX}:agent:${id}`,
  /** A dataset by content hash: a hash of `meta` and the series parts (dataset-format.ts). */
  dataset: (hash: string) => `${KEY_PREFIX}:dataset:${hash}`,
  /** Set when a sweep is cancelled: agents skip its batches that start afterwards. */
  cancelled: (sweepKey: string) => `${KEY_PREFIX}:cancelled:${sweepKey}`,
  /** Pub/sub channel: a sweep key whose running batches agents stop at once. */
  cancelChannel: `${KEY_PREFIX}:cancel`,
} as const;

/** How long an agent's heartbeat lives without renewal (it renews every second). */
export const HEARTBEAT_TTL_MS = 5_000;
/** Datasets expire this long after the last sweep that used them (each sweep renews it). */
export const DATASET_TTL_S = 7 * 24 * 3600;
/** A cancel mark outlives any batch that could still start. */
export const CANCELLED_TTL_S = 24 * 3600;

/** The data a batch runs on: the dataset (by hash) and the range and switches of the sweep. */
export interface BatchData {
  readonly dataset: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly magnifier?: boolean;
  readonly quantityStep?: number;
}

/** One BullMQ job: a batch of variants of one sweep. */
export interface SweepBatchJob {
  readonly protocol: number;
  readonly engineVersion: string;
  /** The sweep (or walk-forward window) the batch belongs to: cancel and results are by it. */
  readonly sweepKey: string;
  readonly data: BatchData;
  readonly variants: readonly { readonly index: number; readonly spec: StrategySpec }[];
}

/** What an agent returns for a job (stored by BullMQ as the job's return value). */
export interface SweepBatchResult {
  readonly agent: string;
  /** One per variant finished (all of them unless cancelled). */
  readonly items: readonly VariantBatchItem[];
  readonly cancelled: boolean;
  readonly barsRead: readonly BarsRead[];
}

/** What an agent says about itself every second (the type the status call shows). */
export type AgentHeartbeat = ClusterAgent;

/**
 * The job id of a batch: the sweep key, the batch's first variant index and a digest of
 * its content. The same batch of the same sweep always gets the same id, so enqueueing it
 * again (an app that restarted and resumed the sweep) adds nothing BullMQ already holds;
 * a batch whose content differs gets another id. BullMQ ids may not contain ':'.
 */
export function batchJobId(job: SweepBatchJob): string {
  const digest = createHash('sha256').update(canonicalJson(job)).digest('hex').slice(0, 16);
  return `${job.sweepKey}.${job.variants[0]?.index ?? 0}.${digest}`;
}

/**
 * Variants per job: deterministic in the call's size (a resumed sweep cuts the same
 * batches), about 64 jobs per call so the last ones balance across agents, each long
 * enough (4-32 variants of tens of ms) that the queue's round trip is a few percent.
 */
export function clusterBatchSize(variants: number): number {
  return Math.min(32, Math.max(4, Math.ceil(variants / 64)));
}

/** Keys may only hold letters, digits and . _ - (job ids, Redis keys, log lines). */
export function checkSweepKey(key: string): string {
  if (!/^[A-Za-z0-9._-]{1,80}$/.test(key)) throw new Error(`Invalid sweep key "${key}"`);
  return key;
}
