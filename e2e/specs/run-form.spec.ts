import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { clearGroup, waitValid } from '../lib/builder.js';
import { importMarketDataFile } from '../lib/csv.js';
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

  it('warms the indicators up on the bars before the range: an SMA cross over four months of 2008 trades as in the full run; after a reload the last run is shown', async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Warm SMA cross' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.getByTestId('run-series').selectOption('GOOG/1d');
      await page.getByTestId('run-from').fill('2008-03-01');
      await page.getByTestId('run-to').fill('2008-06-30');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      // SMA 10/30 crossing: 30 daily bars before March were read; the April trade is there.
      await page.getByTestId('run-warm-up').filter({ hasText: 'warm-up 30 bars' }).waitFor({ timeout: 30_000 });
      await page.getByTestId('trade-count').waitFor();
      expect(Number(await page.getByTestId('trade-count').textContent())).toBeGreaterThanOrEqual(1);
      expect(await page.getByTestId('trade-row').first().textContent()).toContain('2008-04-07');
      // After a reload the screen shows the strategy's last run, and says which it is.
      await page.reload();
      await page.getByTestId('run-last').filter({ hasText: 'Last run: GOOG 1d · 2008-03-01 → 2008-06-30' }).waitFor();
      await page.getByTestId('trade-row').first().filter({ hasText: '2008-04-07' }).waitFor();
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
      // On a narrow window the table scrolls sideways rather than cut its last columns: the
      // header and each row are as wide as their cells (the open position's 'Exit reason'
      // was cut at a width set below the columns').
      await page.setViewportSize({ width: 900, height: 800 });
      const overflow = (selector: string) => page.locator(selector).first().evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(await overflow('.vhead')).toBe(0);
      expect(await overflow('[data-testid="trade-row"]')).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('shows every metric whole in the metrics panel: a long label wraps rather than pushing the figures past its edge', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Metrics width' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('metric-end').waitFor({ timeout: 60_000 });
      const fit = await page.getByTestId('metrics-panel').evaluate((panel) => {
        const box = panel.getBoundingClientRect();
        // The panel's visible right edge: inside its border and any vertical scrollbar.
        const right = box.left + panel.clientLeft + panel.clientWidth;
        const cells = [...panel.querySelectorAll('[data-testid="metrics-table"] td.num')];
        return { overflow: panel.scrollWidth - panel.clientWidth, cut: cells.filter((cell) => cell.getBoundingClientRect().right > right + 0.5).map((cell) => cell.textContent) };
      });
      expect(fit).toEqual({ overflow: 0, cut: [] });
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('runs a buy-and-hold built in the builder and shows its position still open at the end: trades row, chart marker, metrics, CSV', async () => {
    const closeVs = (operator: '>' | '<') => ({
      kind: 'group',
      mode: 'all',
      children: [{ kind: 'trigger', left: { kind: 'variable', variable: 'close' }, operator, right: { kind: 'constant', value: 0 } }],
    });
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', {
      name: 'Hold',
      spec: {
        version: 1,
        name: 'Hold',
        direction: 'long',
        entry: { long: closeVs('>') },
        exit: { long: closeVs('<') },
        management: {},
        sizing: { kind: 'percentEquity', percent: 100 },
        costs: { commissionPct: 0, commissionFixed: 0, slippageBps: 0 },
        initialCash: 10_000,
      },
    });
    const app = await openApp(browser(), server(), `#/builder/${strategy.id}`);
    const { page } = app;
    try {
      // No exit at all: valid, with a note saying what happens, and Run goes through.
      await page.getByTestId('builder-title').waitFor();
      await clearGroup(page, 'exit.long');
      await waitValid(page);
      const note = page.getByTestId('warning-exit.long');
      await note.waitFor();
      expect(await note.allTextContents()).toEqual([
        'There is no exit condition, stop, target, trailing stop or time exit: a position stays open to the end of the data and is shown as an open position (buy and hold).',
      ]);
      await page.getByTestId('builder-save').click();
      await page.getByTestId('draft-status').waitFor({ state: 'detached' });
      await page.getByTestId('builder-run').click();
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      // Run used to refuse it ("exit.long: There is no exit condition…"): say so, not time out.
      await page.locator('[data-testid="run-results"], [data-testid="run-error"]').first().waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('run-error').allTextContents()).toEqual([]);

      // The trades table: no closed trade, and the open position as its own pinned row.
      const openRow = page.getByTestId('trade-open-row');
      await openRow.waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('trades-empty').textContent()).toContain('No closed trades');
      expect(await page.getByTestId('trades-empty').textContent()).toContain('still open at the end of the data');
      expect(await page.getByTestId('trade-counts').textContent()).toBe('(0 closed + 1 open)');
      expect(await page.getByTestId('trade-count').textContent()).toBe('0');
      const cells = await openRow.locator('span').allTextContents();
      expect(cells[0]).toBe('Open');
      expect(cells[1]).toBe('long');
      expect(cells[4]).toBe('still open');
      expect(cells[10]).toMatch(/^unrealized @ [\d,]+\.\d\d$/);
      // Shown whole, not cut to 'unrealized @ …' by its column.
      expect(await openRow.locator('span').nth(10).evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
      // The metrics: its unrealized PnL is the whole gain (no closed trade, no costs).
      const line = page.getByTestId('metric-openPosition');
      expect(await line.locator('td').first().textContent()).toBe('Open position (unrealized)');
      const leadingNumber = (text: string | null): number => Number(/^-?[\d.]+/.exec(text!.replace(/,/g, ''))![0]);
      const unrealized = leadingNumber(await line.locator('td').nth(1).textContent());
      const finalEquity = leadingNumber(await page.getByTestId('metric-finalEquity').locator('td').nth(1).textContent());
      expect(unrealized).not.toBe(0);
      expect(unrealized).toBeCloseTo(finalEquity - 10_000, 1);
      // The price chart has the entry marker.
      await page.waitForFunction(() => document.querySelector('[data-testid="price-chart"]')?.getAttribute('data-markers') === '1');
      // The trades CSV ends with it, marked open.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trades').click()]);
      const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^open,long,\d{4}-.*,,,.*,open \(unrealized at the last close [\d.]+\)$/);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
