import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { importMarketDataFile } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/** The Optimize form's fields that say what a sweep runs. */
async function form(page: Page) {
  const value = (testId: string): Promise<string> => page.getByTestId(testId).inputValue();
  return {
    source: await value('opt-source'),
    series: await value('opt-series'),
    timeframe: await value('opt-timeframe'),
    from: await value('opt-from'),
    to: await value('opt-to'),
    fast: [await value('opt-min-fast'), await value('opt-max-fast'), await value('opt-step-fast')],
    slow: [await value('opt-min-slow'), await value('opt-max-slow'), await value('opt-step-slow')],
    constraints: await value('opt-constraints'),
    method: await value('opt-method'),
    samples: await value('opt-samples'),
    seed: await value('opt-seed'),
    metric: await value('opt-metric'),
    minTrades: await value('opt-min-trades'),
  };
}

/**
 * Opening a past sweep showed its results but left the form as it was, so Start reran another
 * strategy on other data; and a new tab reset the form to the first template and series.
 */
describe('optimize: the form takes an opened sweep and outlives the tab', () => {
  const { browser, server } = useBrowserAndServer();

  it("loads an opened sweep's settings into the form, and a new tab finds them", async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    await invoke(server(), 'sweeps/start', {
      name: 'EMA on GOOG early 2012',
      source: { kind: 'template', templateId: 'ema-cross' },
      space: [
        { name: 'fast', min: 5, max: 20, step: 5 },
        { name: 'slow', min: 20, max: 60, step: 10 },
      ],
      constraints: ['fast<slow'],
      method: { kind: 'random', samples: 5, seed: 3 },
      objective: { metric: 'sortino', minTrades: 3 },
      symbol: 'GOOG',
      timeframe: '1d',
      fromTs: Date.UTC(2012, 0, 3),
      toTs: Date.UTC(2012, 2, 2),
    });
    const app = await openApp(browser(), server());
    const { page } = app;
    try {
      await page.getByTestId('nav-optimize').click();
      await page.getByTestId('sweep-setup').waitFor();
      await page.getByTestId('opt-param-row').first().waitFor();
      expect(await page.getByTestId('opt-source').inputValue()).toBe('template:sma-cross');

      await page.getByTestId('sweep-open').first().click();
      await page.getByTestId('sweep-view').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid="opt-source"]') as HTMLSelectElement | null)?.value === 'template:ema-cross');
      await page.waitForFunction(() => (document.querySelector('[data-testid="opt-max-fast"]') as HTMLInputElement | null)?.value === '20');
      const loaded = {
        source: 'template:ema-cross',
        series: 'GOOG/1d',
        timeframe: '1d',
        from: '2012-01-03',
        to: '2012-03-01',
        fast: ['5', '20', '5'],
        slow: ['20', '60', '10'],
        constraints: 'fast < slow',
        method: 'random',
        samples: '5',
        seed: '3',
        metric: 'sortino',
        minTrades: '3',
      };
      expect(await form(page)).toEqual(loaded);
      expect(await page.getByTestId('opt-loaded').textContent()).toBe('Form set from sweep "EMA on GOOG early 2012".');

      // Another tab of the app (a new session) finds the same form.
      const second = await app.context.newPage();
      await second.goto(server().url);
      await second.getByTestId('nav-optimize').click();
      await second.getByTestId('sweep-setup').waitFor();
      await second.getByTestId('opt-param-row').first().waitFor();
      await second.waitForFunction(() => (document.querySelector('[data-testid="opt-series"]') as HTMLSelectElement | null)?.value === 'GOOG/1d');
      expect(await form(second)).toEqual(loaded);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
