import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';
import type { RunningServer } from '../lib/server.js';

const DAY_MS = 86_400_000;
const RUN_CHARTS = ['price-canvas', 'equity-chart', 'drawdown-chart'] as const;

/** Runs a template strategy over 60 days of DEMO-BTC minutes through the API and waits for the stored run. */
async function storedRun(server: RunningServer, templateId: string): Promise<string> {
  const strategy = await invoke<{ id: string }>(server, 'strategies/create', { templateId });
  const fromTs = Date.UTC(2025, 0, 1);
  const { jobId } = await invoke<{ jobId: string }>(server, 'backtest/start', { strategyId: strategy.id, symbol: 'DEMO-BTC', timeframe: '1m', fromTs, toTs: fromTs + 60 * DAY_MS });
  for (;;) {
    const job = (await invoke<{ id: string; status: string; result?: { runId: string } }[]>(server, 'jobs/list')).find((j) => j.id === jobId);
    if (job?.status === 'done' && job.result) return job.result.runId;
    if (job && job.status !== 'queued' && job.status !== 'running') throw new Error(`run ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The x range (seconds) each chart shows, as its element says (UPlotChart writes it on every x scale change). */
const xRanges = (page: Page, ids: readonly string[]) =>
  page.evaluate((testIds) => testIds.map((id) => {
    const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
    return { min: Number(element.dataset.xMin), max: Number(element.dataset.xMax) };
  }), ids);

/** Pixels of a chart's canvas within a small distance of a theme colour token (line or fill, any alpha). */
const pixelsOf = (page: Page, testId: string, token: string) =>
  page.evaluate(
    ([id, name]) => {
      const hex = getComputedStyle(document.documentElement).getPropertyValue(name!).trim();
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const canvas = document.querySelector(`[data-testid="${id}"] canvas`) as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 40) count++;
      return count;
    },
    [testId, token],
  );

const span = (r: { min: number; max: number }) => r.max - r.min;
// Generous under load (two Chromiums on two cores): a poll returns as soon as it holds.
const POLL = { timeout: 10_000 };

describe('charts answer the mouse', () => {
  const { browser, server } = useBrowserAndServer();

  it("zooms with the wheel, pans with a drag and box-zooms with Shift+drag, price, equity and drawdown together; the page does not scroll; a theme switch recolours them", async () => {
    const runId = await storedRun(server(), 'sma-cross');
    const app = await openApp(browser(), server(), `#/history/${runId}`);
    const { page } = app;
    try {
      const plot = page.getByTestId('price-canvas').locator('.u-over');
      await plot.waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => /bars/.test(document.querySelector('[data-testid="chart-detail"]')?.textContent ?? ''));
      await page.waitForFunction(() => /points/.test(document.querySelector('[data-testid="equity-detail"]')?.textContent ?? ''));
      const full = (await xRanges(page, ['price-canvas']))[0]!;
      const detail = await page.getByTestId('chart-detail').textContent();
      const scrolled = () => page.evaluate(() => [window.scrollY, document.querySelector('main')!.scrollTop]);
      await plot.scrollIntoViewIfNeeded();
      const scrollBefore = await scrolled();

      // The wheel zooms in around the pointer, on all three charts at once.
      const box = (await plot.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
      for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -200);
      await expect.poll(async () => span((await xRanges(page, ['price-canvas']))[0]!), POLL).toBeLessThan(span(full) * 0.6);
      expect(await scrolled()).toEqual(scrollBefore);
      let ranges = await xRanges(page, RUN_CHARTS);
      expect(ranges[1]).toEqual(ranges[0]);
      expect(ranges[2]).toEqual(ranges[0]);
      const middle = (full.min + full.max) / 2;
      expect(ranges[0]!.min).toBeLessThan(middle);
      expect(ranges[0]!.max).toBeGreaterThan(middle);
      // Once the wheel rests, the visible range is fetched again at full detail.
      await page.waitForFunction((before) => document.querySelector('[data-testid="chart-detail"]')?.textContent !== before, detail);
      expect(await page.getByTestId('zoom-reset').isEnabled()).toBe(true);

      // A drag pans: the data follows the pointer (dragged left, later times come in).
      const zoomed = ranges[0]!;
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 6 });
      await page.mouse.up();
      ranges = await xRanges(page, RUN_CHARTS);
      expect(span(ranges[0]!)).toBeCloseTo(span(zoomed), 0);
      expect(ranges[0]!.min - zoomed.min).toBeCloseTo(span(zoomed) * 0.3, -3);
      expect(ranges[1]).toEqual(ranges[0]);
      expect(ranges[2]).toEqual(ranges[0]);

      // Shift+drag zooms to the box drawn, on the equity chart this time.
      const equityPlot = page.getByTestId('equity-chart').locator('.u-over');
      const equityBox = (await equityPlot.boundingBox())!;
      const before = ranges[0]!;
      await page.keyboard.down('Shift');
      await page.mouse.move(equityBox.x + equityBox.width * 0.2, equityBox.y + equityBox.height / 2);
      await page.mouse.down();
      await page.mouse.move(equityBox.x + equityBox.width * 0.4, equityBox.y + equityBox.height / 2, { steps: 6 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      ranges = await xRanges(page, RUN_CHARTS);
      expect(span(ranges[0]!)).toBeCloseTo(span(before) * 0.2, -3);
      expect(ranges[1]).toEqual(ranges[0]);
      expect(ranges[2]).toEqual(ranges[0]);
      expect(await scrolled()).toEqual(scrollBefore);

      // Zooming out stops at the whole run; a double click goes back to it at once.
      for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 400);
      // (The whole run again, within a bar or two: the full data is fetched again for the chart's width.)
      const whole = async () => {
        const shown = (await xRanges(page, ['price-canvas']))[0]!;
        return Math.abs(shown.min - full.min) <= 3600 && Math.abs(shown.max - full.max) <= 3600;
      };
      await expect.poll(whole, POLL).toBe(true);
      await page.mouse.wheel(0, -300);
      await expect.poll(async () => span((await xRanges(page, ['price-canvas']))[0]!), POLL).toBeLessThan(span(full));
      await plot.dblclick();
      await expect.poll(whole, POLL).toBe(true);

      // A theme switch recolours the open charts (they kept the old theme until a reload).
      const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
      const first = await theme();
      expect(await pixelsOf(page, 'equity-chart', '--accent')).toBeGreaterThan(500);
      const oldAccent = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim());
      await page.getByTestId('theme-toggle').click();
      await expect.poll(theme, POLL).not.toBe(first);
      await expect.poll(() => pixelsOf(page, 'equity-chart', '--accent'), POLL).toBeGreaterThan(500);
      const stale = await page.evaluate(
        ([hex]) => {
          const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex!.slice(i, i + 2), 16));
          const canvas = document.querySelector('[data-testid="equity-chart"] canvas') as HTMLCanvasElement;
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          let count = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 40) count++;
          return count;
        },
        [oldAccent],
      );
      expect(stale).toBe(0);
      expect(await whole()).toBe(true);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('draws the indicators a strategy uses in its signal preview, over the price or in a pane, with a legend', async () => {
    const sma = await invoke<{ id: string }>(server(), 'strategies/create', { templateId: 'sma-cross' });
    const rsi = await invoke<{ id: string }>(server(), 'strategies/create', { templateId: 'rsi-mean-reversion' });
    const app = await openApp(browser(), server(), `#/builder/${sma.id}`);
    const { page } = app;
    try {
      const legend = page.getByTestId('preview-legend').getByTestId('legend-item');
      await page.getByTestId('price-canvas').locator('canvas').waitFor({ timeout: 30_000 });
      await expect.poll(() => legend.allTextContents(), POLL).toEqual(['▲Long entry', '✕Exit', 'SMA(10)', 'SMA(30)']);
      expect(await page.getByTestId('indicator-pane').count()).toBe(0);
      // Both averages are drawn over the price, in their legend colours (zoomed in to a day
      // or two, where the markers of a month no longer lie over them).
      const pricePlot = page.getByTestId('price-canvas').locator('.u-over');
      const priceBox = (await pricePlot.boundingBox())!;
      await page.mouse.move(priceBox.x + priceBox.width / 2, priceBox.y + priceBox.height / 2);
      for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -400);
      await expect.poll(() => pixelsOf(page, 'price-canvas', '--line-1'), POLL).toBeGreaterThan(50);
      await expect.poll(() => pixelsOf(page, 'price-canvas', '--line-2'), POLL).toBeGreaterThan(50);

      await page.evaluate((id) => (window.location.hash = `#/builder/${id}`), rsi.id);
      await page.getByTestId('builder-title').filter({ hasText: 'RSI' }).waitFor();
      await expect.poll(() => legend.allTextContents(), POLL).toEqual(['▲Long entry', '✕Exit', 'RSI(14)']);
      const pane = page.getByTestId('indicator-pane');
      await pane.waitFor();
      expect(await pane.getAttribute('data-label')).toBe('RSI(14)');
      expect(await pane.locator('span').first().textContent()).toBe('RSI(14) · levels 30, 70');
      await expect.poll(() => pixelsOf(page, 'indicator-pane-canvas', '--line-1'), POLL).toBeGreaterThan(200);

      // The pane zooms with the price chart.
      const plot = page.getByTestId('indicator-pane-canvas').locator('.u-over');
      const box = (await plot.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -300);
      await expect.poll(async () => {
        const [price, rsiPane] = await xRanges(page, ['price-canvas', 'indicator-pane-canvas']);
        return price!.min === rsiPane!.min && price!.max === rsiPane!.max && span(price!) < 20 * DAY_MS / 1000;
      }, POLL).toBe(true);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
