// Sweeps on a cluster, end to end on this machine: a private redis-server (started and
// stopped by pid), `bws agent` processes, the cluster evaluator in this process or the
// `bws optimize --cluster` CLI. Every cluster sweep is compared with the same sweep run on
// the local worker pool, variant by variant (sweepDigest), and the best variant opened as
// a full run gives the same run hash.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConstraint } from '../../core/domain/optimize/constraints.js';
import { parseParamRange } from '../../core/domain/optimize/param-space.js';
import { runSweep, type RunSweepArgs, type SweepOutcome } from '../../core/application/sweeps/run-sweep.js';
import { openSweepVariant } from '../../core/application/sweeps/sweep-queries.js';
import { InProcessBacktestExecutor } from '../../core/infrastructure/backtest/in-process-executor.js';
import { ClusterConnection } from '../../core/infrastructure/cluster/cluster-connection.js';
import { clusterKeys } from '../../core/infrastructure/cluster/cluster-protocol.js';
import { openCluster, type OpenedCluster } from '../../core/infrastructure/cluster/open-cluster.js';
import { parseRedisAddress } from '../../core/infrastructure/cluster/redis-address.js';
import { SqliteRunStore } from '../../core/infrastructure/runs/sqlite-run-store.js';
import type { Storage } from '../../core/infrastructure/sqlite/storage.js';
import { SqliteSweepStore } from '../../core/infrastructure/sweeps/sqlite-sweep-store.js';
import { WorkerVariantEvaluator } from '../../core/infrastructure/sweeps/worker-variant-evaluator.js';
import { seedStore } from '../../core/infrastructure/test-kit/bar-fixture.js';
import { startTestRedis, type TestRedis } from '../../core/infrastructure/test-kit/redis-server.js';
import { tempDir } from '../../core/infrastructure/test-kit/temp-db.js';
import { openWorkstation } from '../../core/infrastructure/workstation.js';
import { cliScript, startAgent, sweepDigest, waitFor, type AgentProcess } from './test-kit/cluster-kit.js';

const BARS = 120_000; // ~83 days of minutes
const VARIANTS = 60; // fast 2..13 x slow 20..60 step 10: 4 variants a batch, 15 batches

const sweepArgs: RunSweepArgs = {
  source: { kind: 'template', templateId: 'sma-cross' },
  space: [parseParamRange('fast=2:13:1'), parseParamRange('slow=20:60:10')],
  constraints: [parseConstraint('fast<slow')],
  method: { kind: 'grid' },
  objective: { metric: 'sharpe', minTrades: 5 },
  symbol: 'CLU',
  timeframe: '1m',
};
const CLI_SWEEP = ['--template', 'sma-cross', '--symbol', 'CLU', '--timeframe', '1m', '--param', 'fast=2:13:1', '--param', 'slow=20:60:10', '--constraint', 'fast<slow', '--objective', 'sharpe', '--min-trades', '5'];

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let sweeps: SqliteSweepStore;
let redis: TestRedis;
let local: { id: string; digest: string; bestIndex: number; bestHash: string };
const agents: AgentProcess[] = [];

async function agent(options: Parameters<typeof startAgent>[1] = {}): Promise<AgentProcess> {
  const started = await startAgent(redis.url, { lockMs: 2_000, stalledMs: 1_000, ...options });
  agents.push(started);
  return started;
}

async function stopAgents(): Promise<void> {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
}

/** The run hash of a sweep variant opened as a full run (the normal backtest path, this thread). */
async function openedHash(sweepId: string, index: number): Promise<string> {
  const executor = new InProcessBacktestExecutor({ dbFile: storage.file, runs: new SqliteRunStore(storage.writer) });
  try {
    const opened = await openSweepVariant({ bars: storage.barStore, executor, sweeps }, sweepId, index);
    return opened.run.run.hash;
  } finally {
    executor.close();
  }
}

