import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import { fillGrid } from '../lib/optimize-form.js';

interface Job {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
}

describe('optimize: size and time of a search before it starts', () => {
  const { browser, server } = useBrowserAndServer();

  it('says the variants and the time before Start, asks before a big search, and refuses one above the cap', async () => {
    const app = await openApp(browser(), server());
    const { page } = app;
    const sweepJobs = async () => (await invoke<Job[]>(server(), 'jobs/list')).filter((j) => j.kind === 'sweep');
    try {
      await page.getByTestId('nav-optimize').click();
      await page.getByTestId('sweep-setup').waitFor();
      await page.getByTestId('opt-source').selectOption('template:sma-cross');
      await page.getByTestId('opt-series').selectOption('DEMO-BTC/1m');
      await page.getByTestId('opt-param-row').first().waitFor();

      // 400 x 400 points over a year of minutes: 160,000 x 525,600 bars at the measured 15 ns, no past sweep yet.
      await fillGrid(page, ['1', '400', '1'], ['2', '401', '1']);
      await page.getByTestId('opt-estimate').filter({ hasText: '160,000 variants · about 21 min on this machine' }).waitFor();
      await page.getByTestId('sweep-setup-start').click();
      await page.getByTestId('opt-confirm').filter({ hasText: 'This search runs up to 160,000 variants, about 21 min on this machine: start it?' }).waitFor();
      expect(await sweepJobs()).toEqual([]);
      // Changing the search takes the question back; asked again for the new one.
      await page.getByTestId('opt-confirm-back').click();
      expect(await page.getByTestId('opt-confirm').count()).toBe(0);

      // Above the server's cap: said, Start off; the server refuses it too, with what to change.
      await fillGrid(page, ['1', '1000', '1'], ['2', '1000', '1']);
      await page.getByTestId('opt-estimate').filter({ hasText: '999,000 variants: one search runs at most 200,000' }).waitFor();
      expect(await page.getByTestId('sweep-setup-start').isDisabled()).toBe(true);
      const huge = { source: { kind: 'template', templateId: 'sma-cross' }, space: [{ name: 'fast', min: 1, max: 1000, step: 1 }, { name: 'slow', min: 2, max: 1000, step: 1 }], objective: { metric: 'sharpe' }, symbol: 'DEMO-BTC', timeframe: '1m' };
      await expect(invoke(server(), 'sweeps/start', huge)).rejects.toThrow('The search plans up to 999,000 variants; at most 200,000 (narrow the ranges or use random or genetic search)');

      // Over 100,000 variants on one day of hourly bars (seconds of work): asked, then started once confirmed.
      await page.getByTestId('opt-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('opt-from').fill('2024-03-01');
      await page.getByTestId('opt-to').fill('2024-03-01');
      await fillGrid(page, ['1', '400', '1'], ['2', '401', '1']);
      await page.getByTestId('opt-estimate').filter({ hasText: /^160,000 variants · (under a second|about \d+ s) on this machine$/ }).waitFor();
      await page.getByTestId('sweep-setup-start').click();
      await page.getByTestId('opt-confirm').waitFor();
      expect(await sweepJobs()).toEqual([]);
      await page.getByTestId('opt-confirm-start').click();
      await expect.poll(async () => (await sweepJobs()).length).toBe(1);
      const [job] = await sweepJobs();
      await invoke(server(), 'jobs/cancel', { id: job!.id });
      expect(await page.getByTestId('opt-confirm').count()).toBe(0);

      // A small search starts at once.
      await fillGrid(page, ['5', '15', '5'], ['20', '40', '10']);
      await page.getByTestId('opt-estimate').filter({ hasText: /^9 variants · / }).waitFor();
      await page.locator('[data-testid="sweep-setup-start"]:not([disabled])').click();
      await expect.poll(async () => (await sweepJobs()).length).toBe(2);
      expect(await page.getByTestId('opt-confirm').count()).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
