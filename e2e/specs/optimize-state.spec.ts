import { describe, expect, it } from 'vitest';
import { goTo, invoke, jobResult, openApp } from '../lib/app.js';
import { importMarketDataFile } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/** Optimize keeps its form, its open sweep and its walk-forward across tabs, screens and a reload, and says what a trader should know about a result. */
describe('optimize: state kept, edge hint, walk-forward notes', () => {
  const { browser, server } = useBrowserAndServer();

  it('keeps the form and the open sweep across a tab switch, another screen and a reload', async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    const app = await openApp(browser(), server());
    const { page } = app;
    try {
      await page.getByTestId('nav-optimize').click();
      await page.getByTestId('sweep-setup').waitFor();
      await page.getByTestId('opt-series').selectOption('GOOG/1d');
      await page.getByTestId('opt-min-fast').fill('5');
      await page.getByTestId('opt-max-fast').fill('15');
      await page.getByTestId('opt-step-fast').fill('5');
      await page.getByTestId('opt-min-slow').fill('20');
      await page.getByTestId('opt-max-slow').fill('40');
      await page.getByTestId('opt-from').fill('2011-01-03');
      await page.getByTestId('opt-min-trades').fill('2');
      await page.getByTestId('opt-metric').selectOption('totalReturnPct');
      const form = async () => ({
        fast: [await page.getByTestId('opt-min-fast').inputValue(), await page.getByTestId('opt-max-fast').inputValue(), await page.getByTestId('opt-step-fast').inputValue()],
        slow: await page.getByTestId('opt-max-slow').inputValue(),
        from: await page.getByTestId('opt-from').inputValue(),
        minTrades: await page.getByTestId('opt-min-trades').inputValue(),
        metric: await page.getByTestId('opt-metric').inputValue(),
      });
      const typed = await form();
      expect(typed).toEqual({ fast: ['5', '15', '5'], slow: '40', from: '2011-01-03', minTrades: '2', metric: 'totalReturnPct' });

      // Another tab of Optimize and back.
      await page.getByTestId('opt-tab-walkforward').click();
      await page.getByTestId('wf-setup').waitFor();
      await page.getByTestId('opt-tab-sweep').click();
      await page.getByTestId('sweep-setup').waitFor();
      expect(await form()).toEqual(typed);

      // A sweep started from it stays open over a trip to another screen.
      await page.getByTestId('sweep-setup-start').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 30_000 });
      const sweepName = await page.getByTestId('sweep-name').textContent();
      await goTo(page, 'data');
      await page.getByTestId('nav-optimize').click();
      await page.getByTestId('sweep-view').waitFor();
      expect(await page.getByTestId('sweep-name').textContent()).toBe(sweepName);
      expect(await form()).toEqual(typed);

      // And over a reload, on the tab left open.
      await page.getByTestId('opt-tab-walkforward').click();
      await page.reload();
      await page.getByTestId('wf-setup').waitFor();
      await page.getByTestId('opt-tab-sweep').click();
      await page.getByTestId('sweep-view').waitFor();
      expect(await page.getByTestId('sweep-name').textContent()).toBe(sweepName);
      expect(await form()).toEqual(typed);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 90_000);

  it('points out a best variant on the edge of its grid', async () => {
    // Return falls as commission rises: the best of 0.1, 0.2, 0.3 % is the lowest tried.
    const catalog = await invoke<{ templates: { id: string; spec: Record<string, unknown> }[] }>(server(), 'strategies/catalog');
    const spec = catalog.templates.find((t) => t.id === 'sma-cross')!.spec;
    const { sweepId, jobId } = await invoke<{ sweepId: string; jobId: string }>(server(), 'sweeps/start', {
      name: 'Edge of the grid',
      source: { kind: 'spec', spec },
      space: [{ name: 'costs.commissionPct', values: [0.1, 0.2, 0.3] }],
      objective: { metric: 'totalReturnPct', minTrades: 1 },
      symbol: 'GOOG',
      timeframe: '1d',
    });
    await jobResult(server(), jobId);
    const app = await openApp(browser(), server(), `#/optimize/${sweepId}`);
    const { page } = app;
    try {
      await page.getByTestId('sweep-best').waitFor();
      const hint = page.getByTestId('sweep-edge-hint');
      await hint.waitFor();
      expect(await hint.textContent()).toMatch(/^The best variant sits on the edge of the grid: .+ = 0\.1 is the lowest value tried\. A better one may lie outside it: widen its range past it and sweep again\.$/);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('walk-forward says why windows fell back and keeps its report across tabs', async () => {
    const app = await openApp(browser(), server(), '#/optimize');
    const { page } = app;
    try {
      await page.getByTestId('opt-tab-walkforward').click();
      await page.getByTestId('wf-setup').waitFor();
      await page.getByTestId('opt-series').selectOption('GOOG/1d');
      await page.getByTestId('opt-min-fast').fill('5');
      await page.getByTestId('opt-max-fast').fill('15');
      await page.getByTestId('opt-step-fast').fill('5');
      await page.getByTestId('opt-min-slow').fill('20');
      await page.getByTestId('opt-max-slow').fill('40');
      // More trades than a year of daily SMA crosses makes: every window falls back.
      await page.getByTestId('opt-min-trades').fill('500');
      await page.getByTestId('wf-is-days').fill('1095');
      await page.getByTestId('wf-oos-days').fill('365');
      await page.getByTestId('wf-setup-start').click();
      await page.getByTestId('wf-report').waitFor({ timeout: 60_000 });
      const windows = await page.getByTestId('wf-window').count();
      expect(windows).toBeGreaterThanOrEqual(3);
      expect(await page.getByTestId('wf-note').textContent()).toContain(`${windows} of ${windows} windows fell back: no variant made the minimum of 500 trades in sample`);
      for (const note of await page.getByTestId('wf-window-note').allTextContents()) expect(note).toMatch(/^No variant made 500 in-sample trades \(the most was \d+\): the best of all variants was used\./);
      expect(await page.getByTestId('wf-window').first().locator('td').nth(3).textContent()).toMatch(/\(fell back\)$/);

      // The report is still there after a trip to the Sweep tab and to another screen.
      await page.getByTestId('opt-tab-sweep').click();
      await page.getByTestId('sweep-setup').waitFor();
      await page.getByTestId('opt-tab-walkforward').click();
      await page.getByTestId('wf-report').waitFor();
      await goTo(page, 'history');
      await page.getByTestId('nav-optimize').click();
      await page.getByTestId('wf-report').waitFor();
      expect(await page.getByTestId('wf-window').count()).toBe(windows);
      expect(await page.getByTestId('wf-oos-days').inputValue()).toBe('365');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 90_000);
});
