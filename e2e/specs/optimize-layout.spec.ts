import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/**
 * A sweep's view on a laptop screen (1024 and 1280 px wide): the variants table used to clip
 * its headers ("Stop lo…") and the heatmap of a small grid sat at ~130 px in a ~900 px panel.
 */
describe('optimize: the sweep view at 1024 and 1280 px', () => {
  const { browser, server } = useBrowserAndServer();

  it('shows every variants header whole (scrolling sideways) and sizes the heatmap to its panel', async () => {
    const catalog = await invoke<{ templates: { id: string; spec: Record<string, unknown> }[] }>(server(), 'strategies/catalog');
    // Swept by path, named in the builder's words: long headers.
    const { parameters: _names, ...template } = catalog.templates.find((t) => t.id === 'sma-cross')!.spec;
    const spec = { ...template, name: 'Layout cross', management: { stopLoss: { kind: 'percent', value: 5 } } };
    const { sweepId } = await invoke<{ sweepId: string }>(server(), 'sweeps/start', {
      source: { kind: 'spec', spec },
      space: [
        { name: 'entry.long.children[0].left.params.period', min: 5, max: 20, step: 5 },
        { name: 'entry.long.children[0].right.params.period', min: 30, max: 70, step: 10 },
        { name: 'management.stopLoss.value', min: 2, max: 6, step: 2 },
      ],
      objective: { metric: 'sharpe' },
      symbol: 'DEMO-BTC',
      timeframe: '1h',
    });
    const app = await openApp(browser(), server(), `#/optimize/${sweepId}`);
    const { page } = app;
    try {
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 30_000 });
      for (const width of [1024, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length > 0);
        await page.getByTestId('heatmap').waitFor();
        // Every header's words fit its column (none cut to "Stop lo…").
        const clipped = await page
          .getByTestId('variants-table')
          .locator('.vhead > *')
          .evaluateAll((headers) => headers.filter((h) => h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1).map((h) => h.textContent));
        expect(clipped, `at ${width} px`).toEqual([]);
        // The table scrolls sideways inside its panel rather than spilling out of it or cutting columns.
        const table = await page.getByTestId('variants-table').evaluate((section) => {
          const panel = section.getBoundingClientRect();
          const last = section.querySelector('.vhead > :last-child')!.getBoundingClientRect();
          const scroller = section.querySelector('.vlist')!;
          return { panelRight: panel.right, viewport: window.innerWidth, scrolls: scroller.scrollWidth > scroller.clientWidth, lastRight: last.right, scrollerRight: scroller.getBoundingClientRect().right };
        });
        expect(table.panelRight, `at ${width} px`).toBeLessThanOrEqual(table.viewport);
        if (width === 1280) {
          // Wide enough for every column, its headers wrapped: nothing cut at the right edge.
          expect(table.lastRight, `at ${width} px`).toBeLessThanOrEqual(table.scrollerRight);
          expect(await page.getByTestId('variants-scroll-hint').count()).toBe(0);
        } else if (table.lastRight > table.scrollerRight) {
          // Narrower: it scrolls sideways, and says so above the table.
          expect(table.scrolls, `at ${width} px`).toBe(true);
          await page.getByTestId('variants-scroll-hint').waitFor();
        }
        // The heatmap fills most of its panel's width or its cells reach their cap.
        const heat = await page.getByTestId('heatmap').evaluate((box) => ({ box: box.getBoundingClientRect().width, canvas: box.querySelector('canvas')!.getBoundingClientRect().width, cell: Number(box.getAttribute('data-cell')) }));
        expect(heat.cell, `at ${width} px`).toBeGreaterThanOrEqual(48);
        expect(heat.canvas, `at ${width} px`).toBeGreaterThanOrEqual(Math.min(heat.box * 0.5, 56 + 4 * 80));
      }
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
