import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { waitValid } from '../lib/builder.js';
import { importMarketDataFile } from '../lib/csv.js';
import { useBrowserAndServer } from '../lib/fixture.js';

const HOUR_MS = 3_600_000;

describe('run choices', () => {
  const { browser, server } = useBrowserAndServer();

  it('runs on any timeframe the stored bars give: minute bars resample to 5m … 1d as the CLI does; a daily series offers only 1d', async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'Timeframes' });
    const app = await openApp(browser(), server(), `#/run/${strategy.id}`);
    const { page } = app;
    const options = () => page.getByTestId('run-timeframe').locator('option').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    try {
      await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
      expect(await options()).toEqual(['1m', '5m', '15m', '30m', '1h', '4h', '1d']);
      expect(await page.getByTestId('run-timeframe').inputValue()).toBe('1m');
      await page.getByTestId('run-from').fill('2025-02-01');
      await page.getByTestId('run-to').fill('2025-02-28');
      await page.getByTestId('run-timeframe').selectOption('4h');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-data').filter({ hasText: 'DEMO-BTC 4h' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('run-hash').filter({ hasText: /^[0-9a-f]{12}$/ }).waitFor({ timeout: 30_000 });
      const runs = await invoke<{ items: { id: string; timeframe: string; barCount: number; fromTs: number; toTs: number }[] }>(server(), 'runs/list', { strategyId: strategy.id });
      expect(runs.items).toHaveLength(1);
      const run = runs.items[0]!;
      expect(run.timeframe).toBe('4h');
      // 28 days of 4-hour buckets from the demo's minutes.
      expect(run.barCount).toBe((run.toTs - run.fromTs) / (4 * HOUR_MS));

      await page.getByTestId('run-series').selectOption('GOOG/1d');
      expect(await options()).toEqual(['1d']);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('runs what the builder shows: unsaved edits run (named in the run header, stored with the run) unless the saved version is chosen', async () => {
    const strategy = await invoke<{ id: string }>(server(), 'strategies/create', { name: 'RSI edits', templateId: 'rsi-mean-reversion' });
    const app = await openApp(browser(), server(), `#/builder/${strategy.id}`);
    const { page } = app;
    const LOWER = 'field-entry.long.children.0.right.value';
    const lowerOf = async (runId: string) => {
      const run = await invoke<{ spec: { entry: { long: { children: { right: { value: number } }[] } } }; extras: { unsavedEdits?: boolean } }>(server(), 'runs/get', { id: runId });
      return { lower: run.spec.entry.long.children[0]!.right.value, unsaved: run.extras.unsavedEdits ?? false };
    };
    const lastRunId = async () => (await invoke<{ items: { id: string }[] }>(server(), 'runs/list', { strategyId: strategy.id, limit: 1 })).items[0]!.id;
    const runNow = async (count: number) => {
      await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
      await page.getByTestId('run-from').fill('2025-03-01');
      await page.getByTestId('run-to').fill('2025-03-31');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      // The run before this one may still show its hash: wait for the store to hold this run.
      await expect
        .poll(async () => (await invoke<{ total: number }>(server(), 'runs/list', { strategyId: strategy.id })).total, { timeout: 60_000 })
        .toBe(count);
      await page.getByTestId('run-hash').filter({ hasText: /^[0-9a-f]{12}$/ }).waitFor({ timeout: 60_000 });
      return lowerOf(await lastRunId());
    };
    try {
      // RSI below 30 becomes 25, not saved: Run runs the 25.
      await page.getByTestId('builder-title').waitFor();
      await page.getByTestId(LOWER).fill('25');
      await waitValid(page);
      await page.getByTestId('builder-run').click();
      await page.getByTestId('run-form').waitFor();
      await page.getByTestId('run-version').waitFor();
      expect(await page.getByTestId('run-version').inputValue()).toBe('edits');
      expect(await runNow(1)).toEqual({ lower: 25, unsaved: true });
      await page.getByTestId('run-unsaved').filter({ hasText: 'unsaved edits' }).waitFor();

      // The saved version, when chosen, says nothing of edits.
      await page.getByTestId('run-version').selectOption('saved');
      expect(await runNow(2)).toEqual({ lower: 30, unsaved: false });
      expect(await page.getByTestId('run-unsaved').count()).toBe(0);

      // Leaving the builder by its tab right after typing: the last edit is what runs.
      await page.getByTestId('nav-builder').click();
      await page.getByTestId(LOWER).fill('20');
      await page.getByTestId('nav-run').click();
      await page.getByTestId('run-version').waitFor();
      expect(await page.getByTestId('run-version').inputValue()).toBe('edits');
      expect(await runNow(3)).toEqual({ lower: 20, unsaved: true });
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
