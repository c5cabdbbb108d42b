import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/**
 * A sweep stopped part-way (cancelled, or the app stopped under it) keeps the variants it
 * finished; Resume runs the ones it lacks and ends it completed, as if it had never stopped.
 */
describe('optimize: resume a stopped sweep', () => {
  const { browser, server } = useBrowserAndServer();

  it('offers Resume on a cancelled sweep and completes it with every variant', async () => {
    const app = await openApp(browser(), server());
    const { page } = app;
    try {
      // 1-minute bars of a demo coin, 10 x 10 variants: seconds, long enough to cancel part-way.
      const space = [
        { name: 'fast', min: 2, max: 20, step: 2 },
        { name: 'slow', min: 30, max: 120, step: 10 },
      ];
      const { jobId, sweepId } = await invoke<{ jobId: string; sweepId: string }>(server(), 'sweeps/start', { source: { kind: 'template', templateId: 'sma-cross' }, space, objective: { metric: 'sharpe' }, symbol: 'DEMO-BTC', timeframe: '1m' });
      await expect.poll(async () => (await invoke<{ counts: { done: number } }>(server(), 'sweeps/get', { sweepId })).counts.done, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
      await invoke(server(), 'jobs/cancel', { id: jobId });
      await expect.poll(async () => (await invoke<{ status: string }>(server(), 'sweeps/get', { sweepId })).status, { timeout: 30_000 }).toBe('cancelled');
      const kept = (await invoke<{ counts: { done: number } }>(server(), 'sweeps/get', { sweepId })).counts.done;
      expect(kept).toBeLessThan(100);

      await page.evaluate((id) => (window.location.hash = `#/optimize/${id}`), sweepId);
      await page.getByTestId('sweep-resume').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 60_000 });
      expect(await page.getByTestId('sweep-status').textContent()).toBe('completed');
      // Done: nothing left to resume.
      expect(await page.getByTestId('sweep-resume').count()).toBe(0);
      const sweep = await invoke<{ counts: { done: number; failed: number } }>(server(), 'sweeps/get', { sweepId });
      expect(sweep.counts.done + sweep.counts.failed).toBe(100);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
