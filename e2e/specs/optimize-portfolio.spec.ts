import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { basketMomentum } from '../lib/basket-specs.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/** Momentum over a basket: three slots of equal weight, entries ranked by 48-bar rate of change. */
const momentum = basketMomentum('Basket momentum sweep', 3);

interface Variant {
  readonly index: number;
  readonly hash: string | null;
  readonly runId: string | null;
  readonly params: Record<string, number>;
}

describe('optimize a portfolio strategy', () => {
  const { browser, server } = useBrowserAndServer();

  it('sweeps slots and the ranking period over every instrument tagged demo-basket and opens the best variant as a portfolio run', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { spec: momentum });
    const app = await openApp(browser(), server(), `#/optimize/strategy:${strategy.id}`);
    const { page } = app;
    try {
      await page.getByTestId('sweep-setup').waitFor();
      await page.getByTestId('opt-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('opt-scope').selectOption('tag:demo-basket');
      // The slots and the ranking's parameter are offered like any number of the strategy, in words and with their limits.
      const slots = page.locator('[data-testid="opt-param-row"][data-name="portfolio.maxPositions"]');
      const period = page.locator('[data-testid="opt-param-row"][data-name="portfolio.ranking.by.params.period"]');
      await expect.poll(() => period.textContent()).toContain('Ranking: Rate of change period');
      await page.getByTestId('opt-use-portfolio.maxPositions').check();
      // No slot at all is refused next to the field, before anything runs.
      await page.getByTestId('opt-min-portfolio.maxPositions').fill('0');
      await page.getByTestId('opt-range-error-portfolio.maxPositions').waitFor();
      expect(await page.getByTestId('sweep-setup-start').isDisabled()).toBe(true);
      await page.getByTestId('opt-min-portfolio.maxPositions').fill('1');
      await page.getByTestId('opt-max-portfolio.maxPositions').fill('3');
      await page.getByTestId('opt-step-portfolio.maxPositions').fill('1');
      await page.getByTestId('opt-use-portfolio.ranking.by.params.period').check();
      await page.getByTestId('opt-min-portfolio.ranking.by.params.period').fill('24');
      await page.getByTestId('opt-max-portfolio.ranking.by.params.period').fill('72');
      await page.getByTestId('opt-step-portfolio.ranking.by.params.period').fill('48');
      expect(await slots.textContent()).toContain('3');
      await page.getByTestId('opt-from').fill('2024-03-01');
      await page.getByTestId('opt-to').fill('2024-05-31');
      await page.getByTestId('opt-metric').selectOption('totalReturnPct');
      await page.getByTestId('opt-min-trades').fill('0');
      expect(await page.getByTestId('opt-planned').textContent()).toContain('6 grid points');
      await page.getByTestId('sweep-setup-start').click();

      await page.getByTestId('sweep-view').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 60_000 });
      expect(await page.getByTestId('sweep-on').textContent()).toBe('10 instruments (demo-basket)');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length === 6);

      const sweepId = decodeURIComponent((await page.evaluate(() => window.location.hash)).replace(/^#\/optimize\//, ''));
      const variants = await invoke<{ items: Variant[] }>(server(), 'sweeps/variants', { sweepId });
      const best = variants.items[0]!;
      expect(new Set(variants.items.map((v) => v.hash)).size).toBe(6);
      // The best variant (the first row) opens as a full portfolio run over the same ten instruments, with the variant's run hash.
      await page.getByTestId('variant-row').first().click();
      await page.getByTestId('screen-history').waitFor({ timeout: 60_000 });
      await page.getByTestId('run-results').waitFor({ timeout: 30_000 });
      const runId = decodeURIComponent((await page.evaluate(() => window.location.hash)).replace(/^#\/history\//, ''));
      const run = await invoke<{ hash: string; universe: { tag?: string; symbols: string[] } | null }>(server(), 'runs/get', { id: runId });
      expect(run.hash).toBe(best.hash);
      expect(run.universe?.tag).toBe('demo-basket');
      expect(run.universe?.symbols).toHaveLength(10);
      await expect.poll(() => page.getByTestId('run-instrument-row').count(), { timeout: 30_000 }).toBe(10);
      const opened = await invoke<{ items: Variant[] }>(server(), 'sweeps/variants', { sweepId });
      expect(opened.items.find((v) => v.index === best.index)?.runId).toBe(runId);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('sweeps over instruments picked one by one, and says so when none is picked', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { spec: { ...momentum, name: 'Picked momentum sweep' } });
    const app = await openApp(browser(), server(), `#/optimize/strategy:${strategy.id}`);
    const { page } = app;
    try {
      await page.getByTestId('sweep-setup').waitFor();
      await page.getByTestId('opt-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('opt-scope').selectOption('pick');
      await page.getByTestId('opt-universe-picker').waitFor();
      await page.getByTestId('opt-use-portfolio.maxPositions').check();
      await page.getByTestId('opt-min-portfolio.maxPositions').fill('1');
      await page.getByTestId('opt-max-portfolio.maxPositions').fill('2');
      await page.getByTestId('opt-step-portfolio.maxPositions').fill('1');
      await page.getByTestId('opt-from').fill('2024-03-01');
      await page.getByTestId('opt-to').fill('2024-04-30');
      const sweeps = async () => (await invoke<{ total: number }>(server(), 'sweeps/list')).total;
      const before = await sweeps();
      await page.getByTestId('sweep-setup-start').click();
      await page.getByTestId('sweep-setup-error').filter({ hasText: 'Pick at least one instrument for the portfolio.' }).waitFor();
      expect(await sweeps()).toBe(before);
      await page.getByTestId('opt-universe-DEMO-BRAVO').check();
      await page.getByTestId('opt-universe-DEMO-GOLF').check();
      await page.getByTestId('sweep-setup-start').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 60_000 });
      expect(await page.getByTestId('sweep-on').textContent()).toBe('2 instruments');
      expect(await page.getByTestId('sweep-on').getAttribute('title')).toBe('DEMO-BRAVO, DEMO-GOLF');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length === 2);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
