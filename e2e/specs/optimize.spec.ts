import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, openApp, type AppSession } from '../lib/app.js';
import { importMarketDataFile } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import type { RunningServer } from '../lib/server.js';

interface Job {
  readonly id: string;
  readonly status: string;
  readonly kind: string;
}

/** Imports GOOG daily (2,148 bars: sweeps over it take seconds) through the API, before the UI opens. */
const importGoog = (server: RunningServer): Promise<void> => importMarketDataFile(server, 'GOOG.csv', 'GOOG', '1d');

const texts = async (page: Page, testId: string): Promise<string[]> => page.getByTestId(testId).allTextContents();
const numbers = (values: string[]): number[] => values.map((v) => Number(v.replace(/,/g, '')));

/** Sweep → heatmap and variants → open a variant as a run → walk-forward → Monte Carlo on that run, on one server. */
/** GOOG daily, sma-cross fast 5..15 step 5 x slow 20..40 step 10: the 3 x 3 grid both setups use. */
async function fillSmaGrid(page: Page): Promise<void> {
  await page.getByTestId('opt-series').selectOption('GOOG/1d');
  for (const [name, min, max, step] of [['fast', '5', '15', '5'], ['slow', '20', '40', '10']] as const) {
    await page.getByTestId(`opt-min-${name}`).fill(min);
    await page.getByTestId(`opt-max-${name}`).fill(max);
    await page.getByTestId(`opt-step-${name}`).fill(step);
  }
}

