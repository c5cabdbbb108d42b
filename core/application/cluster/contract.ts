import { noArgsSchema, type NoArgs } from '../contract/common.js';

/**
 * A cluster of `bws agent` processes that sweeps can run on (docs/CLUSTER.md): the agents
 * connected to its Redis, what they do, and the queue of sweep batches.
 */

/** What an agent says about itself (its heartbeat, renewed every second). */
export interface ClusterAgent {
  /** host-pid. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly engineVersion: string;
  readonly protocol: number;
  /** Sweep worker threads (batches it runs at once). */
  readonly workers: number;
  readonly startedAt: number;
  /** When it last renewed its heartbeat, by its own clock. */
  readonly seenAt: number;
  /** Variants it finished since it started. */
  readonly variantsDone: number;
  /** Over the last ~10 s. */
  readonly variantsPerSecond: number;
  readonly activeBatches: number;
  /** The sweeps (by id) whose batches it runs now. */
  readonly sweeps: readonly string[];
}

/** Batches in the queue by state (BullMQ's job counts). */
export interface ClusterQueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly completed: number;
  readonly failed: number;
}

export type ClusterStatus =
  | { readonly configured: false }
  | {
      readonly configured: true;
      /** redis://host:port, without credentials. */
      readonly address: string;
      /** The engine this app runs: agents of another version refuse its batches. */
      readonly engineVersion: string;
      readonly reachable: boolean;
      /** Why Redis could not be read, when it could not. */
      readonly error: string | null;
      readonly agents: readonly (ClusterAgent & { readonly compatible: boolean })[];
      readonly queue: ClusterQueueCounts | null;
    };

export const clusterSchemas = {
  'cluster/status': noArgsSchema,
} as const;

export interface ClusterHandlers {
  /** Where cluster sweeps go, which agents are connected and what the queue holds ({ configured: false } without a cluster). */
  'cluster/status': (args?: NoArgs) => Promise<ClusterStatus>;
}
