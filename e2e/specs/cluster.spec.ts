// The "done when", through the UI: a private redis-server, `bws serve --cluster`
// and two `bws agent` processes; a 1,000-variant sweep started from the Optimize screen,
// one agent killed with SIGKILL while it holds a batch; the sweep finishes with every
// variant once, and the same results, best variant and run hash as the same sweep run on
// this machine's workers. The Performance screen shows the queue and the agents.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterConnection } from '../../core/infrastructure/cluster/cluster-connection.js';
import { parseRedisAddress } from '../../core/infrastructure/cluster/redis-address.js';
import { startTestRedis, type TestRedis } from '../../core/infrastructure/test-kit/redis-server.js';
import { startAgent, waitFor, type AgentProcess } from '../../host/cluster/test-kit/cluster-kit.js';
import { invoke, openApp, type AppSession } from '../lib/app.js';
import { launchBrowser } from '../lib/browser.js';
import { startServer, type RunningServer } from '../lib/server.js';

interface VariantRow {
  readonly index: number;
  readonly params: Record<string, number>;
  readonly metrics: Record<string, number | null> | null;
  readonly error: string | null;
}
interface SweepDetail {
  readonly id: string;
  readonly status: string;
  readonly runsOn: string | null;
  readonly counts: { readonly done: number; readonly planned: number; readonly failed: number };
  readonly best: VariantRow | null;
}

// DEMO-BTC, 1m bars of January and February 2025; sma-cross fast 2..41 x slow 50..290 step 10.
const FROM = '2025-01-01';
const TO = '2025-02-28';
const VARIANTS = 1_000;

let redis: TestRedis;
let server: RunningServer;
let browser: Browser;
let app: AppSession;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  [server, browser] = await Promise.all([startServer({ extraArgs: ['--cluster', redis.url], timeoutMs: 60_000 }), launchBrowser()]);
  // One agent holds each batch 1.5 s before running it, so that it is killed holding one.
  agents.push(
    ...(await Promise.all([
      startAgent(redis.url, { workers: 1, holdMs: 1_500, lockMs: 2_000, stalledMs: 1_000 }),
      startAgent(redis.url, { workers: 1, lockMs: 2_000, stalledMs: 1_000 }),
    ])),
  );
}, 90_000);

afterAll(async () => {
  await app?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all([browser?.close(), server?.stop()]);
  await redis?.stop();
});

const variantsOf = async (sweepId: string): Promise<VariantRow[]> =>
  (await invoke<{ items: VariantRow[] }>(server, 'sweeps/variants', { sweepId, sort: { by: 'index' }, order: 'asc', limit: 1_000 })).items;

/** Opens a variant as a full run (the normal backtest path) and returns its run hash. */
async function openedHash(sweepId: string, index: number): Promise<string> {
  const opened = await invoke<{ runId: string | null; jobId: string | null }>(server, 'sweeps/openVariant', { sweepId, index });
  const runId =
    opened.runId ??
    (await waitFor('the variant run', async () => {
      const job = (await invoke<{ id: string; status: string; result?: { runId: string } }[]>(server, 'jobs/list')).find((j) => j.id === opened.jobId);
      return job?.status === 'done' ? job.result!.runId : undefined;
    }, 60_000));
  return (await invoke<{ hash: string }>(server, 'runs/get', { id: runId })).hash;
}

