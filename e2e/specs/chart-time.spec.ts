import { describe, expect, it } from 'vitest';
import { invoke } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/**
 * Charts read UTC like the tables, whatever the trader's zone: in a New York browser the
 * charts used to put a 2025-01-01 00:38 UTC trade at "12/31/24 7:38pm".
 */
describe('chart times', () => {
  const { browser, server } = useBrowserAndServer();

  it('shows UTC times on the charts in a browser set to another zone', async () => {
    const context = await browser().newContext({ timezoneId: 'America/New_York', viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/New_York');
      const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Zone check' });
      await page.goto(`${server().url}#/run/${strategy.id}`);
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      const plot = page.getByTestId('equity-chart').locator('.u-over');
      await plot.waitFor({ timeout: 60_000 });
      const runs = await invoke<{ items: { id: string }[] }>(server(), 'runs/list', { limit: 1 });
      const equity = await invoke<{ ts: number[] }>(server(), 'runs/equity', { id: runs.items[0]!.id, maxPoints: 4000 });
      const first = new Date(equity.ts[0]!).toISOString().slice(0, 16).replace('T', ' ');

      // The cursor at the plot's left edge is on the first point; the legend names its time.
      const box = (await plot.boundingBox())!;
      await page.mouse.move(box.x + 1, box.y + box.height / 2);
      const legendTime = page.getByTestId('equity-chart').locator('.u-legend .u-series').first().locator('.u-value');
      await expect.poll(() => legendTime.textContent()).toBe(`${first} UTC`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
