import { ValidationError } from '../../../core/application/errors.js';
import { ClusterConnection } from '../../../core/infrastructure/cluster/cluster-connection.js';
import { RedisClusterMonitor } from '../../../core/infrastructure/cluster/cluster-monitor.js';
import { checkPrivateNetwork, parseRedisAddress } from '../../../core/infrastructure/cluster/redis-address.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode } from '../command.js';
import { printJson, printLine, printTable } from '../output.js';

export const clusterStatusCommand: CommandCode = {
  async run(input) {
    const url = stringFlag(input, 'redis');
    if (!url) throw new UsageError('--redis redis://:PASSWORD@HOST:PORT is required');
    let address;
    try {
      address = parseRedisAddress(url, '--redis');
      await checkPrivateNetwork(address, '--redis');
    } catch (error) {
      if (error instanceof ValidationError) throw new UsageError(error.message);
      throw error;
    }
    const connection = new ClusterConnection(address);
    try {
      const status = await new RedisClusterMonitor(connection).status();
      if (boolFlag(input, 'json')) {
        printJson(status);
        return status.reachable ? 0 : 1;
      }
      if (!status.reachable) {
        process.stderr.write(`bws: ${status.error}\n`);
        return 1;
      }
      printLine(`Cluster at ${status.address}: this app runs engine ${status.engineVersion}`);
      const q = status.queue!;
      printLine(`Queue: ${q.waiting} waiting, ${q.active} running, ${q.delayed} delayed, ${q.completed} completed (not collected yet), ${q.failed} failed`);
      if (status.agents.length === 0) {
        printLine('No agent connected: start one with bws agent --redis URL');
        return 0;
      }
      printTable(
        ['agent', 'engine', 'workers', 'variants/s', 'variants done', 'batches running', 'sweeps', ''],
        status.agents.map((a) => [a.id, a.engineVersion, a.workers, a.variantsPerSecond.toFixed(1), a.variantsDone, a.activeBatches, a.sweeps.join(' '), a.compatible ? '' : 'refuses this engine']),
      );
      return 0;
    } finally {
      await connection.close();
    }
  },
};
