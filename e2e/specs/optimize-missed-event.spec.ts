import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

/**
 * A sweep's view learns that its job ended from the job/finished event, which it can miss:
 * the job may end between the view's fetch of the sweep and its subscription (a small
 * sweep ends in milliseconds), or while the socket reconnects. The view then said
 * "running" for ever (an e2e sweep once timed out on it under load). Here every
 * job/finished event is dropped on its way to the page.
 */
describe('optimize: a sweep view that misses the end of its job', () => {
  const { browser, server } = useBrowserAndServer();

  it('still shows the sweep completed, from the sweep record', async () => {
    const app = await openApp(browser(), server());
    const { page } = app;
    try {
      let dropped = 0;
      await page.routeWebSocket(/\/api\/events/, (ws) => {
        const upstream = ws.connectToServer();
        upstream.onMessage((message) => {
          if (String(message).includes('"job/finished"')) dropped++;
          else ws.send(message);
        });
      });
      await page.reload();
      await page.getByTestId('nav-data').waitFor();
      // 1-minute bars of a demo coin, 8 x 8 variants: a few seconds, so the view opens on a running sweep.
      const space = [
        { name: 'fast', min: 2, max: 16, step: 2 },
        { name: 'slow', min: 30, max: 100, step: 10 },
      ];
      const { sweepId } = await invoke<{ sweepId: string }>(server(), 'sweeps/start', { source: { kind: 'template', templateId: 'sma-cross' }, space, objective: { metric: 'sharpe' }, symbol: 'DEMO-BTC', timeframe: '1m' });
      await page.evaluate((id) => (window.location.hash = `#/optimize/${id}`), sweepId);
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-view"]')?.getAttribute('data-status') === 'completed', undefined, { timeout: 30_000 });
      expect(dropped).toBeGreaterThanOrEqual(1);
      expect(await page.getByTestId('sweep-status').textContent()).toBe('completed');
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
