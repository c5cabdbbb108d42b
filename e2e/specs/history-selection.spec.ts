import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, jobResult, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import type { RunningServer } from '../lib/server.js';

const DAY_MS = 86_400_000;

/** Makes a strategy named `name` and runs it over `days` days of DEMO-BTC; answers the stored run's id. */
async function namedRun(server: RunningServer, name: string, days: number): Promise<string> {
  const strategy = await invoke<{ id: string }>(server, 'strategies/create', { name });
  const fromTs = Date.UTC(2025, 0, 1);
  const { jobId } = await invoke<{ jobId: string }>(server, 'backtest/start', { strategyId: strategy.id, symbol: 'DEMO-BTC', timeframe: '1m', fromTs, toTs: fromTs + days * DAY_MS });
  return (await jobResult<{ runId: string }>(server, jobId)).runId;
}

const listed = async (server: RunningServer) => (await invoke<{ items: { id: string }[] }>(server, 'runs/list', { limit: 50 })).items.map((r) => r.id);
const row = (page: Page, id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);

describe('history: the ticked runs', () => {
  const { browser, server } = useBrowserAndServer();

  it('closes the delete confirmation with Escape, as Keep does', async () => {
    const runs = [await namedRun(server(), 'Escape one', 2), await namedRun(server(), 'Escape two', 3)];
    const app = await openApp(browser(), server(), '#/history');
    const { page } = app;
    try {
      await row(page, runs[1]!).getByTestId('run-pick').check();
      await page.getByTestId('delete-runs').click();
      await page.getByTestId('delete-confirm').filter({ hasText: 'Delete 1 run with its trades and equity?' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('delete-confirm').waitFor({ state: 'detached' });
      expect(await listed(server())).toEqual(expect.arrayContaining(runs));
      // Still ticked, as after Keep: Delete asks again.
      expect(await row(page, runs[1]!).getByTestId('run-pick').isChecked()).toBe(true);
      await page.getByTestId('delete-runs').click();
      await page.getByTestId('delete-confirm').waitFor();
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('starts a new selection after Compare or Open, and names the runs a delete would remove', async () => {
    const alpha = await namedRun(server(), 'Alpha cross', 2);
    const bravo = await namedRun(server(), 'Bravo cross', 3);
    const charlie = await namedRun(server(), 'Charlie cross', 4);
    const app = await openApp(browser(), server(), '#/history');
    const { page } = app;
    const ticked = () => page.locator('[data-testid="run-pick"]:checked').count();
    try {
      await row(page, charlie).waitFor();
      await row(page, alpha).getByTestId('run-pick').check();
      await row(page, bravo).getByTestId('run-pick').check();
      await page.getByTestId('compare-runs').click();
      await page.getByTestId('compare-view').waitFor();
      expect(await ticked()).toBe(0); // the two compared are no longer ticked

      // Open a run and come back: nothing ticked either.
      await row(page, alpha).getByTestId('run-pick').check();
      await row(page, charlie).getByTestId('run-open').click();
      await page.getByTestId('history-back').click();
      await row(page, charlie).waitFor();
      expect(await ticked()).toBe(0);

      // One more ticked now deletes that one only, and the confirmation says which.
      await row(page, charlie).getByTestId('run-pick').check();
      await page.getByTestId('delete-runs').click();
      const confirm = page.getByTestId('delete-confirm');
      await confirm.filter({ hasText: 'Delete 1 run with its trades and equity?' }).waitFor();
      const names = await confirm.getByTestId('delete-confirm-runs').textContent();
      expect(names).toContain('Charlie cross · DEMO-BTC 1m');
      expect(names).not.toContain('Alpha');
      await page.getByTestId('delete-runs-confirm').click();
      await row(page, charlie).waitFor({ state: 'detached' });
      const left = await listed(server());
      expect(left).toEqual(expect.arrayContaining([alpha, bravo]));
      expect(left).not.toContain(charlie);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('shows every column of the runs table in a 1024 px window: nothing cut off', async () => {
    const first = await namedRun(server(), 'Mean reversion on the hourly close, long only, with a trailing stop', 2);
    const again = await namedRun(server(), 'Mean reversion on the hourly close, long only, with a trailing stop', 2); // a re-run: its "re-run of" line
    const app = await openApp(browser(), server(), '#/history');
    const { page } = app;
    try {
      await page.setViewportSize({ width: 1024, height: 768 });
      await row(page, again).getByTestId('run-repeat').waitFor();
      await row(page, first).waitFor();
      const fit = await page.getByTestId('runs-table').evaluate((table) => {
        const panel = table.parentElement!;
        const right = panel.getBoundingClientRect().left + panel.clientLeft + panel.clientWidth;
        const cut = [...table.querySelectorAll('th, td')].filter((cell) => cell.getBoundingClientRect().right > right + 0.5).map((cell) => cell.textContent);
        return { overflow: panel.scrollWidth - panel.clientWidth, cut };
      });
      expect(fit).toEqual({ overflow: 0, cut: [] });
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
