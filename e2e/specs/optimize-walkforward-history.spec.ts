import { describe, expect, it } from 'vitest';
import { openApp } from '../lib/app.js';
import { importMarketDataFile } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import { fillGrid } from '../lib/optimize-form.js';

describe('walk-forward: the previous result and past ones', () => {
  const { browser, server } = useBrowserAndServer();

  it('keeps the previous walk-forward in view, marked with its settings, until the new one has a window; past ones reopen from a list after a reload', async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    const app = await openApp(browser(), server(), '#/optimize');
    const { page } = app;
    try {
      await page.getByTestId('opt-tab-walkforward').click();
      await page.getByTestId('wf-setup').waitFor();
      await page.getByTestId('opt-source').selectOption('template:sma-cross');
      await page.getByTestId('opt-series').selectOption('GOOG/1d');
      await page.getByTestId('opt-param-row').first().waitFor();
      await fillGrid(page, ['5', '15', '5'], ['20', '40', '10']);
      await page.getByTestId('wf-is-days').fill('1095');
      await page.getByTestId('wf-oos-days').fill('365');
      await page.getByTestId('wf-setup-start').click();
      await page.getByTestId('wf-report').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('wf-settings').textContent()).toMatch(/^Walk-forward sma-cross on GOOG 1d · 1095 days in-sample, 365 out-of-sample, step 365, rolling · /);
      const googWindows = await page.getByTestId('wf-window').count();

      // A second one over a year of minutes (100 variants a window: seconds): the first stays in view, marked, meanwhile.
      await page.getByTestId('opt-series').selectOption('DEMO-BTC/1m');
      await fillGrid(page, ['5', '50', '5'], ['60', '150', '10']);
      await page.getByTestId('wf-is-days').fill('180');
      await page.getByTestId('wf-oos-days').fill('30');
      await page.getByTestId('wf-setup-start').click();
      const previous = page.getByTestId('wf-report-previous');
      await previous.waitFor({ timeout: 10_000 });
      expect(await previous.getByTestId('wf-previous').textContent()).toBe('Previous walk-forward, shown until the new one finishes its first window.');
      expect(await previous.getByTestId('wf-settings').textContent()).toContain('GOOG 1d · 1095 days in-sample');
      expect(await previous.getByTestId('wf-window').count()).toBe(googWindows);
      expect(await page.getByTestId('wf-report').count()).toBe(0);

      // The new one's windows replace it as they come, then its report.
      await page.locator('[data-testid="wf-report-running"], [data-testid="wf-report"]').first().waitFor({ timeout: 60_000 });
      expect(await previous.count()).toBe(0);
      await page.getByTestId('wf-report').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('wf-settings').textContent()).toContain('DEMO-BTC 1m · 180 days in-sample, 30 out-of-sample');

      // After a reload both are listed (the server keeps each with its job) and the first reopens with its settings.
      await page.reload();
      await page.getByTestId('wf-past').waitFor();
      const options = page.getByTestId('wf-past').locator('option');
      await expect.poll(() => options.count()).toBe(3);
      const goog = await options.filter({ hasText: 'GOOG 1d' }).getAttribute('value');
      await page.getByTestId('wf-past').selectOption(goog!);
      await page.getByTestId('wf-settings').filter({ hasText: 'GOOG 1d · 1095 days in-sample' }).waitFor();
      expect(await page.getByTestId('wf-window').count()).toBe(googWindows);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
