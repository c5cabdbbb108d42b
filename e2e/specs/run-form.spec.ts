import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

describe('run form', () => {
  const { browser, server } = useBrowserAndServer();

  it('says when From is after To, next to the dates, and will not run it', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Range check' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      await page.getByTestId('run-from').fill('2025-03-01');
      await page.getByTestId('run-to').fill('2025-02-01');
      await page.getByTestId('run-range-error').filter({ hasText: 'From (2025-03-01) is after To (2025-02-01)' }).waitFor();
      expect(await page.getByTestId('run-start').isDisabled()).toBe(true);
      await page.getByTestId('run-to').fill('2025-03-01'); // one day: From on the To day is fine
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      expect(await page.getByTestId('run-range-error').count()).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('remembers the series last chosen, on the other screens and after a reload', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Series memory' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.getByTestId('run-series').selectOption('DEMO-ETH/1m');
      await page.goto(`${server().url}#/builder/${strategy.id}`);
      await page.getByTestId('builder-title').waitFor();
      await expect.poll(() => page.getByLabel('Preview instrument').inputValue()).toBe('DEMO-ETH/1m');
      await page.goto(`${server().url}#/run/${strategy.id}`);
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      expect(await page.getByTestId('run-series').inputValue()).toBe('DEMO-ETH/1m');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('right-aligns the trades table numbers under right-aligned headers', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Columns' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      const row = page.getByTestId('trade-row').first();
      await row.waitFor({ timeout: 60_000 });
      const align = (locator: ReturnType<typeof page.locator>) => locator.evaluate((el) => getComputedStyle(el).textAlign);
      for (const key of ['pnl', 'returnPct', 'quantity']) expect(await align(page.getByTestId(`sort-${key}`))).toBe('right');
      const cells = row.locator('span');
      expect(await align(cells.nth(3))).toBe('right'); // entry price
      expect(await align(cells.nth(7))).toBe('right'); // PnL
      expect(await align(cells.nth(2))).not.toBe('right'); // entry time
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
