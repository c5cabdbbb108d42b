import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, jobResult, openApp } from '../lib/app.js';
import { basketMomentum } from '../lib/basket-specs.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/** A weekly momentum rotation over a universe: `slots` positions of equal weight, ranked by 48-bar rate of change. */
const rotation = (name: string, slots: number) => basketMomentum(name, slots, { weekly: true });

/** The x range (seconds) a chart shows, as its element says (UPlotChart writes it on every x scale change). */
const xRange = (page: Page, id: string) =>
  page.evaluate((testId) => {
    const element = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)!;
    return { min: Number(element.dataset.xMin), max: Number(element.dataset.xMax) };
  }, id);

/** The labels of a uPlot chart's legend (its series after the time). */
const legendLabels = async (page: Page, id: string) => (await page.getByTestId(id).locator('.u-legend .u-series .u-label').allTextContents()).slice(1);

describe('portfolio results', () => {
  const { browser, server } = useBrowserAndServer();

  it('tags instruments on the Data screen, runs the tag as a universe, and shows positions and per-instrument PnL charts, the report and the instruments CSV', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { spec: rotation('Pair rotation', 1) });
    const app = await openApp(browser(), server(), '#/data');
    const { page } = app;
    try {
      // Tag two instruments on the Data screen: typed and Enter, then the Add button.
      const tagged = async (symbol: string) => (await invoke<{ instrument: { symbol: string }; tags: string[] }[]>(server(), 'data/listSeries')).find((s) => s.instrument.symbol === symbol)!.tags;
      await page.locator('[data-testid="series-row"][data-symbol="DEMO-BRAVO"]').click();
      const tags = page.getByTestId('instrument-tags');
      await tags.filter({ hasText: 'Tags of DEMO-BRAVO' }).waitFor();
      await page.getByTestId('instrument-tag-input').fill('my-pair, scratch');
      await page.getByTestId('instrument-tag-input').press('Enter');
      await page.locator('[data-testid="instrument-tag"][data-tag="scratch"]').waitFor();
      expect(await tagged('DEMO-BRAVO')).toEqual(['demo', 'demo-basket', 'my-pair', 'scratch']);
      // Its ×: gone from the instrument, the others kept.
      await page.getByTestId('instrument-tag-remove-scratch').click();
      await page.locator('[data-testid="instrument-tag"][data-tag="scratch"]').waitFor({ state: 'detached' });
      expect(await tagged('DEMO-BRAVO')).toEqual(['demo', 'demo-basket', 'my-pair']);
      // A tag the core refuses says why, and changes nothing.
      await page.getByTestId('instrument-tag-input').fill('no spaces please');
      await page.getByTestId('instrument-tag-add').click();
      await page.getByTestId('instrument-tags-error').filter({ hasText: 'a tag is 1-64 letters, digits or . _ : / -' }).waitFor();
      expect(await tagged('DEMO-BRAVO')).toEqual(['demo', 'demo-basket', 'my-pair']);
      await page.locator('[data-testid="series-row"][data-symbol="DEMO-GOLF"]').click();
      await tags.filter({ hasText: 'Tags of DEMO-GOLF' }).waitFor();
      await page.getByTestId('instrument-tag-input').fill('my-pair');
      await page.getByTestId('instrument-tag-add').click();
      await page.locator('[data-testid="series-row"][data-symbol="DEMO-GOLF"] [data-testid="series-tags"]').filter({ hasText: 'my-pair' }).waitFor();
      expect(await page.locator('[data-testid="series-row"][data-symbol="DEMO-BRAVO"] [data-testid="series-tags"]').textContent()).toContain('my-pair');

      // The Run form offers the tag as a universe, and runs it.
      await page.evaluate((hash) => (window.location.hash = hash), `#/run/${strategy.id}`);
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('run-scope').selectOption('tag:my-pair');
      expect(await page.getByTestId('run-scope').locator('option:checked').textContent()).toBe('Every instrument tagged my-pair (2 in 1h)');
      await page.getByTestId('run-from').fill('2024-05-01');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-universe').filter({ hasText: '2 instruments tagged my-pair 1h' }).waitFor({ timeout: 60_000 });

      // Positions open over time and each instrument's PnL, under the equity and drawdown.
      await page.getByTestId('positions-chart').locator('canvas').waitFor({ timeout: 30_000 });
      await page.getByTestId('instrument-pnl-chart').locator('canvas').waitFor();
      await expect.poll(() => legendLabels(page, 'instrument-pnl-chart'), { timeout: 15_000 }).toEqual(['DEMO-BRAVO', 'DEMO-GOLF']);
      expect(await legendLabels(page, 'positions-chart')).toEqual(['Open positions']);
      await page.waitForFunction(() => /2 instruments/.test(document.querySelector('[data-testid="portfolio-charts-detail"]')?.textContent ?? ''));
      // They zoom with the equity chart (one x range): the wheel over the equity chart moves all of them.
      const plot = page.getByTestId('equity-chart').locator('.u-over');
      await plot.scrollIntoViewIfNeeded();
      const full = await xRange(page, 'positions-chart');
      const box = (await plot.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
      for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -200);
      await expect.poll(async () => (await xRange(page, 'positions-chart')).max - (await xRange(page, 'positions-chart')).min, { timeout: 10_000 }).toBeLessThan((full.max - full.min) * 0.6);
      const equityRange = await xRange(page, 'equity-chart');
      expect(await xRange(page, 'positions-chart')).toEqual(equityRange);
      expect(await xRange(page, 'instrument-pnl-chart')).toEqual(equityRange);
      // Hovering one moves the others' cursor (one sync key): the legends show values at the same time.
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
      await expect.poll(() => page.getByTestId('positions-chart').locator('.u-legend .u-series').first().locator('.u-value').textContent()).toBe(
        await page.getByTestId('equity-chart').locator('.u-legend .u-series').first().locator('.u-value').textContent(),
      );

      // The instruments CSV and the HTML report hold the per-instrument breakdown.
      // The run shown is the newest stored one (its export buttons appear once it is saved).
      await page.getByTestId('export-buttons').waitFor();
      const runId = (await invoke<{ items: { id: string }[] }>(server(), 'runs/list', { limit: 1 })).items[0]!.id;
      const figures = (await invoke<{ figures: { symbol: string; tradeCount: number }[] }>(server(), 'runs/instruments', { id: runId, maxPoints: 2 })).figures;
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-instruments').click()]);
      const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(/^symbol,bars,trades,win_rate_pct,contribution_pct,/);
      expect(lines.slice(1).map((line) => line.split(',').filter((_, i) => i === 0 || i === 2).join(','))).toEqual(figures.map((f) => `${f.symbol},${f.tradeCount}`));
      const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
      const html = readFileSync((await report.path())!, 'utf8');
      expect(html).toContain('<th>Instruments</th><td>2 instruments tagged my-pair: DEMO-BRAVO, DEMO-GOLF</td>');
      expect(html).toMatch(/<h2>Instruments \(2; at most 1 position open at once\)<\/h2>/);
      for (const f of figures) expect(html).toContain(`<tr><td>${f.symbol}</td><td class="n">${f.tradeCount}</td>`);
      expect(html).toContain('<h2>Open positions</h2><svg');
      expect(html).toContain('<h2>PnL per instrument</h2><svg');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('compares two portfolio runs instrument by instrument', async () => {
    const three = await invoke<{ id: string }>(server(), 'strategies/create', { spec: rotation('Three slots', 3) });
    const five = await invoke<{ id: string }>(server(), 'strategies/create', { spec: rotation('Five slots', 5) });
    const target = { universe: { tag: 'demo-basket' }, timeframe: '1h', fromTs: Date.UTC(2024, 4, 1) };
    const runIds: string[] = [];
    for (const strategy of [three, five]) {
      const { jobId } = await invoke<{ jobId: string }>(server(), 'backtest/start', { strategyId: strategy.id, ...target });
      runIds.push((await jobResult<{ runId: string }>(server(), jobId)).runId);
    }
    const figures = await Promise.all(runIds.map(async (id) => (await invoke<{ figures: { symbol: string; tradeCount: number }[] }>(server(), 'runs/instruments', { id, maxPoints: 2 })).figures));
    const app = await openApp(browser(), server(), '#/history');
    const { page } = app;
    try {
      for (const id of runIds) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).check();
      await page.getByTestId('compare-runs').click();
      const rows = page.getByTestId('compare-instrument-row');
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(10);
      expect(await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-symbol')))).toEqual(figures[0]!.map((f) => f.symbol));
      // Each row: the trades of the instrument in each run, side by side.
      for (let k = 0; k < 10; k++) {
        expect((await rows.nth(k).getByTestId('compare-instrument-trades').allTextContents()).map(Number)).toEqual([figures[0]![k]!.tradeCount, figures[1]![k]!.tradeCount]);
      }
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
