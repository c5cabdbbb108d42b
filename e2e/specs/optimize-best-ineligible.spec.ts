import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/**
 * The server ranks variants that made the sweep's minimum trades first, so its "best" fails
 * the minimum only when no variant made it. The view used to present that variant as a
 * normal best ("best #10: 4.829 (fast=15, slow=20)", 0 trades); it now says none made it.
 */
describe('optimize: a sweep where no variant made the minimum trades', () => {
  const { browser, server } = useBrowserAndServer();

  it('says so on the best line, and marks the variants and heatmap cells', async () => {
    const space = [
      { name: 'fast', min: 5, max: 15, step: 5 },
      { name: 'slow', min: 20, max: 40, step: 10 },
    ];
    const { sweepId } = await invoke<{ sweepId: string }>(server(), 'sweeps/start', {
      source: { kind: 'template', templateId: 'sma-cross' },
      space,
      constraints: [{ left: 'fast', operator: '<', right: 'slow' }],
      objective: { metric: 'sharpe', minTrades: 100_000 },
      symbol: 'DEMO-BTC',
      timeframe: '1m',
    });
    const app = await openApp(browser(), server(), `#/optimize/${sweepId}`);
    const { page } = app;
    try {
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 30_000 });
      const best = page.getByTestId('sweep-best');
      await page.waitForFunction(() => /most: \d/.test(document.querySelector('[data-testid="sweep-best"]')?.textContent ?? ''));
      expect(await best.getAttribute('data-eligible')).toBe('false');
      expect(await best.textContent()).toMatch(/^No variant made the minimum 100,000 trades \(most: [\d,]+\); best by Sharpe shown anyway: #\d+: -?[\d.,]+ \(fast=\d+, slow=\d+\)$/);
      expect(await best.getAttribute('class')).toContain('warn');

      await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length === 9);
      expect(await page.getByTestId('variant-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-eligible')))).toEqual(Array(9).fill('false'));
      expect(await page.getByTestId('variants-min-note').textContent()).toContain('fewer than the minimum 100,000 trades');
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="heatmap"]')?.getAttribute('data-filled')) > 0);
      const heatmap = page.getByTestId('heatmap');
      expect(await heatmap.getAttribute('data-below-min')).toBe(await heatmap.getAttribute('data-filled'));
      expect(await page.getByTestId('heatmap-below-min').textContent()).toContain('fewer than 100,000 trades');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
