import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import type { RunningServer } from '../lib/server.js';

const DAY_MS = 86_400_000;

/** Runs the strategy over `days` days of DEMO-BTC through the API and waits for the stored run. */
async function storedRun(server: RunningServer, strategyId: string, days: number): Promise<string> {
  const fromTs = Date.UTC(2025, 0, 1);
  const { jobId } = await invoke<{ jobId: string }>(server, 'backtest/start', { strategyId, symbol: 'DEMO-BTC', timeframe: '1m', fromTs, toTs: fromTs + days * DAY_MS });
  for (;;) {
    const job = (await invoke<{ id: string; status: string; result?: { runId?: string } }[]>(server, 'jobs/list')).find((j) => j.id === jobId);
    if (job?.status === 'done' && job.result?.runId) return job.result.runId;
    if (job && job.status !== 'queued' && job.status !== 'running') throw new Error(`run ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('history', () => {
  const { browser, server } = useBrowserAndServer();

  it('deletes the ticked runs after asking, and only those', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Deletable' });
    const runs = [await storedRun(server(), strategy.id, 10), await storedRun(server(), strategy.id, 20), await storedRun(server(), strategy.id, 30)];
    const app = await openApp(browser(), server(), '#/history');
    const { page } = app;
    const listed = async () => (await invoke<{ items: { id: string }[] }>(server(), 'runs/list', { limit: 50 })).items.map((r) => r.id);
    try {
      await page.getByTestId('run-row').nth(2).waitFor();
      // Newest first: tick the two newest.
      await page.getByTestId('run-pick').nth(0).check();
      await page.getByTestId('run-pick').nth(1).check();
      await page.getByTestId('delete-runs').click();
      await page.getByTestId('delete-confirm').filter({ hasText: 'Delete 2 runs with their trades and equity?' }).waitFor();
      await page.getByTestId('delete-runs-keep').click();
      expect(await listed()).toHaveLength(3);

      await page.getByTestId('delete-runs').click();
      await page.getByTestId('delete-runs-confirm').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 1);
      expect(await listed()).toEqual([runs[0]]);
      await expect(invoke(server(), 'runs/get', { id: runs[2] })).rejects.toThrow(/No run/);
      expect(await page.getByTestId('delete-runs').isDisabled()).toBe(true); // nothing ticked any more
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('says when a run repeats others: same hash, identical results', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Rerun' });
    const first = await storedRun(server(), strategy.id, 5);
    const again = await storedRun(server(), strategy.id, 5);
    const other = await storedRun(server(), strategy.id, 6);
    const app = await openApp(browser(), server(), `#/history/${again}`);
    const { page } = app;
    try {
      await page.getByTestId('same-runs').filter({ hasText: 'same as 1 other run' }).waitFor();
      const otherHash = (await invoke<{ hash: string }>(server(), 'runs/get', { id: other })).hash;
      await page.evaluate((id) => (window.location.hash = `#/history/${id}`), other);
      await page.getByTestId('run-hash').filter({ hasText: otherHash.slice(0, 12) }).waitFor();
      await expect.poll(() => page.getByTestId('same-runs').count()).toBe(0);
      await page.evaluate((id) => (window.location.hash = `#/history/${id}`), first);
      await page.getByTestId('same-runs').filter({ hasText: 'same as 1 other run' }).waitFor();
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
