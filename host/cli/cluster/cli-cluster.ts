import type { ClusterStatus } from '../../../core/application/cluster/contract.js';
import { ValidationError } from '../../../core/application/errors.js';
import type { DatasetSource } from '../../../core/infrastructure/cluster/dataset-publisher.js';
import type { OpenedCluster } from '../../../core/infrastructure/cluster/open-cluster.js';
import { UsageError } from '../cli-error.js';

type Configured = Extract<ClusterStatus, { configured: true }>;

/** Opens a `--cluster URL` for a command; a bad URL is a usage error. */
export async function openCliCluster(url: string, bars: DatasetSource): Promise<OpenedCluster> {
  // Loaded only for --cluster: a local sweep does not pay for BullMQ and ioredis.
  const { openCluster } = await import('../../../core/infrastructure/cluster/open-cluster.js');
  try {
    return await openCluster(url, bars);
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message);
    throw error;
  }
}

/** "2 agents: host-12 (2 workers) 48.1/s, host-13 (2 workers) 47.9/s"; incompatible ones say so. */
export function agentsText(status: Configured): string {
  if (!status.reachable) return `Redis ${status.address} unreachable: ${status.error ?? ''}`;
  if (status.agents.length === 0) return 'no agent connected (start one: bws agent --redis URL)';
  const agents = status.agents.map((a) => `${a.id} (${a.workers} workers) ${a.variantsPerSecond.toFixed(1)}/s${a.compatible ? '' : ` REFUSES: engine ${a.engineVersion}`}`);
  return `${status.agents.length} agent${status.agents.length === 1 ? '' : 's'}: ${agents.join(', ')}`;
}

/** Keeps the cluster's latest status (read every second) for a command's progress line. */
export function watchCluster(cluster: OpenedCluster): { latest(): Configured | null; stop(): void } {
  let latest: Configured | null = null;
  let reading = false;
  const read = (): void => {
    if (reading) return;
    reading = true;
    void cluster.monitor.status().then(
      (s) => {
        latest = s;
        reading = false;
      },
      () => (reading = false),
    );
  };
  read();
  const timer = setInterval(read, 1_000);
  timer.unref();
  return { latest: () => latest, stop: () => clearInterval(timer) };
}
