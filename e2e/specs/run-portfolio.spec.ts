import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { waitValid } from '../lib/builder.js';
import { basketMomentum } from '../lib/basket-specs.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/** A weekly momentum rotation: three slots of equal weight, entries ranked by 48-bar rate of change. */
const rotation = basketMomentum('Basket rotation', 3, { weekly: true });

describe('portfolio runs on the Run screen', () => {
  const { browser, server } = useBrowserAndServer();

  it('runs a strategy over every instrument tagged demo-basket and shows each instrument, its trades and its chart', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { spec: rotation });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('run-scope').selectOption('tag:demo-basket');
      await page.getByTestId('run-from').fill('2024-05-01');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-universe').filter({ hasText: '10 instruments tagged demo-basket 1h' }).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByTestId('run-instrument-row').count(), { timeout: 30_000 }).toBe(10);
      const most = Number(await page.getByTestId('run-most-positions').textContent());
      expect(most).toBeGreaterThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(3);

      // Every trade names its instrument; the instruments' trades add up to the run's.
      await page.getByTestId('trade-count').waitFor();
      const total = Number((await page.getByTestId('trade-count').textContent())!.replace(/,/g, ''));
      const counts = (await page.getByTestId('run-instrument-trades').allTextContents()).map(Number);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      const symbols = await page.getByTestId('run-instrument-symbol').allTextContents();
      await page.getByTestId('trade-symbol').first().waitFor();
      for (const cell of await page.getByTestId('trade-symbol').allTextContents()) expect(symbols).toContain(cell);

      // Picking an instrument shows its trades only and its price with its fills.
      const k = counts.findIndex((c) => c > 0 && c !== total);
      await page.getByTestId('run-instrument-row').nth(k).click();
      await page.getByTestId('trades-table').filter({ hasText: `Trades of ${symbols[k]}` }).waitFor();
      await expect.poll(async () => Number((await page.getByTestId('trade-count').textContent())!.replace(/,/g, ''))).toBe(counts[k]);
      await page.getByTestId('run-chart-symbol').filter({ hasText: symbols[k]! }).waitFor();
      await expect.poll(async () => new Set(await page.getByTestId('trade-symbol').allTextContents())).toEqual(new Set([symbols[k]]));
      // A second click shows them all again.
      await page.getByTestId('run-instrument-row').nth(k).click();
      await expect.poll(async () => Number((await page.getByTestId('trade-count').textContent())!.replace(/,/g, ''))).toBe(total);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('will not run a tag none of whose instruments has the series timeframe, and says which to choose', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { spec: { ...rotation, name: 'Minute basket' } });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      // DEMO-BTC is stored in minutes, the basket hourly: no basket instrument has 1m bars.
      await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
      await page.getByTestId('run-scope').selectOption('tag:demo-basket');
      await page.getByTestId('run-scope-error').filter({ hasText: 'No instrument tagged demo-basket has 1m bars' }).waitFor();
      expect(await page.getByTestId('run-start').isDisabled()).toBe(true);
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      expect(await page.getByTestId('run-scope-error').count()).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('runs the instruments picked one by one, and will not run none', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { spec: { ...rotation, name: 'Picked rotation' } });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    try {
      await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('run-scope').selectOption('pick');
      await page.getByTestId('run-universe-picker').waitFor();
      expect(await page.getByTestId('run-start').isDisabled()).toBe(true);
      await page.getByTestId('run-universe-DEMO-BRAVO').check();
      await page.getByTestId('run-universe-DEMO-GOLF').check();
      await page.getByTestId('run-from').fill('2024-05-01');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-universe').filter({ hasText: '2 instruments 1h' }).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByTestId('run-instrument-symbol').allTextContents(), { timeout: 30_000 }).toEqual(['DEMO-BRAVO', 'DEMO-GOLF']);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('builds a weekly rotation in the builder (slots, equal weight, ranking) and runs it over the demo basket', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Built rotation' });
    const app = await openApp(browser(), server(), `#/builder/${strategy.id}`);
    const { page } = app;
    try {
      await page.getByTestId('builder-title').waitFor();
      await page.getByTestId('sizing-kind').selectOption('equalWeight');
      await page.getByTestId('portfolio-enabled').check();
      await page.getByTestId('field-portfolio.maxPositions').fill('0');
      await page.getByTestId('issue-portfolio.maxPositions').waitFor();
      await page.getByTestId('field-portfolio.maxPositions').fill('3');
      await page.getByTestId('portfolio-ranking').selectOption('desc');
      await page.getByTestId('variable-portfolio.ranking.by').selectOption('roc');
      await page.getByTestId('field-portfolio.ranking.by.params.period').fill('48');
      await page.getByTestId('portfolio-rotation').selectOption('week');
      await page.getByTestId('field-portfolio.rotation.top').fill('3');
      await waitValid(page);
      await page.keyboard.press('Control+s');
      await page.getByTestId('draft-status').waitFor({ state: 'detached' });
      const saved = await invoke<{ spec: { sizing: unknown; portfolio: unknown } }>(server(), 'strategies/get', { id: strategy.id });
      expect(saved.spec.sizing).toEqual({ kind: 'equalWeight' });
      expect(saved.spec.portfolio).toEqual({
        maxPositions: 3,
        ranking: { by: { kind: 'variable', variable: 'roc', params: { period: 48 } }, order: 'desc' },
        rotation: { every: { kind: 'calendar', period: 'week' }, top: 3 },
      });

      await page.getByTestId('builder-run').click();
      await page.getByTestId('run-form').waitFor();
      await page.getByTestId('run-series').selectOption('DEMO-ALFA/1h');
      await page.getByTestId('run-scope').selectOption('tag:demo-basket');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-universe').filter({ hasText: '10 instruments tagged demo-basket 1h' }).waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByTestId('run-instrument-row').count(), { timeout: 30_000 }).toBe(10);
      const most = Number(await page.getByTestId('run-most-positions').textContent());
      expect(most).toBeGreaterThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(3);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
