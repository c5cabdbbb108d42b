import { describe, expect, it } from 'vitest';
import { invoke, jobResult, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import type { RunningServer } from '../lib/server.js';

const DAY_MS = 86_400_000;

/** Runs the strategy over `days` days of DEMO-BTC from `fromTs` through the API and waits for the stored run. */
async function storedRun(server: RunningServer, strategyId: string, days: number, fromTs = Date.UTC(2025, 0, 1)): Promise<string> {
  const { jobId } = await invoke<{ jobId: string }>(server, 'backtest/start', { strategyId, symbol: 'DEMO-BTC', timeframe: '1m', fromTs, toTs: fromTs + days * DAY_MS });
  return (await jobResult<{ runId: string }>(server, jobId)).runId;
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

      // The runs list marks the re-run (and only it) with the run it repeats, which it opens.
      await page.evaluate(() => (window.location.hash = '#/history'));
      const row = (id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
      await row(again).waitFor();
      const firstAt = (await invoke<{ createdAt: number }>(server(), 'runs/get', { id: first })).createdAt;
      const firstAtText = new Date(firstAt).toISOString().slice(0, 16).replace('T', ' ');
      expect(await row(again).getByTestId('run-repeat').textContent()).toBe(`re-run of ${firstAtText}, same results`);
      expect(await row(first).getByTestId('run-repeat').count()).toBe(0);
      expect(await row(other).getByTestId('run-repeat').count()).toBe(0);
      await row(again).getByTestId('run-repeat-open').click();
      await page.getByTestId('run-hash').waitFor();
      expect(await page.evaluate(() => decodeURIComponent(window.location.hash))).toBe(`#/history/${first}`);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("names a sweep's variant runs by their parameters: runs list, compare columns, Monte Carlo picker", async () => {
    const fromTs = Date.UTC(2025, 1, 1);
    const { sweepId, jobId } = await invoke<{ sweepId: string; jobId: string }>(server(), 'sweeps/start', {
      name: 'Variant names',
      source: { kind: 'template', templateId: 'sma-cross' },
      space: [
        { name: 'fast', values: [5, 10] },
        { name: 'slow', values: [50] },
      ],
      objective: { metric: 'totalReturnPct', minTrades: 0 },
      symbol: 'DEMO-BTC',
      timeframe: '1m',
      fromTs,
      toTs: fromTs + 3 * DAY_MS,
    });
    await jobResult(server(), jobId);
    const variants = (await invoke<{ items: { index: number }[] }>(server(), 'sweeps/variants', { sweepId, sort: { by: 'index' }, order: 'asc' })).items;
    expect(variants).toHaveLength(2);
    for (const { index } of variants) {
      const opened = await invoke<{ runId: string | null; jobId: string | null }>(server(), 'sweeps/openVariant', { sweepId, index });
      if (opened.jobId) await jobResult(server(), opened.jobId);
    }
    const app = await openApp(browser(), server(), '#/history');
    const { page } = app;
    try {
      // Same strategy, data and range: only the parameters tell the two rows apart.
      const fast5 = page.getByTestId('run-row').filter({ has: page.getByTestId('run-variant').getByText('fast 5 · slow 50', { exact: true }) });
      const fast10 = page.getByTestId('run-row').filter({ has: page.getByTestId('run-variant').getByText('fast 10 · slow 50', { exact: true }) });
      await fast5.waitFor();
      await fast10.waitFor();
      expect(await page.getByTestId('run-variant').count()).toBe(2); // plain runs name no parameters
      expect(await fast5.getByTestId('run-variant').getAttribute('title')).toMatch(/^Variant #\d+ of Variant names$/);

      await fast5.getByTestId('run-pick').check();
      await fast10.getByTestId('run-pick').check();
      await page.getByTestId('compare-runs').click();
      const headers = page.getByTestId('compare-view').locator('thead th');
      await headers.nth(2).waitFor();
      const headerTexts = (await headers.allTextContents()).slice(1);
      expect(headerTexts.some((h) => h.startsWith('SMA cross (fast 5 · slow 50) · DEMO-BTC 1m'))).toBe(true);
      expect(headerTexts.some((h) => h.startsWith('SMA cross (fast 10 · slow 50) · DEMO-BTC 1m'))).toBe(true);

      await page.goto(`${server().url}#/optimize`);
      await page.getByTestId('opt-tab-montecarlo').click();
      const options = page.getByTestId('mc-run').locator('option');
      await options.filter({ hasText: '(fast 5 · slow 50)' }).waitFor({ state: 'attached' });
      expect(await options.filter({ hasText: '(fast 10 · slow 50)' }).count()).toBe(1);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 90_000);

  it('aligns compared runs by date where their ranges overlap and from each start where not, and keeps the choice', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Aligned' });
    await storedRun(server(), strategy.id, 5, Date.UTC(2025, 2, 10)); // 2025-03-10 → 03-14
    await storedRun(server(), strategy.id, 5, Date.UTC(2025, 2, 12)); // overlaps it
    await storedRun(server(), strategy.id, 5, Date.UTC(2025, 7, 1)); // 2025-08-01 → 08-05: shares no time with either
    const app = await openApp(browser(), server(), '#/history');
    const { page } = app;
    const row = (range: string) => page.getByTestId('run-row').filter({ hasText: range });
    const pick = async (ranges: string[]) => {
      for (const box of await page.getByTestId('run-pick').all()) await box.uncheck();
      for (const range of ranges) await row(range).getByTestId('run-pick').check();
      await page.getByTestId('compare-runs').click();
      await page.getByTestId('compare-chart').locator('.u-over').waitFor();
    };
    // The legend's x value where the cursor is: a UTC time by date, days from start.
    const xAt = async (fraction: number) => {
      const plot = page.getByTestId('compare-chart').locator('.u-over');
      await plot.scrollIntoViewIfNeeded(); // below the metrics table
      const box = (await plot.boundingBox())!;
      await page.mouse.move(box.x + 1 + fraction * (box.width - 2), box.y + box.height / 2);
      return page.getByTestId('compare-chart').locator('.u-legend .u-series').first().locator('.u-value').textContent();
    };
    const checked = async () => ((await page.getByTestId('compare-align-date').isChecked()) ? 'date' : (await page.getByTestId('compare-align-start').isChecked()) ? 'start' : 'none');
    try {
      await row('2025-08-01 → 2025-08-05').waitFor();
      await pick(['2025-03-10 → 2025-03-14', '2025-03-12 → 2025-03-16']);
      // Polled: the compare view already open shows the new runs a render after the click.
      await expect.poll(checked).toBe('date');
      await expect.poll(() => xAt(0)).toBe('2025-03-10 00:00 UTC');

      // March beside August: on one calendar nothing overlaps, so each starts at day 0.
      await pick(['2025-03-10 → 2025-03-14', '2025-08-01 → 2025-08-05']);
      await expect.poll(checked).toBe('start');
      await expect.poll(() => xAt(0)).toBe('0.00 d');
      expect(Number((await xAt(1))!.replace(' d', ''))).toBeGreaterThan(4.9); // both five days long: the axis spans five days, not five months
      expect(Number((await xAt(1))!.replace(' d', ''))).toBeLessThan(5.1);

      await page.getByTestId('compare-align-date').check();
      await expect.poll(() => xAt(0)).toBe('2025-03-10 00:00 UTC');
      await expect.poll(async () => (await xAt(1))!.slice(0, 10)).toBe('2025-08-05'); // the August run's last bar: the calendar spans both
      // The choice holds for the session: closing, reopening and a reload keep it.
      await page.getByTestId('compare-view').getByRole('button', { name: 'Close' }).click();
      await pick(['2025-03-10 → 2025-03-14', '2025-08-01 → 2025-08-05']); // Compare cleared the ticks
      expect(await checked()).toBe('date');
      await page.getByTestId('compare-align-start').check();
      await page.reload();
      await pick(['2025-03-10 → 2025-03-14', '2025-03-12 → 2025-03-16']);
      expect(await checked()).toBe('start');
      await expect.poll(() => xAt(0)).toBe('0.00 d');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 90_000);
});