describe('optimize: sweep, heatmap, variants, walk-forward, Monte Carlo', () => {
  const { browser, server } = useBrowserAndServer();
  let app: AppSession;
  let runId = '';

  it('runs a small grid sweep: the heatmap fills, the variants list sorted, a cell opens a run', async () => {
    await importGoog(server());
    app = await openApp(browser(), server());
    const { page } = app;
    await page.getByTestId('nav-optimize').click();
    await page.getByTestId('sweep-setup').waitFor();
    await page.getByTestId('opt-source').selectOption('template:sma-cross');
    await fillSmaGrid(page);
    // A start outside the parameter's allowed range is said next to the field and blocks Start
    // (it used to be accepted and its variants counted "invalid").
    await page.getByTestId('opt-min-fast').fill('0');
    expect(await page.getByTestId('opt-range-error-fast').textContent()).toBe('Fast period must be between 1 and 1,000');
    expect(await page.getByTestId('opt-planned').textContent()).toBe('Fast period must be between 1 and 1,000');
    expect(await page.getByTestId('sweep-setup-start').isDisabled()).toBe(true);
    await page.getByTestId('opt-min-fast').fill('5');
    expect(await page.getByTestId('opt-range-error-fast').count()).toBe(0);
    // The server refuses such a range too, naming the parameter and its limit, before any job.
    const sweepStart = { source: { kind: 'template', templateId: 'sma-cross' }, space: [{ name: 'fast', min: 0, max: 15, step: 5 }], objective: { metric: 'sharpe' }, symbol: 'GOOG', timeframe: '1d' };
    await expect(invoke(server(), 'sweeps/start', sweepStart)).rejects.toThrow('Parameter "fast" (Fast period) must be between 1 and 1000; the range reaches 0');
    expect((await invoke<Job[]>(server(), 'jobs/list')).filter((j) => j.kind === 'sweep')).toEqual([]);
    expect(await page.getByTestId('opt-constraints').inputValue()).toBe('fast < slow');
    await page.getByTestId('opt-min-trades').fill('1');
    expect(await page.getByTestId('opt-planned').textContent()).toContain('9 grid points');
    await page.getByTestId('sweep-setup-start').click();

    await page.getByTestId('sweep-view').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="heatmap"]')?.getAttribute('data-filled') === '9', undefined, { timeout: 10_000 });
    expect(await page.getByTestId('heatmap').getAttribute('data-cells')).toBe('9');
    expect(await page.getByTestId('sweep-progress').locator('..').textContent()).toContain('9 / 9 variants');
    expect(await page.getByTestId('sweeps-list').getByTestId('sweep-item').count()).toBe(1);

    // Best first by the objective, then ascending by a parameter after a header click.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length === 9);
    const scores = numbers(await texts(page, 'variant-score'));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await page.getByTestId('vsort-param-fast').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="variants-table"]')?.getAttribute('data-sort') === 'param:fast:asc');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length === 9);
    const fastColumn = await page.getByTestId('variant-row').evaluateAll((rows) => rows.map((row) => Number(row.children[2]?.textContent)));
    expect(fastColumn).toEqual([...fastColumn].sort((a, b) => a - b));

    // The top-left cell is fast=5 (first x), slow=40 (last y: y grows upward).
    const heatmap = page.getByTestId('heatmap');
    const cell = Number(await heatmap.getAttribute('data-cell'));
    const axis = Number(await heatmap.getAttribute('data-axis'));
    await page.getByTestId('heatmap-canvas').hover({ position: { x: axis + cell / 2, y: cell / 2 } });
    expect(await page.getByTestId('heatmap-hover').textContent()).toContain('fast=5 slow=40');
    await page.getByTestId('heatmap-canvas').click({ position: { x: axis + cell / 2, y: cell / 2 } });
    await page.getByTestId('screen-history').waitFor({ timeout: 30_000 });
    await page.getByTestId('run-results').waitFor({ timeout: 30_000 });
    await page.getByTestId('metric-totalReturnPct').waitFor();
    runId = decodeURIComponent((await page.evaluate(() => window.location.hash)).replace(/^#\/history\//, ''));
    expect(runId).not.toBe('');
    const run = await invoke<{ spec: { name: string } }>(server(), 'runs/get', { id: runId });
    expect(run.spec).toBeTruthy();
    // The run says which parameter values it ran with, in its header and in its report.
    expect(await page.getByTestId('run-params').textContent()).toBe('fast=5, slow=40');
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
    const html = readFileSync((await report.path())!, 'utf8');
    expect(html).toContain('<th>Parameters</th><td>fast=5, slow=40</td>');
    expect(app.errors).toEqual([]);
  }, 60_000);

  it('walks forward: a windows table, the stitched OOS equity chart and the efficiency ratio', async () => {
    const { page } = app;
    await page.getByTestId('nav-optimize').click();
    await page.getByTestId('opt-tab-walkforward').click();
    await page.getByTestId('wf-setup').waitFor();
    await fillSmaGrid(page);
    // A day count that is no number: said in words, not as the schema's milliseconds.
    await page.getByTestId('wf-is-days').fill('0');
    await page.getByTestId('wf-setup-start').click();
    await page.getByTestId('wf-setup-error').filter({ hasText: 'In-sample days must be a number above 0.' }).waitFor();
    // Windows longer than the data: a clear message, not a report of a meaningless window.
    await page.getByTestId('wf-is-days').fill('36500');
    await page.getByTestId('wf-setup-start').click();
    await page.getByTestId('wf-error').filter({ hasText: 'shorter than one window: 36500 days in-sample' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('wf-report').count()).toBe(0);
    await page.getByTestId('wf-is-days').fill('1095');
    await page.getByTestId('wf-oos-days').fill('365');
    const walkForwardJobs = async () => (await invoke<Job[]>(server(), 'jobs/list')).filter((j) => j.kind === 'walkforward').length;
    const before = await walkForwardJobs();
    // A double click starts one walk-forward.
    await page.getByTestId('wf-setup-start').dblclick();
    await page.getByTestId('wf-report').waitFor({ timeout: 30_000 });
    expect((await walkForwardJobs()) - before).toBe(1);
    expect(await page.getByTestId('wf-window').count()).toBeGreaterThanOrEqual(3);
    await page.getByTestId('wf-equity-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('wf-efficiency').textContent()).toMatch(/Efficiency ratio/);
    const chosen = await page.getByTestId('wf-window').first().locator('td').nth(3).textContent();
    expect(chosen).toMatch(/fast=\d+, slow=\d+/);
  }, 40_000);

  it('runs Monte Carlo on the opened run, reached from its results header: percentiles and both histograms', async () => {
    const { page } = app;
    // From the run itself: its results header leads to Monte Carlo with the run picked.
    await page.evaluate((hash) => (window.location.hash = hash), `#/history/${encodeURIComponent(runId)}`);
    await page.getByTestId('run-montecarlo').click();
    await page.locator('[data-testid="opt-tab-montecarlo"][aria-selected="true"]').waitFor();
    await expect.poll(() => page.getByTestId('mc-run').inputValue()).toBe(runId);
    await page.getByTestId('mc-simulations').fill('2000');
    await page.getByTestId('mc-seed').fill('7');
    await page.getByTestId('mc-start').click();
    await page.getByTestId('mc-report').waitFor({ timeout: 15_000 });
    const equityRow = numbers((await page.getByTestId('mc-row-equity').locator('td').allTextContents()).slice(1));
    // min <= p5 <= ... <= p95 <= max
    const ordered = equityRow.slice(0, 7);
    expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    await page.getByTestId('mc-row-drawdown').waitFor();
    expect(await page.getByTestId('mc-hist-equity').locator('rect').count()).toBe(40);
    expect(await page.getByTestId('mc-hist-drawdown').locator('rect').count()).toBe(40);
    expect(app.errors).toEqual([]);
  });

  it('sweeps a saved strategy by JSON path from the Strategies screen entry', async () => {
    const { page } = app;
    const catalog = await invoke<{ templates: { id: string; spec: Record<string, unknown> }[] }>(server(), 'strategies/catalog');
    // Without named parameters (a strategy saved before they existed): its numbers are swept by path.
    const { parameters: _names, ...template } = catalog.templates.find((t) => t.id === 'sma-cross')!.spec;
    const spec = { ...template, name: 'E2E saved cross' };
    const created = await invoke<{ id: string }>(server(), 'strategies/create', { spec });
    await page.getByTestId('nav-strategies').click();
    await page.getByTestId('screen-strategies').waitFor();
    await page.getByText('E2E saved cross').first().click();
    await page.getByTestId('strategy-sweep').click();
    await page.waitForFunction((id) => window.location.hash === `#/optimize/${encodeURIComponent(`strategy:${id}`)}`, created.id);
    await page.getByTestId('sweep-setup').waitFor();
    // The select shows the strategy once the strategies list (fetched on mount) has its option.
    await page.waitForFunction(
      (value) => (document.querySelector('[data-testid="opt-source"]') as HTMLSelectElement | null)?.value === value,
      `strategy:${created.id}`,
    );
    // Numbers found in the spec, by path, with their current values; none ticked yet.
    const rows = page.getByTestId('opt-param-row');
    await rows.first().waitFor();
    const names = await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-name') ?? ''));
    const period = names.find((name) => /entry\.long.*left\.params\.period$/.test(name))!;
    const slowPeriod = names.find((name) => /entry\.long.*right\.params\.period$/.test(name))!;
    expect(period).toBeDefined();
    // Named in the builder's words, the path kept as the key (it used to show the path).
    const fastLabel = 'Long entry: SMA period (trigger 1, left)';
    const slowLabel = 'Long entry: SMA period (trigger 1, right)';
    const labelOf = async (name: string) => rows.filter({ has: page.getByTestId(`opt-use-${name}`) }).locator('td').nth(1).textContent();
    expect(await labelOf(period)).toBe(fastLabel);
    expect(await labelOf(slowPeriod)).toBe(slowLabel);
    expect(await labelOf('sizing.percent')).toBe('Sizing: equity per trade (%)');
    // Suggested ranges sit inside the allowed ones: 100 % of equity is not doubled to 200.
    expect(Number(await page.getByTestId('opt-max-sizing.percent').inputValue())).toBeLessThanOrEqual(100);
    await page.getByTestId('opt-series').selectOption('GOOG/1d');
    await page.getByTestId(`opt-use-${period}`).check();
    await page.getByTestId(`opt-min-${period}`).fill('5');
    await page.getByTestId(`opt-max-${period}`).fill('15');
    await page.getByTestId(`opt-step-${period}`).fill('5');
    await page.getByTestId('opt-min-trades').fill('0');
    await page.getByTestId('sweep-setup-start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length === 3);
    expect(await page.getByTestId('sweeps-list').getByTestId('sweep-item').count()).toBe(2);
    // One varied parameter: the heatmap says it needs two (it used to say "Loading…" for ever).
    await page.getByTestId('heatmap-none').filter({ hasText: 'this sweep varies one' }).waitFor();
    expect(await page.getByTestId(`vsort-param-${period}`).textContent()).toBe(fastLabel);
    expect(await page.getByTestId('heatmap-x').locator('option').allTextContents()).toEqual([fastLabel]);

    // Both periods: the heatmap's axes and the best variant name them in words too.
    await page.getByTestId(`opt-use-${slowPeriod}`).check();
    await page.getByTestId(`opt-min-${slowPeriod}`).fill('20');
    await page.getByTestId(`opt-max-${slowPeriod}`).fill('40');
    await page.getByTestId(`opt-step-${slowPeriod}`).fill('10');
    await page.getByTestId('sweep-setup-start').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="sweep-item"]').length === 3);
    await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="heatmap"]')?.getAttribute('data-filled') === '9', undefined, { timeout: 10_000 });
    expect(await page.getByTestId('heatmap-x-name').textContent()).toBe(`x: ${fastLabel}`);
    expect(await page.getByTestId('heatmap-y-name').textContent()).toBe(`y: ${slowLabel}`);
    expect(await page.getByTestId('heatmap-y').locator('option').allTextContents()).toEqual([fastLabel, slowLabel]);
    expect(await page.getByTestId('sweep-best').textContent()).toContain(`${fastLabel}=`);
    expect(await page.getByTestId('sweep-view').textContent()).not.toContain('params.period');
    // A cell opens its run, whose header names the swept numbers in words too.
    const heatmap = page.getByTestId('heatmap');
    const cell = Number(await heatmap.getAttribute('data-cell'));
    const axis = Number(await heatmap.getAttribute('data-axis'));
    await page.getByTestId('heatmap-canvas').click({ position: { x: axis + cell / 2, y: cell / 2 } });
    await page.getByTestId('run-results').waitFor({ timeout: 30_000 });
    await page.getByTestId('run-params').filter({ hasText: `${fastLabel} = 5, ${slowLabel} = 40` }).waitFor();
    expect(app.errors).toEqual([]);
    await app.close();
  }, 60_000);
});
