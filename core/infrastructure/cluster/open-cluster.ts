import type { Cluster } from '../../application/cluster/ports.js';
import { ClusterConnection } from './cluster-connection.js';
import { RedisClusterMonitor } from './cluster-monitor.js';
import { ClusterVariantEvaluator, type ClusterVariantEvaluatorOptions } from './cluster-variant-evaluator.js';
import type { DatasetSource } from './dataset-publisher.js';
import { checkPrivateNetwork, parseRedisAddress } from './redis-address.js';

export interface OpenedCluster extends Cluster {
  readonly evaluator: ClusterVariantEvaluator;
  readonly monitor: RedisClusterMonitor;
  close(): Promise<void>;
}

/**
 * Opens the app's side of a cluster from a `--cluster` URL: checks the address (a password
 * unless on this machine; loopback or a private network only), then the evaluator sweeps
 * run on and the monitor the screens read. Connects on first use.
 */
export async function openCluster(url: string, bars: DatasetSource, options: ClusterVariantEvaluatorOptions & { readonly flag?: string } = {}): Promise<OpenedCluster> {
  const flag = options.flag ?? '--cluster';
  const address = parseRedisAddress(url, flag);
  await checkPrivateNetwork(address, flag);
  const connection = new ClusterConnection(address);
  const evaluator = new ClusterVariantEvaluator(connection, bars, options);
  const monitor = new RedisClusterMonitor(connection, options.engineVersion);
  return {
    evaluator,
    monitor,
    async close() {
      await evaluator.close();
      await connection.close();
    },
  };
}
