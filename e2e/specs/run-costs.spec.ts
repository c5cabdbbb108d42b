import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

interface Created {
  id: string;
  spec: { costs: Record<string, number> } & Record<string, unknown>;
}

describe('costs in the run results', () => {
  const { browser, server } = useBrowserAndServer();

  it('says when the fees dominate a run, and not when they do not', async () => {
    const cheap = await invoke<Created>(server(), 'strategies/create', { templateId: 'sma-cross', name: 'Cheap cross' });
    const costly = await invoke<Created>(server(), 'strategies/create', { templateId: 'sma-cross', name: 'Costly cross' });
    // A fixed 100 per order on 10,000: a few dozen crosses pay the starting cash away.
    await invoke(server(), 'strategies/update', { id: costly.id, spec: { ...costly.spec, costs: { ...costly.spec.costs, commissionFixed: 100 } } });
    const app = await openApp(browser(), server(), `#/run/${costly.id}`);
    const { page } = app;
    const run = async () => {
      await page.getByTestId('run-series').selectOption('DEMO-BTC/1m');
      await page.getByTestId('run-from').fill('2025-01-01');
      await page.getByTestId('run-to').fill('2025-01-03');
      await page.locator('[data-testid="run-start"]:not([disabled])').click();
      await page.getByTestId('metric-end').waitFor({ timeout: 60_000 });
    };
    try {
      await run();
      const note = page.getByTestId('run-fee-note');
      await note.waitFor();
      expect(await note.textContent()).toMatch(/^Fees of [\d,.]+ were [\d,]+ % of the starting cash \(10,000\.00\): the costs dominate this strategy\.$/);

      await page.evaluate((id) => (window.location.hash = `#/run/${id}`), cheap.id);
      await page.getByTestId('run-strategy').filter({ hasText: 'Cheap cross' }).waitFor();
      await run();
      await page.getByTestId('run-results').locator('strong').filter({ hasText: 'Cheap cross' }).waitFor();
      await page.getByTestId('run-hash').filter({ hasText: /^[0-9a-f]{12}$/ }).waitFor();
      expect(await page.getByTestId('run-fee-note').allTextContents()).toEqual([]);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  }, 90_000);
});
