// Cluster benchmark (issue 19): the optimize bench's 1,000 SMA-cross variants over one year
// of 1-minute bars, on the local sweep pool (2 workers) and on two `bws agent` processes of
// this machine (1 worker each, so the same 2 threads) through BullMQ on a private
// redis-server. Cold: the first sweep of each (the pool started for it; the agents already
// running but without the dataset, which is published and fetched). Warm: later sweeps,
// local and cluster in alternating rounds (the machine is shared), medians compared.
// Run: node scripts/build.mjs --node && node --expose-gc dist/bench/cluster.js
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SweepConfig, SweepData, VariantEvaluator } from '../core/application/sweeps/ports.js';
import { searchVariants } from '../core/application/sweeps/search-variants.js';
import { canonicalJson } from '../core/domain/engine/run-hash.js';
import { objective } from '../core/domain/optimize/objective.js';
import { paramRange } from '../core/domain/optimize/param-space.js';
import { openCluster } from '../core/infrastructure/cluster/open-cluster.js';
import { WorkerVariantEvaluator } from '../core/infrastructure/sweeps/worker-variant-evaluator.js';
import { seedStore } from '../core/infrastructure/test-kit/bar-fixture.js';
import { startTestRedis } from '../core/infrastructure/test-kit/redis-server.js';
import { startAgent } from '../host/cluster/test-kit/cluster-kit.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const YEAR_OF_MINUTES = 525_600;
const FAST = Array.from({ length: 40 }, (_, i) => 2 + i);
const SLOW = Array.from({ length: 25 }, (_, i) => 50 + 10 * i);
const ROUNDS = Number(process.env.BWS_BENCH_CLUSTER_ROUNDS ?? 3);
const TARGET = 0.15;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timed(evaluator: VariantEvaluator, config: SweepConfig, data: SweepData, key: string): Promise<{ ms: number; digest: string; done: number }> {
  const t0 = performance.now();
  const outcome = await searchVariants(evaluator, config, data, { clock: () => performance.now(), key });
  const ms = performance.now() - t0;
  const byIndex = [...outcome.ranked].sort((a, b) => a.index - b.index).map((v) => ({ index: v.index, metrics: v.metrics, error: v.error }));
  // Metrics as the store keeps them (JSON): NaN and null alike on both sides.
  const digest = createHash('sha256').update(canonicalJson(JSON.parse(JSON.stringify(byIndex)))).digest('hex');
  return { ms, digest, done: outcome.counts.done };
}

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-bench-cluster-'));
  const { storage, instrument } = seedStore(dir, YEAR_OF_MINUTES, 'BENCH');
  const redis = await startTestRedis();
  const agents = await Promise.all([startAgent(redis.url, { workers: 1 }), startAgent(redis.url, { workers: 1 })]);
  const cluster = await openCluster(redis.url, storage.barStore);
  const local = new WorkerVariantEvaluator({ dbFile: storage.file, size: 2 });
  const rows: BenchRow[] = [];
  try {
    const config: SweepConfig = {
      source: { kind: 'template', templateId: 'sma-cross' },
      space: [paramRange('fast', FAST), paramRange('slow', SLOW)],
      constraints: [],
      method: { kind: 'grid' },
      objective: objective('sharpe'),
    };
    const data: SweepData = { instrumentId: instrument.id, timeframe: '1m' };
    const localCold = await timed(local, config, data, 'bench-local-cold');
    const clusterCold = await timed(cluster.evaluator, config, data, 'bench-cluster-cold');
    const localWarm: number[] = [];
    const clusterWarm: number[] = [];
    let same = localCold.digest === clusterCold.digest;
    for (let round = 0; round < ROUNDS; round++) {
      const l = await timed(local, config, data, `bench-local-${round}`);
      const c = await timed(cluster.evaluator, config, data, `bench-cluster-${round}`);
      localWarm.push(l.ms);
      clusterWarm.push(c.ms);
      same &&= l.digest === localCold.digest && c.digest === localCold.digest;
    }
    const coldOverhead = clusterCold.ms / localCold.ms - 1;
    const warmOverhead = median(clusterWarm) / median(localWarm) - 1;
    const n = localCold.done;
    rows.push({ figure: `${n} SMA-cross variants, 1y of 1m bars: local pool, 2 workers, cold (pool started for it)`, value: seconds(localCold.ms), target: 'info', pass: true });
    rows.push({ figure: '  on 2 local agents x 1 worker, cold (dataset published, fetched and cached by each agent)', value: seconds(clusterCold.ms), target: 'info', pass: true });
    rows.push({ figure: '  queue overhead, cold (cluster / local - 1)', value: `${(coldOverhead * 100).toFixed(1)} %`, target: 'info', pass: true });
    rows.push({ figure: `  local pool, warm (median of ${ROUNDS}: ${localWarm.map(seconds).join(', ')})`, value: seconds(median(localWarm)), target: 'info', pass: true });
    rows.push({ figure: `  2 agents, warm (median of ${ROUNDS}: ${clusterWarm.map(seconds).join(', ')})`, value: seconds(median(clusterWarm)), target: 'info', pass: true });
    // Each round runs local then cluster back to back: their ratio shows how much of the spread is the shared machine's load.
    const paired = clusterWarm.map((c, i) => `${((c / localWarm[i]! - 1) * 100).toFixed(1)} %`).join(', ');
    rows.push({ figure: `  queue overhead per round (cluster / local of the same round - 1): ${paired}`, value: `load ${os.loadavg()[0]!.toFixed(1)}`, target: 'info', pass: true });
    rows.push({ figure: '  queue overhead, warm (median cluster / median local - 1)', value: `${(warmOverhead * 100).toFixed(1)} %`, target: `< ${TARGET * 100} %`, pass: warmOverhead < TARGET });
    rows.push({ figure: '  every variant\'s metrics equal on both (digest by index)', value: same ? 'yes' : 'no', target: 'yes', pass: same });
  } finally {
    await local.close();
    await cluster.close();
    await Promise.all(agents.map((a) => a.stop()));
    await redis.stop();
    storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (isMain(import.meta.url)) await runStandalone(run);