/** Runs the test sweep on the cluster from this process. */
async function clusterSweep(cluster: OpenedCluster, control: Parameters<typeof runSweep>[2] = {}): Promise<SweepOutcome> {
  return runSweep({ bars: storage.barStore, evaluator: cluster.evaluator, sweeps, clock: Date.now }, sweepArgs, control);
}

/** Runs the CLI from dist/ and collects its exit code and output. */
function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The variants whose metrics differ from the local reference's, for a failure message. */
function differingVariants(sweepId: string): string {
  const reference = new Map(sweeps.variants(local.id, { limit: 100_000 }).variants.map((v) => [v.index, JSON.stringify(v.metrics)]));
  const differing = sweeps
    .variants(sweepId, { limit: 100_000 })
    .variants.filter((v) => reference.get(v.index) !== JSON.stringify(v.metrics))
    .map((v) => `#${v.index} ${JSON.stringify(v.params)}: local ${reference.get(v.index)} cluster ${JSON.stringify(v.metrics)}`);
  return `variants differing from the local sweep:\n${differing.join('\n')}`;
}

/** Asserts a finished cluster sweep stored every variant once, with the local sweep's results. */
function expectSameAsLocal(sweepId: string): void {
  const sweep = sweeps.get(sweepId)!;
  expect(sweep.status).toBe('completed');
  expect(sweep.counts).toMatchObject({ done: VARIANTS, planned: VARIANTS, failed: 0 });
  const stored = sweepDigest(sweeps, sweepId);
  expect(stored.count).toBe(VARIANTS);
  expect(stored.indices).toEqual(Array.from({ length: VARIANTS }, (_, i) => i));
  expect(stored.digest, differingVariants(sweepId)).toBe(local.digest);
  expect(sweeps.variants(sweepId, { limit: 1 }).variants[0]!.index).toBe(local.bestIndex);
}

/** The jobs in the queue right now (state and who runs them), for tests that act mid-batch. */
async function activeJobs(connection: ClusterConnection): Promise<{ id: string; processedBy: string | undefined; indices: number[] }[]> {
  const jobs = await connection.queue().getActive();
  return jobs.map((j) => ({ id: j.id!, processedBy: j.processedBy, indices: j.data.variants.map((v) => v.index) }));
}

beforeAll(async () => {
  // First: without a redis-server every test here fails at once, saying what to install (never skipped).
  redis = await startTestRedis();
  dir = tempDir('bws-cluster-');
  ({ storage } = seedStore(dir.dir, BARS, 'CLU'));
  sweeps = new SqliteSweepStore(storage.writer);
  // The reference is the local sweep as a user runs it: `bws optimize` on its own worker
  // pool, in its own process (as the agents are). Twice in full-suite runs it gave another
  // digest than every cluster run: one variant with the next one's equity figures, a V8
  // miscompile around computeMetrics since avoided (docs/ENGINE.md, "A V8 miscompile").
  const out = await runCli(['optimize', ...CLI_SWEEP, '--data-dir', dir.dir, '--json']);
  expect(out.code, out.stderr).toBe(0);
  const report = JSON.parse(out.stdout) as { sweepId: string; best: { index: number } };
  // The reference must be whole: a variant the local pool failed would make every comparison below fail on the wrong side.
  const failed = sweeps.variants(report.sweepId, { limit: 1_000 }).variants.filter((v) => v.error !== null);
  expect(failed.map((v) => `#${v.index}: ${v.error}`), 'variants the local reference sweep failed').toEqual([]);
  const { digest, count } = sweepDigest(sweeps, report.sweepId);
  expect(count).toBe(VARIANTS);
  local = { id: report.sweepId, digest, bestIndex: report.best.index, bestHash: '' };
  local.bestHash = await openedHash(local.id, local.bestIndex);
}, 120_000);

afterAll(async () => {
  await stopAgents();
  await redis?.stop();
  storage?.close();
  dir?.cleanup();
});

