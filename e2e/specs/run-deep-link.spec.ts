import { describe, expect, it } from 'vitest';
import { invoke, jobResult, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

const DAY_MS = 86_400_000;

describe('a link to a strategy on the Run screen', () => {
  const { browser, server } = useBrowserAndServer();

  it("opens the strategy's latest results, and another strategy's link does not show them", async () => {
    const ran = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Ran before' });
    const fresh = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Never ran' });
    const fromTs = Date.UTC(2025, 0, 1);
    for (const days of [2, 3]) {
      const { jobId } = await invoke<{ jobId: string }>(server(), 'backtest/start', { strategyId: ran.id, symbol: 'DEMO-BTC', timeframe: '1m', fromTs, toTs: fromTs + days * DAY_MS });
      await jobResult(server(), jobId);
    }
    const latest = (await invoke<{ items: { id: string; hash: string }[] }>(server(), 'runs/list', { strategyId: ran.id, limit: 1 })).items[0]!;
    const app = await openApp(browser(), server(), `#/run/${ran.id}`);
    const { page } = app;
    try {
      await page.getByTestId('run-hash').filter({ hasText: latest.hash.slice(0, 12) }).waitFor();
      await page.getByTestId('metric-totalReturnPct').waitFor();
      expect(await page.getByTestId('run-last').textContent()).toContain('Last run: DEMO-BTC 1m · 2025-01-01 → 2025-01-03');
      expect(await page.getByTestId('run-no-results').count()).toBe(0);

      // Run it on this visit, then follow a link to a strategy with no runs: its screen is empty.
      await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
      await page.getByTestId('run-from').fill('2025-01-01');
      await page.getByTestId('run-to').fill('2025-01-01');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-status').waitFor({ timeout: 60_000 });
      await page.evaluate((id) => (window.location.hash = `#/run/${id}`), fresh.id);
      await page.getByTestId('run-strategy').filter({ hasText: 'Never ran' }).waitFor();
      await page.getByTestId('run-no-results').waitFor();
      expect(await page.getByTestId('run-results').count()).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 90_000);
});
