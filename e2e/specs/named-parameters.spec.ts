import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { importMarketDataFile } from '../lib/csv.js';
import { waitValid } from '../lib/builder.js';
import { useBrowserAndServer } from '../lib/fixture.js';

const ENTRY_SLOW = 'entry.long.children.0.right.params.period';
const EXIT_SLOW = 'exit.long.children.0.right.params.period';

interface Spec {
  readonly parameters?: { name: string; paths: string[] }[];
  readonly entry: { long: { children: { right: { params: { period: number } } }[] } };
  readonly exit: { long: { children: { right: { params: { period: number } } }[] } };
  readonly management: { stopLoss?: { value: number }; takeProfit?: { value: number } };
}

describe('named parameters', () => {
  const { browser, server } = useBrowserAndServer();

  it('keeps a template\'s fast and slow when saved, links any number field by a name, and optimizes and reports by those names', async () => {
    await importMarketDataFile(server(), 'GOOG.csv', 'GOOG', '1d');
    const created = await invoke<{ id: string; spec: Spec }>(server(), 'strategies/create', { name: 'Linked cross', templateId: 'sma-cross' });
    expect(created.spec.parameters?.map((p) => p.name)).toEqual(['fast', 'slow']);
    const app = await openApp(browser(), server(), `#/builder/${created.id}`);
    const { page } = app;
    try {
      await page.getByTestId('builder-title').waitFor();
      // The entry's and the exit's slow SMA are one parameter: changing one changes both.
      expect(await page.getByTestId(`link-${ENTRY_SLOW}`).textContent()).toBe('slow');
      expect(await page.getByTestId(`link-${EXIT_SLOW}`).textContent()).toBe('slow');
      await page.getByTestId(`field-${ENTRY_SLOW}`).fill('50');
      await expect.poll(() => page.getByTestId(`field-${EXIT_SLOW}`).inputValue()).toBe('50');
      expect(await page.getByTestId('parameter-value-slow').inputValue()).toBe('50');

      // Any number field can be named, and the name used in another place.
      await page.getByTestId('distance-management.stopLoss').selectOption('percent');
      await page.getByTestId('distance-management.takeProfit').selectOption('percent');
      await page.getByTestId('link-management.stopLoss.value').click();
      await page.getByTestId('link-choice-management.stopLoss.value').selectOption({ label: 'New parameter…' });
      await page.getByTestId('link-name-management.stopLoss.value').fill('band');
      await page.getByTestId('link-apply-management.stopLoss.value').click();
      await page.getByTestId('link-management.takeProfit.value').click();
      await page.getByTestId('link-choice-management.takeProfit.value').selectOption('band');
      await page.getByTestId('link-apply-management.takeProfit.value').click();
      await page.getByTestId('field-management.stopLoss.value').fill('3');
      await expect.poll(() => page.getByTestId('field-management.takeProfit.value').inputValue()).toBe('3');
      expect(await page.getByTestId('parameter-uses-band').textContent()).toBe('Stop loss: distance (%) · Take profit: distance (%)');
      await waitValid(page);
      await page.getByTestId('builder-save').click();
      await page.getByTestId('draft-status').waitFor({ state: 'detached' });

      const saved = await invoke<{ spec: Spec }>(server(), 'strategies/get', { id: created.id });
      expect(saved.spec.parameters?.map((p) => p.name)).toEqual(['fast', 'slow', 'band']);
      expect([saved.spec.entry.long.children[0]!.right.params.period, saved.spec.exit.long.children[0]!.right.params.period]).toEqual([50, 50]);
      expect([saved.spec.management.stopLoss?.value, saved.spec.management.takeProfit?.value]).toEqual([3, 3]);

      // A reload keeps the links.
      await page.reload();
      await page.getByTestId('builder-title').waitFor();
      expect(await page.getByTestId(`link-${EXIT_SLOW}`).textContent()).toBe('slow');
      expect(await page.getByTestId('link-management.takeProfit.value').textContent()).toBe('band');

      // Optimize offers the names first, fast and slow ticked with their constraint, and no linked field on its own.
      await page.getByTestId('nav-optimize').click();
      await page.getByTestId('opt-source').selectOption(`strategy:${created.id}`);
      await page.getByTestId('opt-param-row').first().waitFor();
      const rows = await page.getByTestId('opt-param-row').evaluateAll((all) => all.map((row) => row.getAttribute('data-name')));
      expect(rows.slice(0, 3)).toEqual(['fast', 'slow', 'band']);
      expect(rows.filter((name) => name!.includes('params.period') || name!.startsWith('management.stopLoss'))).toEqual([]);
      expect(await page.getByTestId('opt-use-fast').isChecked()).toBe(true);
      expect(await page.getByTestId('opt-use-slow').isChecked()).toBe(true);
      expect(await page.getByTestId('opt-use-band').isChecked()).toBe(false);
      expect(await page.getByTestId('opt-constraints').inputValue()).toBe('fast < slow');
      await page.getByTestId('opt-series').selectOption('GOOG/1d');
      for (const [name, min, max, step] of [['fast', '5', '10', '5'], ['slow', '20', '30', '10']] as const) {
        await page.getByTestId(`opt-min-${name}`).fill(min);
        await page.getByTestId(`opt-max-${name}`).fill(max);
        await page.getByTestId(`opt-step-${name}`).fill(step);
      }
      await page.getByTestId('opt-min-trades').fill('0');
      await page.getByTestId('sweep-setup-start').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 60_000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="variant-row"]').length === 4);
      // The variants are named by the parameters, and each moved both SMAs of its parameter.
      await page.getByTestId('vsort-param-fast').waitFor();
      await page.getByTestId('vsort-param-slow').waitFor();
      const sweeps = await invoke<{ items: { id: string }[] }>(server(), 'sweeps/list');
      const variants = await invoke<{ items: { params: Record<string, number>; runId: string | null }[] }>(server(), 'sweeps/variants', { sweepId: sweeps.items[0]!.id, limit: 10 });
      expect(variants.items.map((v) => Object.keys(v.params).sort().join(','))).toEqual(['fast,slow', 'fast,slow', 'fast,slow', 'fast,slow']);

      // A run of it says its parameters by name in its header.
      await page.goto(`${server().url}#/run/${created.id}`);
      await page.getByTestId('run-series').selectOption('GOOG/1d');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('run-parameters').filter({ hasText: 'fast = 10 · slow = 50 · band = 3' }).waitFor({ timeout: 60_000 });
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
