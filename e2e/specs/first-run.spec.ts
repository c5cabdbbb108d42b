import { describe, expect, it } from 'vitest';
import { goTo, invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/**
 * A first open says what to do first: the Data screen lists the steps (data, a strategy,
 * a run) until a strategy exists, every empty screen says in one line what comes first,
 * and a strategy can start blank beside the templates.
 */
describe('first run', () => {
  const { browser, server } = useBrowserAndServer();

  it('guides a first open step by step and starts a blank strategy', async () => {
    const app = await openApp(browser(), server());
    const { page } = app;
    try {
      await page.getByTestId('first-steps').waitFor();
      expect(await page.getByTestId('first-steps').locator('li').allTextContents()).toEqual([
        'Data: bars are loaded (see Instruments below); import your own CSV below whenever you like.',
        'Next: make a strategy from a template or a blank one on Strategies.',
        'Run it on Run & Results; every run is kept in History.',
      ]);
      // "below" is where they are: the Import panel and the Instruments table come after the steps.
      const top = async (testId: string) => (await page.getByTestId(testId).boundingBox())!.y;
      expect(await top('import-panel')).toBeGreaterThan(await top('first-steps'));
      expect(await top('series-table')).toBeGreaterThan(await top('first-steps'));

      // Each empty screen says what to do first.
      await goTo(page, 'builder');
      expect(await page.getByTestId('builder-empty').textContent()).toContain('first make one from a template or a blank one');
      await goTo(page, 'run');
      expect(await page.getByTestId('run-empty').textContent()).toContain('first make one from a template on Strategies');
      await goTo(page, 'history');
      expect(await page.getByTestId('history-empty').textContent()).toContain('Run a strategy on Run & Results first');
      await page.getByTestId('nav-optimize').click();
      expect(await page.getByTestId('sweep-none').textContent()).toContain('then Start sweep');

      await goTo(page, 'data');
      await page.getByTestId('first-step-strategies').click();
      await page.getByTestId('screen-strategies').waitFor();
      expect(await page.getByTestId('strategies-empty').textContent()).toContain('or start from “Blank strategy”');

      // A blank strategy: no rules; the builder says the one thing it lacks.
      await page.getByTestId('strategy-new-blank').click();
      await page.getByTestId('builder-title').filter({ hasText: 'Blank strategy' }).waitFor();
      await page.getByTestId('validation-status').filter({ hasText: '1 problem' }).waitFor();
      expect(await page.getByTestId('entry-conditions').textContent()).toContain('No entry rule.');
      const stored = await invoke<{ items: { id: string; name: string }[] }>(server(), 'strategies/list');
      expect(stored.items.map((s) => s.name)).toEqual(['Blank strategy']);
      const detail = await invoke<{ spec: { entry: object; exit: object; management: object } }>(server(), 'strategies/get', { id: stored.items[0]!.id });
      expect(detail.spec).toMatchObject({ entry: {}, exit: {}, management: {} });

      // With a strategy, the first steps have done their job.
      await goTo(page, 'data');
      await page.getByTestId('series-table').waitFor();
      await page.waitForTimeout(300);
      expect(await page.getByTestId('first-steps').count()).toBe(0);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
