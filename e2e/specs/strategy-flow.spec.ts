import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goTo, openApp, type AppSession } from '../lib/app.js';
import { childIndexes, clearGroup, waitValid } from '../lib/builder.js';
import { useBrowserAndServer } from '../lib/fixture.js';

const DAY_MS = 86_400_000;

/**
 * The golden path, in order, on one server: build a strategy, keep a draft over a reload,
 * run it twice, read the results, compare the runs, export. Later tests use what earlier
 * ones made, so they run in sequence.
 */
describe('strategy: build, run, compare, export', () => {
  const { browser, server } = useBrowserAndServer();
  let app: AppSession;
  let strategyHash = '';

  it('builds a strategy in the builder with validation next to the fields', async () => {
    app = await openApp(browser(), server());
    const { page } = app;
    await goTo(page, 'strategies');
    await page.getByTestId('strategy-new').click();
    await page.getByTestId('builder-title').waitFor();
    strategyHash = await page.evaluate(() => window.location.hash);
    expect(strategyHash).toMatch(/^#\/builder\/.+/);

    await page.getByTestId('field-direction').selectOption('long');
    if (await page.getByTestId('add-entry-long').isVisible()) await page.getByTestId('add-entry-long').click();
    await clearGroup(page, 'entry.long');

    // close crosses above SMA(N): the new trigger's default.
    await page.getByTestId('add-trigger-entry.long').click();
    const period = page.getByTestId('field-entry.long.children.0.right.params.period');
    await period.fill('0');
    await page.getByTestId('issue-entry.long.children.0.right.params.period').waitFor();
    await period.fill('30');
    await waitValid(page);

    // A nested group with its own trigger, then removed again.
    await page.getByTestId('add-group-entry.long').click();
    const [, groupIndex] = await childIndexes(page, 'entry.long');
    await page.getByTestId(`mode-entry.long.children.${groupIndex}`).selectOption('not');
    await page.getByTestId(`add-trigger-entry.long.children.${groupIndex}`).click();
    await page.getByTestId(`group-entry.long.children.${groupIndex}`).getByTestId('trigger').waitFor();
    await page.getByTestId(`remove-entry.long.children.${groupIndex}`).click();
    expect(await childIndexes(page, 'entry.long')).toEqual([0]);

    // Exit on the way back down, plus a stop loss.
    if (await page.getByTestId('add-exit-long').isVisible()) await page.getByTestId('add-exit-long').click();
    await clearGroup(page, 'exit.long');
    await page.getByTestId('add-trigger-exit.long').click();
    await page.getByTestId('operator-exit.long.children.0').selectOption('crossesBelow');
    await page.getByTestId('distance-management.stopLoss').selectOption('percent');
    await waitValid(page);

    await page.keyboard.press('Control+s');
    await page.getByTestId('draft-status').waitFor({ state: 'detached' });
    expect(await page.getByTestId('builder-save').isDisabled()).toBe(true);
    expect(app.errors).toEqual([]);
  });

  it('keeps unsaved edits over a reload (autosaved draft)', async () => {
    const { page } = app;
    await page.getByTestId('field-name').fill('E2E cross (draft)');
    await page.waitForFunction(() => /Draft saved/.test(document.querySelector('[data-testid="draft-status"]')?.textContent ?? ''));
    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    expect(await page.getByTestId('field-name').inputValue()).toBe('E2E cross (draft)');
    await page.getByTestId('field-name').fill('E2E cross');
    await waitValid(page);
    await page.getByTestId('builder-save').click();
    await page.getByTestId('draft-status').waitFor({ state: 'detached' });
  });

  it('runs it and shows metrics, equity/drawdown and price charts, and trades', async () => {
    const { page } = app;
    await page.getByTestId('builder-run').click();
    await page.getByTestId('run-form').waitFor();
    await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
    await setRange(app, 45);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-results').waitFor({ timeout: 60_000 });
    await page.getByTestId('metric-totalReturnPct').waitFor();
    expect(await page.getByTestId('metrics-table').locator('tr').count()).toBeGreaterThan(5);
    // 46 days: annualized figures say what they were annualized from.
    expect(await page.getByTestId('metric-cagrPct').locator('td').nth(1).textContent()).toMatch(/^-?[\d,]+\.\d\dannualized from 4\d days$/);
    expect(await page.getByTestId('metric-totalReturnPct').getByTestId('metric-note').count()).toBe(0);
    await page.getByTestId('equity-chart').locator('canvas').waitFor();
    await page.getByTestId('drawdown-chart').locator('canvas').waitFor();
    await page.getByTestId('price-canvas').locator('canvas').waitFor();
    await page.getByTestId('trade-row').first().waitFor();
    const count = Number((await page.getByTestId('trade-count').textContent())?.replace(/\D/g, ''));
    expect(count).toBeGreaterThan(0);
    // Sorting, then a click on a trade zooms the price chart to it (fewer bars, in full detail).
    const barsShown = async () => Number((await page.getByTestId('chart-detail').textContent())?.replace(/ bars.*/, '').replace(/\D/g, ''));
    await page.waitForFunction(() => /bars/.test(document.querySelector('[data-testid="chart-detail"]')?.textContent ?? ''));
    const fullRange = await barsShown();
    await page.getByTestId('sort-pnl').click();
    await page.getByTestId('trade-row').first().click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="zoom-reset"]') as HTMLButtonElement | null)?.disabled === false);
    await page.waitForFunction(
      (full) => Number(document.querySelector('[data-testid="chart-detail"]')?.textContent?.replace(/ bars.*/, '').replace(/\D/g, '')) < full,
      fullRange,
    );
    expect(await page.getByTestId('price-error').count()).toBe(0);
    expect(await barsShown()).toBeLessThan(fullRange);
    expect(app.errors).toEqual([]);
  });

  it('compares two runs: metrics side by side and equity overlaid', async () => {
    const { page } = app;
    await setRange(app, 20);
    await page.getByTestId('run-start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-progress"]') === null && document.querySelector('[data-testid="run-results"]') !== null, undefined, { timeout: 60_000 });
    await goTo(page, 'history');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length >= 2, undefined, { timeout: 15_000 });
    const picks = page.getByTestId('run-pick');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.getByTestId('compare-runs').click();
    const view = page.getByTestId('compare-view');
    await view.getByTestId('metrics-table').waitFor();
    expect(await view.getByTestId('metrics-table').locator('thead th').count()).toBe(3);
    // The 20-day run's Sharpe is left out (under 30 days), the 46-day run's is shown with its note.
    const sharpe = (await view.getByTestId('metric-sharpe').locator('td').allTextContents()).slice(1).sort();
    expect(sharpe[0]).toMatch(/^-?[\d,]+\.\d\dannualized from 4\d days$/);
    expect(sharpe[1]).toBe('—under 30 days');
    await view.getByTestId('compare-chart').locator('canvas').waitFor();
  });

  it('exports trades CSV and a self-contained HTML report', async () => {
    const { page } = app;
    await page.getByTestId('run-open').first().click();
    await page.getByTestId('run-results').waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trades').click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.split('\n')[0]).toBe('index,side,entry_time,entry_price,exit_time,exit_price,quantity,pnl,return_pct,fees,bars_held,exit_reason');
    expect(csvText.trim().split('\n').length).toBeGreaterThan(1);
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
    const html = readFileSync((await report.path())!, 'utf8');
    expect(html).toContain('E2E cross');
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script/);
    // It reads like the app: the metrics table's labels, UTC dates, the strategy in words;
    // no raw metric keys or epoch milliseconds.
    expect(html).toContain('<th>Total return %</th>');
    expect(html).toContain('<th>Max drawdown duration</th>');
    expect(html).toMatch(/<th>Run created<\/th><td>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/td>/);
    expect(html).toMatch(/<th>Long entry<\/th><td>[^<]*crosses above[^<]*<\/td>/);
    expect(html).toContain('<th>Commission</th>');
    // The 20-day run: annualized figures left out; the charts have value axes (money, %).
    expect(html).toContain('<div class="note">under 30 days</div>');
    expect(html).toMatch(/text-anchor="end"[^>]*>[\d,]+<\/text>/);
    expect(html).toMatch(/text-anchor="end"[^>]*>-?[\d.]+ %<\/text>/);
    expect(html).not.toMatch(/totalReturnPct|durationMs/);
    // Epoch milliseconds of these years have 13 digits; the run hash (hex) is left out of the search.
    expect(html.replace(/<td class="code">[0-9a-f]+<\/td>/, '')).not.toMatch(/\d{13}/);
    await app.close();
  });
});

/** Sets the run range to the last `days` days of the chosen series. */
async function setRange(app: AppSession, days: number): Promise<void> {
  const to = await app.page.getByTestId('run-to').inputValue();
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
  await app.page.getByTestId('run-from').fill(from);
}
