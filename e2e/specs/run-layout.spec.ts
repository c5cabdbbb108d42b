import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

describe('the Run form', () => {
  const { browser, server } = useBrowserAndServer();

  it('keeps Run and Cancel together in a 1280 px window, however long the strategy name', async () => {
    // Names of several lengths: one of them leaves room on the first row for Run but not Cancel.
    const names = ['SMA', 'SMA cross', 'SMA cross fast', 'SMA cross on the hour', 'SMA cross on the hour, long', 'Mean reversion on the hourly close'];
    const ids: string[] = [];
    for (const name of names) ids.push((await invoke<{ id: string }>(server(), 'strategies/create', { name })).id);
    const app = await openApp(browser(), server(), '#/run');
    const { page } = app;
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      const rows: Record<string, boolean> = {};
      for (const [k, id] of ids.entries()) {
        await page.evaluate((hash) => (window.location.hash = hash), `#/run/${id}`);
        await page.getByTestId('run-strategy').filter({ hasText: names[k]! }).waitFor();
        await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
        const top = async (testId: string) => (await page.getByTestId(testId).boundingBox())!.y;
        rows[names[k]!] = (await top('run-cancel')) === (await top('run-start'));
      }
      expect(rows).toEqual(Object.fromEntries(names.map((name) => [name, true])));
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("labels the series list of a universe as a series whose timeframe counts, not as a timeframe", async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Basket labels' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      const label = page.locator('label[for="run-series"]');
      expect(await label.textContent()).toBe('Instrument and timeframe');
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('run-scope').selectOption('tag:demo-basket');
      await expect.poll(() => label.textContent()).toBe('Series (its timeframe picks the bars)');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
