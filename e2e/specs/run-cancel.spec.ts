import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { launchBrowser } from '../lib/browser.js';
import { startServer, type RunningServer } from '../lib/server.js';

/**
 * Cancelling a run from the UI. A year of minutes runs in ~100 ms, too quick to click
 * Cancel on, so this server's worker keeps every backtest in the real engine loop (with
 * its real cancel poll) for 30 s: BWS_TEST_JOB_FAULT=busy:30000 (backtest-protocol.ts).
 */
describe('run: cancel a long backtest', () => {
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer({ env: { BWS_TEST_FAULTS: '1', BWS_TEST_JOB_FAULT: 'busy:30000' } })]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  it('shows progress, stops at once on Cancel and on Escape, and stores no run', async () => {
    const strategy = await invoke<{ id: string }>(server!, 'strategies/create', { name: 'Cancel me' });
    const app = await openApp(browser!, server!, `#/run/${strategy.id}`);
    const { page } = app;
    const start = page.locator('[data-testid="run-start"]:not([disabled])');
    const cancelled = page.getByTestId('run-status').filter({ hasText: 'Run cancelled.' });

    await start.click();
    await page.getByTestId('run-progress').waitFor();
    await page.waitForTimeout(500); // inside the engine loop by now
    let t0 = Date.now();
    await page.getByTestId('run-cancel').click();
    await cancelled.waitFor({ timeout: 10_000 });
    const byButton = Date.now() - t0;

    // Escape is the shortcut while a run is going.
    await start.click();
    await page.getByTestId('run-progress').waitFor();
    await page.waitForTimeout(500);
    t0 = Date.now();
    await page.keyboard.press('Escape');
    await cancelled.waitFor({ timeout: 10_000 });
    const byKey = Date.now() - t0;

    // Far below the 30 s the job would have taken: the engine's poll saw the cancel.
    expect(byButton).toBeLessThan(3_000);
    expect(byKey).toBeLessThan(3_000);
    expect(await page.getByTestId('run-start').isEnabled()).toBe(true);
    const jobs = await invoke<{ kind: string; status: string }[]>(server!, 'jobs/list');
    expect(jobs.filter((j) => j.kind === 'backtest').map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    const runs = await invoke<{ total: number }>(server!, 'runs/list');
    expect(runs.total).toBe(0);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
