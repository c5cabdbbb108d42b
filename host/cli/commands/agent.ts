import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../../core/application/errors.js';
import { CLUSTER_PROTOCOL, SWEEP_QUEUE } from '../../../core/infrastructure/cluster/cluster-protocol.js';
import { checkPrivateNetwork, parseRedisAddress } from '../../../core/infrastructure/cluster/redis-address.js';
import { AGENT_HOLD_ENV, startSweepAgent } from '../../../core/infrastructure/cluster/sweep-agent.js';
import { TEST_FAULTS_ENV } from '../../../core/infrastructure/workers/backtest-protocol.js';
import { UsageError } from '../cli-error.js';
import { stringFlag, type CommandCode } from '../command.js';
import { dataDirOf } from '../context.js';
import { parseNumberArg } from '../time-args.js';
import { availableParallelism } from 'node:os';

/** The agent's cache of datasets, in its data dir (--data-dir), apart from any workstation database. */
export const AGENT_CACHE_FILE = 'agent-datasets.sqlite';

function msFlag(value: string | undefined, name: string, min: number): number | undefined {
  const v = parseNumberArg(`--${name}`, value);
  if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new UsageError(`--${name}: expected a whole number of ms >= ${min}, got ${v}`);
  return v;
}

/** The test fault of AGENT_HOLD_ENV, honoured only with BWS_TEST_FAULTS=1 (as the workers' faults). */
function testHold(): { holdBatchMs?: number } {
  const value = process.env[AGENT_HOLD_ENV];
  if (!value || process.env[TEST_FAULTS_ENV] !== '1') return {};
  const ms = Number(value);
  if (!(Number.isInteger(ms) && ms >= 0)) throw new UsageError(`${AGENT_HOLD_ENV}="${value}" is not a whole number of ms`);
  return { holdBatchMs: ms };
}

const stamp = (): string => new Date().toISOString().slice(11, 19);

export const agentCommand: CommandCode = {
  async run(input) {
    const url = stringFlag(input, 'redis');
    if (!url) throw new UsageError('--redis redis://:PASSWORD@HOST:PORT is required');
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"`);
    const workers = parseNumberArg('--workers', stringFlag(input, 'workers')) ?? availableParallelism();
    if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256)) throw new UsageError(`--workers: expected 1-256, got ${workers}`);
    const lockDurationMs = msFlag(stringFlag(input, 'lock-ms'), 'lock-ms', 1_000);
    const stalledIntervalMs = msFlag(stringFlag(input, 'stalled-ms'), 'stalled-ms', 500);
    let redis;
    try {
      redis = parseRedisAddress(url, '--redis');
      await checkPrivateNetwork(redis, '--redis');
    } catch (error) {
      if (error instanceof ValidationError) throw new UsageError(error.message);
      throw error;
    }
    const dataDir = dataDirOf(input);
    mkdirSync(dataDir, { recursive: true });
    const cacheFile = path.join(dataDir, AGENT_CACHE_FILE);
    const log = (line: string): void => void process.stderr.write(`${stamp()} ${line}\n`);
    const agent = await startSweepAgent({
      redis,
      workers,
      cacheFile,
      ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
      ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
      ...testHold(),
      log,
    });
    // Tests and scripts wait for this line (agent id, engine version).
    process.stdout.write(`bws agent ${agent.id}: engine ${agent.engineVersion} (cluster protocol ${CLUSTER_PROTOCOL}), ${workers} sweep workers, Redis ${redis.display} queue ${SWEEP_QUEUE}, datasets in ${cacheFile}\n`);
    if (!redis.hasPassword) log('warning: Redis has no password; fine on this machine only (docs/CLUSTER.md)');

    let reported = agent.stats().variantsDone;
    const report = setInterval(() => {
      const { variantsDone } = agent.stats();
      if (variantsDone !== reported) log(`${variantsDone - reported} variants in the last 10 s, ${variantsDone} since start`);
      reported = variantsDone;
    }, 10_000);
    report.unref();

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (): void => {
        if (stopping) {
          log('stopped at once; its running batches go back to the queue when their locks expire');
          process.exit(130);
        }
        stopping = true;
        log('stopping: finishing the running batches (signal again to quit at once)');
        void agent.close().then(resolve, (error: unknown) => {
          log(`close failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve();
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    clearInterval(report);
    const s = agent.stats();
    log(`stopped: ${s.variantsDone} variants in ${s.batchesDone} batches, ${s.batchesRefused} refused, ${s.datasetsFetched} datasets fetched`);
  },
};