describe('sweeps on a cluster of bws agent processes', () => {
  it('bws optimize --cluster on two agents: every variant once, the local results, the same best variant and run hash', async () => {
    const [a, b] = await Promise.all([agent({ workers: 1 }), agent({ workers: 1 })]);
    const out = await runCli(['optimize', ...CLI_SWEEP, '--cluster', redis.url, '--data-dir', dir.dir, '--json']);
    expect(out.code, out.stderr).toBe(0);
    // Where it runs and who is connected, before the results.
    expect(out.stderr).toContain(`the sweep runs on the cluster at redis://127.0.0.1:${redis.port}`);
    expect(out.stderr).toMatch(/2 agents: /);
    expect(out.stderr).not.toContain(redis.password);
    const report = JSON.parse(out.stdout) as { sweepId: string; runsOn: string; variantsByAgent: Record<string, number>; best: { index: number } };
    expect(report.runsOn).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(report.best.index).toBe(local.bestIndex);
    expect(Object.values(report.variantsByAgent).reduce((x, y) => x + y, 0)).toBe(VARIANTS);
    expect(Object.keys(report.variantsByAgent).every((id) => id === a.id || id === b.id)).toBe(true);
    expectSameAsLocal(report.sweepId);
    expect(sweeps.get(report.sweepId)!.runsOn).toBe(`redis://127.0.0.1:${redis.port}`);
    // Opening the best variant as a full run goes the normal way and reproduces the local one.
    expect(await openedHash(report.sweepId, local.bestIndex)).toBe(local.bestHash);
    // Each agent fetched the dataset once, by hash, into its own cache.
    await stopAgents();
    expect(a.output()).toMatch(/1 datasets fetched/);
    expect(b.output()).toMatch(/1 datasets fetched/);
  }, 120_000);

  it('kill -9 of an agent holding a batch: stall detection gives the batch to another agent; no variant lost or duplicated', async () => {
    const victim = await agent({ workers: 1, holdMs: 5_000 });
    await Promise.all([agent({ workers: 1 }), agent({ workers: 1 })]);
    const cluster = await openCluster(redis.url, storage.barStore, { pollMs: 500 });
    const watcher = new ClusterConnection(parseRedisAddress(redis.url));
    try {
      const running = clusterSweep(cluster);
      const held = await waitFor('a batch held by the victim', async () => (await activeJobs(watcher)).find((j) => j.processedBy === victim.id));
      victim.signal('SIGKILL');
      const outcome = await running;
      expectSameAsLocal(outcome.sweep.id);
      // Another agent's stall check put the dead agent's batch back, and it ran elsewhere.
      const others = agents.filter((x) => x !== victim);
      expect(others.some((x) => x.output().includes(`batch ${held.id} stalled`))).toBe(true);
      const byAgent = cluster.evaluator.variantsByAgent(outcome.sweep.id);
      expect(byAgent[victim.id]).toBeUndefined();
      expect(Object.values(byAgent).reduce((x, y) => x + y, 0)).toBe(VARIANTS);
    } finally {
      await cluster.close();
      await watcher.close();
      await stopAgents();
    }
  }, 120_000);

  it("the issue's 1,000 variants from the CLI, one agent killed -9 holding a batch: every variant once, the local results, best variant and run hash", async () => {
    const param = ['fast=2:41:1', 'slow=50:290:10']; // 40 x 25, all fast < slow
    const pool = new WorkerVariantEvaluator({ dbFile: storage.file, size: 2 });
    let reference: { id: string; digest: string; bestIndex: number };
    try {
      const outcome = await runSweep({ bars: storage.barStore, evaluator: pool, sweeps, clock: Date.now }, { ...sweepArgs, space: param.map(parseParamRange), constraints: [] });
      reference = { id: outcome.sweep.id, digest: sweepDigest(sweeps, outcome.sweep.id).digest, bestIndex: outcome.best!.index };
    } finally {
      await pool.close();
    }
    const victim = await agent({ workers: 1, holdMs: 3_000 });
    await agent({ workers: 1 });
    const watcher = new ClusterConnection(parseRedisAddress(redis.url));
    try {
      const args = ['optimize', '--template', 'sma-cross', '--symbol', 'CLU', '--timeframe', '1m', '--param', param[0]!, '--param', param[1]!, '--objective', 'sharpe', '--min-trades', '5'];
      const cli = spawn(process.execPath, [cliScript, ...args, '--cluster', redis.url, '--data-dir', dir.dir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      cli.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      cli.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const closed = new Promise<number | null>((resolve) => cli.on('close', resolve));
      await waitFor('a batch held by the victim', async () => (await activeJobs(watcher)).find((j) => j.processedBy === victim.id), 60_000);
      victim.signal('SIGKILL');
      expect(await closed, stderr).toBe(0);
      const report = JSON.parse(stdout) as { sweepId: string; variantsByAgent: Record<string, number>; best: { index: number } };
      const stored = sweepDigest(sweeps, report.sweepId);
      expect(stored.count).toBe(1_000);
      expect(stored.indices).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
      expect(stored.digest).toBe(reference.digest);
      expect(report.best.index).toBe(reference.bestIndex);
      expect(Object.values(report.variantsByAgent).reduce((x, y) => x + y, 0)).toBe(1_000);
      expect(report.variantsByAgent[victim.id]).toBeUndefined();
      expect(await openedHash(report.sweepId, reference.bestIndex)).toBe(await openedHash(reference.id, reference.bestIndex));
    } finally {
      await watcher.close();
      await stopAgents();
    }
  }, 240_000);

  it("bws walkforward --cluster: the in-sample sweeps run on the agents, and the windows, best parameters, metrics and stitched equity equal the local walk-forward's", async () => {
    const cli = (target: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const args = [cliScript, 'walkforward', ...CLI_SWEEP, '--in-sample', '30', '--out-of-sample', '15', ...target, '--data-dir', dir.dir, '--json'];
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const local = await cli(['--workers', '2']);
    expect(local.code, local.stderr).toBe(0);
    const [a, b] = await Promise.all([agent({ workers: 1 }), agent({ workers: 1 })]);
    const onCluster = await cli(['--cluster', redis.url]);
    expect(onCluster.code, onCluster.stderr).toBe(0);
    expect(onCluster.stderr).toContain(`the sweep runs on the cluster at redis://127.0.0.1:${redis.port}`);
    const clusterResult = JSON.parse(onCluster.stdout) as { windows: { counts: { done: number } }[] };
    expect(clusterResult.windows.length).toBeGreaterThanOrEqual(3);
    expect(clusterResult.windows.every((w) => w.counts.done === VARIANTS)).toBe(true);
    // What each worker call read differs by how the variants were cut (a batch's warm-up is its own variants' longest),
    // not the range read: compare the ranges, then everything else whole.
    type BarsRead = { count: number; firstTs: number; lastTs: number; warmUpBars: number };
    const ranges = (result: unknown): unknown =>
      (result as { windows: { inSampleBarsRead: BarsRead[] }[] }).windows.map((w) => [...new Set(w.inSampleBarsRead.map((r) => `${r.count} ${r.firstTs}..${r.lastTs}`))]);
    const withoutReads = (result: unknown): unknown => ({
      ...(result as object),
      windows: (result as { windows: { inSampleBarsRead: BarsRead[] }[] }).windows.map(({ inSampleBarsRead: _reads, ...w }) => w),
    });
    const localResult: unknown = JSON.parse(local.stdout);
    expect(ranges(clusterResult)).toEqual(ranges(localResult));
    expect(withoutReads(clusterResult)).toEqual(withoutReads(localResult));
    await stopAgents();
    // The agents ran the in-sample variants (each window's sweep is its own batches).
    expect(a.output() + b.output()).toMatch(/stopped: [1-9]\d* variants/);
  }, 240_000);

  it('a batch delivered twice (an agent frozen past its lock, then thawed) is run twice and counted once', async () => {
    const frozen = await agent({ workers: 1, holdMs: 3_000 });
    const other = await agent({ workers: 1 });
    const cluster = await openCluster(redis.url, storage.barStore, { pollMs: 500 });
    const watcher = new ClusterConnection(parseRedisAddress(redis.url));
    try {
      let sweepId = '';
      const running = clusterSweep(cluster, { onStarted: (s) => (sweepId = s.id) });
      const held = await waitFor('a batch held by the agent to freeze', async () => (await activeJobs(watcher)).find((j) => j.processedBy === frozen.id));
      frozen.signal('SIGSTOP');
      // Its lock expires; the other agent takes the batch over and its results are stored.
      await waitFor('the frozen batch to be stored from the other agent', () => held.indices.every((i) => sweeps.variant(sweepId, i) !== null), 60_000);
      frozen.signal('SIGCONT'); // it wakes up and runs its stale copy of the batch
      const outcome = await running;
      expectSameAsLocal(outcome.sweep.id);
      expect(cluster.evaluator.variantsByAgent(outcome.sweep.id)[other.id]).toBeGreaterThanOrEqual(held.indices.length);
      // The thawed agent ran the batch again (its heartbeat counts it), and BullMQ refused its
      // completion (the lock had passed on): the store has each of those variants once.
      await waitFor('the thawed agent to report its run', async () => {
        const s = await cluster.monitor.status();
        return (s.agents.find((x) => x.id === frozen.id)?.variantsDone ?? 0) >= held.indices.length;
      }, 30_000);
      await waitFor('its completion to be refused', () => /lock/i.test(frozen.output()), 30_000);
      expect(sweepDigest(sweeps, outcome.sweep.id).count).toBe(VARIANTS);
    } finally {
      frozen.signal('SIGCONT');
      await cluster.close();
      await watcher.close();
      await stopAgents();
    }
  }, 150_000);

  it('Redis killed and restarted mid-sweep (append-only file): the sweep resumes and finishes exact', async () => {
    await Promise.all([agent({ workers: 1, holdMs: 700 }), agent({ workers: 1, holdMs: 700 })]);
    const cluster = await openCluster(redis.url, storage.barStore, { pollMs: 500 });
    try {
      let sweepId = '';
      const running = clusterSweep(cluster, { onStarted: (s) => (sweepId = s.id) });
      await waitFor('a few variants', () => sweepId !== '' && sweeps.get(sweepId)!.counts.done >= 8, 60_000);
      const done = sweeps.get(sweepId)!.counts.done;
      await redis.restart({ kill: true, downMs: 1_500 });
      const outcome = await running;
      expect(done).toBeLessThan(VARIANTS);
      expectSameAsLocal(outcome.sweep.id);
    } finally {
      await cluster.close();
      await stopAgents();
    }
  }, 150_000);

  it('an agent refuses the batches of another engine version at once, without retry; the sweep fails saying so', async () => {
    // Two workers refuse two batches at about the same time: the sweep must fail once, after its other batches are out of the queue.
    const refusing = await agent({ workers: 2 });
    const cluster = await openCluster(redis.url, storage.barStore, { pollMs: 500, engineVersion: '0.9.0-other' });
    const watcher = new ClusterConnection(parseRedisAddress(redis.url));
    try {
      let sweepId = '';
      await expect(clusterSweep(cluster, { onStarted: (s) => (sweepId = s.id) })).rejects.toThrow(/the sweep needs engine 0\.9\.0-other, this agent runs engine 1\.\d+\.\d+/);
      const sweep = sweeps.get(sweepId)!;
      expect(sweep.status).toBe('failed');
      expect(sweep.error).toContain(`Agent ${refusing.id} refused batch`);
      const failed = (await watcher.queue().getFailed()).filter((j) => j.data.sweepKey === sweepId);
      expect(failed.length).toBeGreaterThan(0);
      for (const job of failed) {
        expect(job.attemptsMade).toBe(1);
        expect(job.failedReason).toContain("run agents of the app's version");
      }
      // The refusal took the sweep's other batches out of the queue, and the agent lives on.
      expect((await watcher.queue().getWaiting()).filter((j) => j.data.sweepKey === sweepId)).toEqual([]);
      expect(refusing.child.exitCode).toBeNull();
      expect(refusing.output()).toContain('refused batch');
    } finally {
      await cluster.close();
      await watcher.close();
      await stopAgents();
    }
  }, 120_000);

  it('cancel removes the queued batches, stops the running ones and keeps what finished', async () => {
    await Promise.all([agent({ workers: 1, holdMs: 600 }), agent({ workers: 1, holdMs: 600 })]);
    const cluster = await openCluster(redis.url, storage.barStore, { pollMs: 500 });
    const watcher = new ClusterConnection(parseRedisAddress(redis.url));
    try {
      let sweepId = '';
      const listeners: (() => void)[] = [];
      let cancelled = false;
      const cancel = (): void => {
        cancelled = true;
        for (const l of listeners) l();
      };
      const running = clusterSweep(cluster, {
        onStarted: (s) => (sweepId = s.id),
        cancel: {
          isCancelled: () => cancelled,
          onCancel: (listener) => {
            listeners.push(listener);
            return () => undefined;
          },
        },
      });
      await waitFor('some variants', () => sweepId !== '' && sweeps.get(sweepId)!.counts.done >= 4, 60_000);
      cancel();
      const outcome = await running;
      expect(outcome.sweep.status).toBe('cancelled');
      const stored = sweepDigest(sweeps, sweepId);
      expect(stored.count).toBeLessThan(VARIANTS);
      expect(new Set(stored.indices).size).toBe(stored.count);
      // What finished is what the local sweep found for those variants.
      const localVariants = new Map(sweeps.variants(local.id, { limit: 1000 }).variants.map((v) => [v.index, v]));
      for (const v of sweeps.variants(sweepId, { limit: 1000 }).variants) expect(v.metrics).toEqual(localVariants.get(v.index)!.metrics);
      // Nothing of it waits in the queue; agents were told; the mark stays for late starters.
      expect((await watcher.queue().getWaiting()).filter((j) => j.data.sweepKey === sweepId)).toEqual([]);
      expect(await watcher.redis().exists(clusterKeys.cancelled(sweepId))).toBe(1);
      await waitFor('the agents to go idle', async () => (await watcher.queue().getActive()).length === 0, 30_000);
    } finally {
      await cluster.close();
      await watcher.close();
      await stopAgents();
    }
  }, 120_000);

  it('an app killed during a cluster sweep: the next app with that cluster resumes it and collects what finished meanwhile', async () => {
    await Promise.all([agent({ workers: 1, holdMs: 500, lockMs: 15_000 }), agent({ workers: 1, holdMs: 500, lockMs: 15_000 })]);
    const app = spawn(process.execPath, [cliScript, 'optimize', ...CLI_SWEEP, '--cluster', redis.url, '--data-dir', dir.dir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const gone = new Promise((resolve) => app.once('exit', resolve));
    const sweepId = await waitFor('the CLI sweep to store some variants', () => {
      const s = sweeps.list({ limit: 1 }).sweeps[0];
      return s && s.id !== local.id && s.status === 'running' && s.counts.done >= 8 ? s.id : undefined;
    }, 60_000);
    app.kill('SIGKILL');
    await gone;
    const before = sweeps.get(sweepId)!;
    expect(before.status).toBe('running');
    expect(before.counts.done).toBeLessThan(VARIANTS);
    // The agents go on with the queued batches while no app collects them.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const workstation = await openWorkstation({ databaseFile: storage.file, transport: 'web', seedDemo: false, workers: 1, cluster: redis.url });
    try {
      await waitFor('the resumed sweep to finish', () => sweeps.get(sweepId)!.status !== 'running', 90_000);
      expectSameAsLocal(sweepId);
      // Nothing ran twice: the finished batches were collected, not run again.
      const total = async (): Promise<number> => (await workstation.cluster!.monitor.status()).agents.reduce((sum, a) => sum + a.variantsDone, 0);
      await waitFor('the agents to report their work', async () => (await total()) >= VARIANTS, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // one more heartbeat
      expect(await total()).toBe(VARIANTS);
    } finally {
      await workstation.close();
      await stopAgents();
    }
  }, 180_000);
});
