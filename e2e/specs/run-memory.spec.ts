import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

describe('run form memory', () => {
  const { browser, server } = useBrowserAndServer();

  it('keeps the timeframe and range last chosen for a strategy after a reload; another strategy starts from the stored timeframe', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Timeframe memory' });
    const other = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Other strategy' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    const value = (testId: string) => page.getByTestId(testId).inputValue();
    try {
      await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
      await page.getByTestId('run-timeframe').selectOption('4h');
      await page.getByTestId('run-from').fill('2025-02-01');
      await page.getByTestId('run-to').fill('2025-02-28');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-data').filter({ hasText: 'DEMO-BTC 4h' }).waitFor({ timeout: 60_000 });

      await page.reload();
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      expect(await value('run-series')).toBe('DEMO-BTC/1m');
      expect(await value('run-timeframe')).toBe('4h');
      expect(await value('run-from')).toBe('2025-02-01');
      expect(await value('run-to')).toBe('2025-02-28');

      // Another strategy on the same series: nothing chosen for it, the stored timeframe and the whole series.
      await page.goto(`${server().url}#/run/${other.id}`);
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      expect(await value('run-timeframe')).toBe('1m');
      expect(await value('run-from')).not.toBe('2025-02-01');

      // Back to the first: its choice again. A series whose bars do not give 4h falls back to its stored timeframe.
      await page.goto(`${server().url}#/run/${strategy.id}`);
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      await expect.poll(() => value('run-timeframe')).toBe('4h');
      expect(await value('run-from')).toBe('2025-02-01');
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      expect(await value('run-timeframe')).toBe('1h');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
