import type { VariantEvaluator } from '../sweeps/ports.js';
import type { ClusterStatus } from './contract.js';

/** Reads the cluster's state: agents' heartbeats and the queue's counts. */
export interface ClusterMonitor {
  status(): Promise<Extract<ClusterStatus, { configured: true }>>;
}

/** A configured cluster: where sweeps can run besides this machine's workers, and how to look at it. */
export interface Cluster {
  /** Runs variants on the cluster's agents; its `runsOn` is the cluster's address as shown. */
  readonly evaluator: VariantEvaluator & { readonly runsOn: string };
  readonly monitor: ClusterMonitor;
}
