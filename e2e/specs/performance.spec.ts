import { describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { useBrowserAndServer } from '../lib/fixture.js';

interface Job {
  readonly id: string;
  readonly status: string;
}

/** After a backtest, the Performance screen shows handler latencies, the pool and throughput, and keeps refreshing. */
describe('performance monitor', () => {
  const { browser, server } = useBrowserAndServer();

  it('shows handler latency, pool figures and bars/s after a backtest', async () => {
    // A backtest through the API: a template strategy over a month of the seeded demo minutes.
    const catalog = await invoke<{ templates: { id: string; spec: Record<string, unknown> }[] }>(server(), 'strategies/catalog');
    const template = catalog.templates.find((t) => t.id === 'sma-cross')!;
    const created = await invoke<{ id: string }>(server(), 'strategies/create', { spec: template.spec });
    const series = await invoke<{ instrument: { symbol: string }; timeframe: string; lastTs: number }[]>(server(), 'data/listSeries');
    const demo = series.find((s) => s.instrument.symbol === 'DEMO-BTC') ?? series[0]!;
    const { jobId } = await invoke<{ jobId: string }>(server(), 'backtest/start', {
      strategyId: created.id,
      symbol: demo.instrument.symbol,
      timeframe: demo.timeframe,
      fromTs: demo.lastTs - 30 * 86_400_000,
    });
    for (let i = 0; i < 300; i++) {
      const job = (await invoke<Job[]>(server(), 'jobs/list')).find((j) => j.id === jobId);
      if (job?.status === 'done') break;
      if (job && ['failed', 'cancelled', 'interrupted'].includes(job.status)) throw new Error(`backtest ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const app = await openApp(browser(), server());
    const { page } = app;
    await page.getByTestId('nav-performance').click();
    await page.getByTestId('perf-handlers').waitFor();
    const start = page.getByTestId('perf-handler').and(page.locator('[data-name="backtest/start"]'));
    await start.waitFor();
    expect(Number(await start.getByTestId('perf-p50').textContent())).toBeGreaterThanOrEqual(0);
    const pool = page.getByTestId('perf-pool').and(page.locator('[data-pool="backtest"]'));
    await pool.waitFor();
    expect(Number(await pool.getByTestId('perf-pool-completed').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('perf-bars-per-second').textContent()).toMatch(/[\d,]+ bars\/s/);
    expect(await page.getByTestId('perf-rss').textContent()).toMatch(/MB/);

    // It refreshes on its own: the collection time moves, and the screen's own polling shows as calls.
    const first = await page.getByTestId('perf-collected').getAttribute('data-collected-at');
    await page.waitForFunction((before) => document.querySelector('[data-testid="perf-collected"]')?.getAttribute('data-collected-at') !== before, first, { timeout: 5_000 });
    const polled = page.getByTestId('perf-handler').and(page.locator('[data-name="system/performance"]'));
    await polled.waitFor();

    // Hidden, it stops asking: no call while the page is in the background.
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const calls = async (): Promise<number> =>
      (await invoke<{ handlers: { name: string; calls: number }[] }>(server(), 'system/performance')).handlers.find((h) => h.name === 'system/performance')!.calls;
    await new Promise((resolve) => setTimeout(resolve, 300)); // a call already in flight lands
    const before = await calls();
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await calls()).toBe(before + 1); // only this test's own call in between
    expect(app.errors).toEqual([]);
    await app.close();
  }, 45_000);
});
