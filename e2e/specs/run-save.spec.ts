import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, openApp } from '../lib/app.js';
import { launchBrowser, openPage } from '../lib/browser.js';
import { startServer, type RunningServer } from '../lib/server.js';

/**
 * A run's results show as soon as the engine is done, before its save commits. A save
 * takes 15-60 ms here, too quick to look at, so these servers' workers make every save
 * slow (BWS_TEST_JOB_FAULT=slowSave:6000) or fail (failSave:1500) (backtest-protocol.ts).
 */
describe('run: results before the save commits', () => {
  let browser: Browser | undefined;
  let slow: RunningServer | undefined;
  let failing: RunningServer | undefined;
  beforeAll(async () => {
    [browser, slow, failing] = await Promise.all([
      launchBrowser(),
      startServer({ env: { BWS_TEST_FAULTS: '1', BWS_TEST_JOB_FAULT: 'slowSave:6000' } }),
      startServer({ env: { BWS_TEST_FAULTS: '1', BWS_TEST_JOB_FAULT: 'failSave:1500' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), slow?.stop(), failing?.stop()]);
  });

  const runOn = async (server: RunningServer) => {
    const strategy = await invoke<{ id: string }>(server, 'strategies/create', { name: 'Shown early' });
    const app = await openApp(browser!, server, `#/run/${strategy.id}`);
    await app.page.locator('[data-testid="run-start"]:not([disabled])').click();
    return app;
  };

  it('shows the metrics while the run is saved, then its charts, trades and exports once it is stored', async () => {
    const app = await runOn(slow!);
    const { page } = app;
    const totalReturn = page.getByTestId('metric-totalReturnPct');
    await totalReturn.waitFor({ timeout: 15_000 });
    // Shown while the save holds its write: nothing is stored yet, and the page says so.
    expect(await page.getByTestId('run-saving').textContent()).toBe('Saving…');
    await page.getByTestId('run-charts-pending').waitFor();
    expect((await invoke<{ total: number }>(slow!, 'runs/list')).total).toBe(0);
    const early = await totalReturn.textContent();
    // The hash comes with the stored run.
    expect(await page.getByTestId('run-hash').textContent()).toBe('…');

    await page.getByTestId('export-buttons').waitFor({ timeout: 20_000 });
    await page.getByTestId('equity-chart').locator('canvas').first().waitFor();
    await page.getByTestId('trade-row').first().waitFor();
    const runs = await invoke<{ total: number; items: { hash: string; metrics: Record<string, number | null> }[] }>(slow!, 'runs/list');
    expect(runs.total).toBe(1);
    // The early figures are the stored run's.
    expect(runs.items[0]!.hash.startsWith((await page.getByTestId('run-hash').textContent())!)).toBe(true);
    expect(await totalReturn.textContent()).toBe(early);
    expect(await page.getByTestId('run-status').textContent()).toMatch(/^[\d,]+ bars in \d+ ms \(engine \d+ ms, save \d+ ms\)$/);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('starts one run for a double click on Run', async () => {
    const strategy = await invoke<{ id: string }>(slow!, 'strategies/create', { name: 'Clicked twice' });
    const app = await openApp(browser!, slow!, `#/run/${strategy.id}`);
    const { page } = app;
    const before = (await invoke<{ kind: string }[]>(slow!, 'jobs/list')).filter((j) => j.kind === 'backtest').length;
    await page.locator('[data-testid="run-start"]:not([disabled])').dblclick();
    await page.getByTestId('run-progress').waitFor();
    await page.keyboard.press('Control+Enter'); // the shortcut while it runs
    await page.getByTestId('metric-totalReturnPct').waitFor({ timeout: 15_000 });
    const jobs = (await invoke<{ kind: string; title: string }[]>(slow!, 'jobs/list')).filter((j) => j.kind === 'backtest');
    expect(jobs.length - before).toBe(1);
    expect(app.errors).toEqual([]);
    await app.close();
  });

  it('does not compute ahead a run the user has already started', async () => {
    const strategy = await invoke<{ id: string }>(slow!, 'strategies/create', { name: 'Run at once' });
    // The page's own calls (over its WebSocket, or POST /api/invoke while that is not
    // open), seen as they leave: the server counts a prepare only once it has answered,
    // and a prepare behind this server's slow saves answers after the test.
    const { context, page, errors } = await openPage(browser!);
    const prepared: { fromTs?: number }[] = [];
    const seen = (body: string | null) => {
      const call = JSON.parse(body ?? 'null') as { name?: string; args?: { fromTs?: number } } | null;
      if (call?.name === 'backtest/prepare') prepared.push(call.args ?? {});
    };
    page.on('websocket', (ws) => ws.on('framesent', (frame) => typeof frame.payload === 'string' && seen(frame.payload)));
    page.on('request', (request) => request.url().endsWith('/api/invoke') && seen(request.postData()));
    await page.goto(`${slow!.url}#/run/${strategy.id}`);
    await page.locator('[data-testid="run-start"]:not([disabled])').waitFor();
    // The form's own prepare, 300 ms after it settled.
    await expect.poll(() => prepared.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // Change the range and press Run while the form's prepare for it is still pending:
    // the Run computes it, nothing else should. The page's timers are paused from the
    // change to the click (on a loaded machine the two were over 300 ms apart, and the
    // prepare legitimately went out before any Run).
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1_000);
    const from = await page.getByTestId('run-from').inputValue();
    const fromTs = Date.parse(`${from}T00:00:00Z`) + 86_400_000;
    await page.getByTestId('run-from').fill(new Date(fromTs).toISOString().slice(0, 10));
    await page.getByTestId('run-start').click();
    await page.clock.resume();
    await page.getByTestId('metric-totalReturnPct').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1_000);
    expect(prepared.filter((args) => args.fromTs === fromTs)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the metrics of a run whose save failed, says it was not saved, and stores nothing', async () => {
    const app = await runOn(failing!);
    const { page } = app;
    await page.getByTestId('metric-totalReturnPct').waitFor({ timeout: 15_000 });
    await page.getByTestId('run-error').filter({ hasText: 'could not be written' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('run-saving').textContent()).toBe('Not saved');
    expect(await page.getByTestId('run-charts-pending').textContent()).toContain('could not be saved');
    expect(await page.getByTestId('metric-totalReturnPct').isVisible()).toBe(true);
    expect(await page.getByTestId('run-start').isEnabled()).toBe(true);
    expect((await invoke<{ total: number }>(failing!, 'runs/list')).total).toBe(0);
    const jobs = await invoke<{ kind: string; status: string; error?: { type: string } }[]>(failing!, 'jobs/list');
    expect(jobs.filter((j) => j.kind === 'backtest').map((j) => [j.status, j.error?.type])).toEqual([['failed', 'StorageError']]);
    expect(app.errors).toEqual([]);
    await app.close();
  });
});
