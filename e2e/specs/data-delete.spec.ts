import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, jobResult, openApp } from '../lib/app.js';
import { marketDataFile, writeBarsCsv } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import { startServer, type RunningServer } from '../lib/server.js';

async function importBars(server: RunningServer, path: string, symbol: string, timeframe: string): Promise<void> {
  await jobResult(server, (await invoke<{ jobId: string }>(server, 'data/import', { path, symbol, timeframe })).jobId);
}

const rowsOf = (page: Page, symbol: string) => page.locator(`[data-testid="series-row"][data-symbol="${symbol}"]`);
const rowOf = (page: Page, symbol: string, timeframe: string) => rowsOf(page, symbol).filter({ has: page.locator('td:nth-child(3)', { hasText: new RegExp(`^${timeframe}$`) }) });

describe('deleting market data on the Data screen', () => {
  const { browser, server } = useBrowserAndServer();

  it('deletes one timeframe or the whole instrument after a confirmation, with Undo for a few seconds; a run made on it still opens', async () => {
    await importBars(server(), writeBarsCsv('e2edel_1m.csv', 3_000), 'E2EDEL', '1m');
    await importBars(server(), marketDataFile('GOOG.csv'), 'E2EDEL', '1d');
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'On E2EDEL', templateId: 'sma-cross' });
    const { runId } = await jobResult<{ runId: string }>(server(), (await invoke<{ jobId: string }>(server(), 'backtest/start', { strategyId: strategy.id, symbol: 'E2EDEL', timeframe: '1d' })).jobId);
    const run = await invoke<{ hash: string; tradeCount: number }>(server(), 'runs/get', { id: runId });

    const app = await openApp(browser(), server());
    const { page } = app;
    try {
      await expect.poll(() => rowsOf(page, 'E2EDEL').count()).toBe(2);
      // The Delete key asks first; Cancel keeps everything.
      await rowOf(page, 'E2EDEL', '1m').click();
      await page.keyboard.press('Delete');
      const confirm = page.getByTestId('series-delete-confirm');
      await confirm.waitFor();
      expect(await page.getByTestId('series-delete-all').textContent()).toContain('all 2 timeframes (1m, 1d)');
      await page.getByTestId('series-delete-cancel').click();
      await confirm.waitFor({ state: 'detached' });
      expect(await rowsOf(page, 'E2EDEL').count()).toBe(2);

      // One timeframe, then Undo: it comes back with all its bars, and the toast goes.
      await page.getByTestId('series-delete').click();
      await page.getByTestId('series-delete-timeframe').click();
      await expect.poll(() => rowsOf(page, 'E2EDEL').count()).toBe(1);
      expect(await page.getByTestId('toast').textContent()).toContain('Deleted 3,000 bars of E2EDEL 1m');
      await page.getByTestId('toast-action').click();
      await expect.poll(() => rowsOf(page, 'E2EDEL').count()).toBe(2);
      expect(await rowOf(page, 'E2EDEL', '1m').textContent()).toContain('3,000');
      expect(await page.getByTestId('toast').count()).toBe(0);

      // The whole instrument, left to the end of the window: it is gone for good.
      await rowOf(page, 'E2EDEL', '1d').click();
      await page.keyboard.press('Delete');
      await page.getByTestId('series-delete-all').click();
      await expect.poll(() => rowsOf(page, 'E2EDEL').count()).toBe(0);
      expect(await page.getByTestId('toast').textContent()).toContain('E2EDEL (1m, 1d)');
      await page.getByTestId('toast').waitFor({ state: 'detached', timeout: 20_000 });
      await page.reload();
      await page.getByTestId('series-table').waitFor();
      expect(await rowsOf(page, 'E2EDEL').count()).toBe(0);
      const listed = await invoke<{ instrument: { symbol: string } }[]>(server(), 'data/listSeries');
      expect(listed.some((s) => s.instrument.symbol === 'E2EDEL')).toBe(false);

      // The run made on it keeps its results and opens.
      await page.evaluate((id) => (window.location.hash = `#/history/${id}`), runId);
      await page.getByTestId('run-hash').filter({ hasText: run.hash.slice(0, 12) }).waitFor();
      await page.getByTestId('metrics-panel').waitFor();
      expect((await invoke<{ tradeCount: number }>(server(), 'runs/get', { id: runId })).tradeCount).toBe(run.tradeCount);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('an app killed within the undo window loses nothing: the deleted bars are back at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bws-e2e-kill-'));
    let running = await startServer({ dataDir, extraArgs: ['--no-demo'] });
    try {
      await importBars(running, writeBarsCsv('e2ekill_1m.csv', 2_000), 'E2EKILL', '1m');
      const app = await openApp(browser(), running);
      try {
        const { page } = app;
        await rowOf(page, 'E2EKILL', '1m').click();
        await page.keyboard.press('Delete');
        await page.getByTestId('series-delete-timeframe').click();
        await page.getByTestId('toast').waitFor();
        await expect.poll(() => rowsOf(page, 'E2EKILL').count()).toBe(0);
      } finally {
        await app.close();
      }
      await running.kill();
      running = await startServer({ dataDir, extraArgs: ['--no-demo'] });
      const next = await openApp(browser(), running);
      try {
        await rowOf(next.page, 'E2EKILL', '1m').waitFor();
        expect(await rowOf(next.page, 'E2EKILL', '1m').textContent()).toContain('2,000');
        expect(next.errors).toEqual([]);
      } finally {
        await next.close();
      }
    } finally {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