describe('a 1,000-variant sweep on a cluster, from the Optimize screen', () => {
  it('runs on two agents, survives one killed mid-batch, and matches the local sweep variant for variant', async () => {
    app = await openApp(browser, server);
    const { page } = app;
    await page.getByTestId('nav-optimize').click();
    await page.getByTestId('sweep-setup').waitFor();
    await page.getByTestId('opt-source').selectOption('template:sma-cross');
    await page.getByTestId('opt-series').selectOption('DEMO-BTC/1m');
    await page.getByTestId('opt-from').fill(FROM);
    await page.getByTestId('opt-to').fill(TO);
    for (const [name, min, max, step] of [['fast', '2', '41', '1'], ['slow', '50', '290', '10']] as const) {
      await page.getByTestId(`opt-min-${name}`).fill(min);
      await page.getByTestId(`opt-max-${name}`).fill(max);
      await page.getByTestId(`opt-step-${name}`).fill(step);
    }
    await page.getByTestId('opt-min-trades').fill('1');
    expect(await page.getByTestId('opt-planned').textContent()).toContain('1,000 grid points');
    // The app has a cluster: the form offers it, as the default, with its agents.
    const target = page.getByTestId('opt-target');
    expect(await target.inputValue()).toBe('cluster');
    expect(await target.locator('option[value="cluster"]').textContent()).toContain(`redis://127.0.0.1:${redis.port} (2 agents)`);
    await page.getByTestId('sweep-setup-start').click();

    await page.getByTestId('sweep-view').waitFor();
    expect(await page.getByTestId('sweep-runs-on').textContent()).toBe(`Runs on the cluster at redis://127.0.0.1:${redis.port}`);
    const sweepId = (await invoke<{ items: { id: string }[] }>(server, 'sweeps/list', { limit: 1 })).items[0]!.id;
    // Where it runs, which agents work on it and how fast, and the ETA.
    await page.waitForFunction(() => document.querySelector('[data-testid="cluster-panel"]')?.getAttribute('data-agents') === '2', undefined, { timeout: 15_000 });
    expect(await page.getByTestId('cluster-agent').count()).toBe(2);
    await page.waitForFunction(() => /ETA \d+ s/.test(document.querySelector('[data-testid="sweep-eta"]')?.textContent ?? ''), undefined, { timeout: 60_000 });

    // Kill -9 the agent that holds a batch right now.
    const [victim, survivor] = agents as [AgentProcess, AgentProcess];
    const watcher = new ClusterConnection(parseRedisAddress(redis.url));
    try {
      const held = await waitFor('a batch held by the victim', async () => (await watcher.queue().getActive()).find((j) => j.processedBy === victim.id), 60_000);
      victim.signal('SIGKILL');
      // The survivor's stall check puts it back in the queue, and runs it.
      await waitFor('the held batch to be taken over', () => survivor.output().includes(`batch ${held.id} stalled`), 60_000);
    } finally {
      await watcher.close();
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 240_000 });
    expect(await page.getByTestId('sweep-progress').locator('..').textContent()).toContain('1,000 / 1,000 variants');

    // The same sweep on this machine's workers.
    const cluster = await invoke<SweepDetail>(server, 'sweeps/get', { sweepId });
    expect(cluster).toMatchObject({ status: 'completed', runsOn: `redis://127.0.0.1:${redis.port}`, counts: { done: VARIANTS, planned: VARIANTS, failed: 0 } });
    const localStart = await invoke<{ sweepId: string }>(server, 'sweeps/start', {
      source: { kind: 'template', templateId: 'sma-cross' },
      space: [
        { name: 'fast', min: 2, max: 41, step: 1 },
        { name: 'slow', min: 50, max: 290, step: 10 },
      ],
      constraints: ['fast < slow'],
      objective: { metric: 'sharpe', minTrades: 1 },
      symbol: 'DEMO-BTC',
      timeframe: '1m',
      fromTs: Date.parse(`${FROM}T00:00:00Z`),
      toTs: Date.parse(`${TO}T00:00:00Z`) + 86_400_000,
      target: 'local',
    });
    const local = await waitFor('the local sweep', async () => {
      const detail = await invoke<SweepDetail>(server, 'sweeps/get', { sweepId: localStart.sweepId });
      return detail.status === 'running' ? undefined : detail;
    }, 240_000);
    expect(local.runsOn).toBeNull();
    expect(local.status).toBe('completed');

    // Every variant once, each with the local sweep's parameters and metrics.
    const [clusterVariants, localVariants] = await Promise.all([variantsOf(sweepId), variantsOf(local.id)]);
    expect(clusterVariants.map((v) => v.index)).toEqual(Array.from({ length: VARIANTS }, (_, i) => i));
    expect(clusterVariants.map(({ index, params, metrics, error }) => ({ index, params, metrics, error }))).toEqual(
      localVariants.map(({ index, params, metrics, error }) => ({ index, params, metrics, error })),
    );
    expect(cluster.best!.index).toBe(local.best!.index);
    // The best variant opened as a full run: the same run hash either way.
    expect(await openedHash(sweepId, cluster.best!.index)).toBe(await openedHash(local.id, local.best!.index));

    // The Performance screen shows the queue (nothing left of this sweep) and the agent still connected.
    await page.getByTestId('nav-performance').click();
    await page.getByTestId('performance').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="cluster-panel"]')?.getAttribute('data-configured') === 'true', undefined, { timeout: 15_000 });
    expect(await page.getByTestId('cluster-queue').getAttribute('data-waiting')).toBe('0');
    await page.waitForFunction((id) => document.querySelectorAll('[data-testid="cluster-agent"]').length === 1 && document.querySelector('[data-testid="cluster-agent"]')?.getAttribute('data-id') === id, survivor.id, { timeout: 15_000 });
    expect(app.errors).toEqual([]);
  }, 600_000);
});
