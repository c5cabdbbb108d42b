import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { importMarketDataFile } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';

describe('the signal preview', () => {
  const { browser, server } = useBrowserAndServer();

  it('previews a few hundred bars of daily data, where SMA 10/30 crosses (30 days held 22 bars and no signal)', async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    const sma = await invoke<{ id: string }>(server(), 'strategies/create', { templateId: 'sma-cross' });
    const app = await openApp(browser(), server(), `#/builder/${sma.id}`);
    const { page } = app;
    try {
      await page.getByLabel('Preview instrument').selectOption('GOOG/1d');
      const count = page.getByTestId('preview-count');
      await count.filter({ hasText: /over [\d,]+ bars/ }).waitFor({ timeout: 30_000 });
      await expect.poll(async () => Number(/over ([\d,]+) bars/.exec((await count.textContent())!)![1]!.replace(/,/g, '')), { timeout: 10_000 }).toBeGreaterThan(300);
      const entries = Number(/^(\d+) entries/.exec((await count.textContent())!)![1]);
      expect(entries).toBeGreaterThan(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
