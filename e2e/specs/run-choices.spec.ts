import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { importMarketDataFile } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';

const HOUR_MS = 3_600_000;

describe('run choices', () => {
  const { browser, server } = useBrowserAndServer();

  it('runs on any timeframe the stored bars give: minute bars resample to 5m … 1d as the CLI does; a daily series offers only 1d', async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Timeframes' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    const options = () => page.getByTestId('run-timeframe').locator('option').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    try {
      await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
      expect(await options()).toEqual(['1m', '5m', '15m', '30m', '1h', '4h', '1d']);
      expect(await page.getByTestId('run-timeframe').inputValue()).toBe('1m');
      await page.getByTestId('run-from').fill('2025-02-01');
      await page.getByTestId('run-to').fill('2025-02-28');
      await page.getByTestId('run-timeframe').selectOption('4h');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-data').filter({ hasText: 'DEMO-BTC 4h' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('run-hash').filter({ hasText: /^[0-9a-f]{12}$/ }).waitFor({ timeout: 30_000 });
      const runs = await invoke<{ items: { id: string; timeframe: string; barCount: number; fromTs: number; toTs: number }[] }>(server(), 'runs/list', { strategyId: strategy.id });
      expect(runs.items).toHaveLength(1);
      const run = runs.items[0]!;
      expect(run.timeframe).toBe('4h');
      // 28 days of 4-hour buckets from the demo's minutes.
      expect(run.barCount).toBe((run.toTs - run.fromTs) / (4 * HOUR_MS));

      await page.getByTestId('run-series').selectOption('GOOG/1d');
      expect(await options()).toEqual(['1d']);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
