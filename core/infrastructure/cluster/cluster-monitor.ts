import type { ClusterAgent, ClusterStatus } from '../../application/cluster/contract.js';
import type { ClusterMonitor } from '../../application/cluster/ports.js';
import { ENGINE_VERSION } from '../../domain/engine/backtest.js';
import type { ClusterConnection } from './cluster-connection.js';
import { CLUSTER_PROTOCOL, clusterKeys } from './cluster-protocol.js';

/** How long a status read may wait for Redis before it says Redis does not answer. */
const STATUS_TIMEOUT_MS = 1_500;

type ConfiguredStatus = Extract<ClusterStatus, { configured: true }>;

/**
 * The cluster's state for the Optimize and Performance screens and the CLI: the agents
 * whose heartbeat is current (members of the agent set whose heartbeat expired are
 * dropped from it here) and the queue's counts. Read on demand, bounded in time: a Redis
 * that is down answers "unreachable" instead of hanging the call.
 */
export class RedisClusterMonitor implements ClusterMonitor {
  constructor(
    private readonly connection: ClusterConnection,
    private readonly engineVersion: string = ENGINE_VERSION,
  ) {}

  async status(): Promise<ConfiguredStatus> {
    const base = { configured: true as const, address: this.connection.address.display, engineVersion: this.engineVersion };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis at ${base.address} does not answer`)), STATUS_TIMEOUT_MS);
    });
    try {
      const [agents, queue] = await Promise.race([Promise.all([this.agents(), this.counts()]), timeout]);
      return { ...base, reachable: true, error: null, agents, queue };
    } catch (error) {
      return { ...base, reachable: false, error: error instanceof Error ? error.message : String(error), agents: [], queue: null };
    } finally {
      clearTimeout(timer);
    }
  }

  private async agents(): Promise<ConfiguredStatus['agents']> {
    const redis = this.connection.redis();
    const ids = (await redis.smembers(clusterKeys.agents)).sort();
    if (ids.length === 0) return [];
    const beats = await redis.mget(ids.map((id) => clusterKeys.agent(id)));
    const gone = ids.filter((_id, i) => beats[i] === null);
    if (gone.length > 0) await redis.srem(clusterKeys.agents, ...gone);
    return beats
      .filter((b): b is string => b !== null)
      .map((text) => JSON.parse(text) as ClusterAgent)
      .map((agent) => ({ ...agent, compatible: agent.engineVersion === this.engineVersion && agent.protocol === CLUSTER_PROTOCOL }));
  }

  private async counts(): Promise<NonNullable<ConfiguredStatus['queue']>> {
    const c = await this.connection.queue().getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  }
}
