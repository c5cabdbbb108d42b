// UI under load (`npm run test:load`, not in CI): the same interactions as the perf
// script, timed once with the server idle and once while 8 backtests (a year of minute
// bars each, through the API) run concurrently, restarted as each finishes so the worker
// pool stays busy for the whole loaded pass. Reports p95 per interaction idle vs loaded
// and the degradation; target < 20 %. Writes e2e/results/ui-load.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { invoke } from '../lib/app.js';
import { launchBrowser } from '../lib/browser.js';
import { repoRoot, startServer, type RunningServer } from '../lib/server.js';
import { measureInteractions, preparePerfData, Recorder, round, STRATEGIES, type Figure } from './interactions.js';
import { machine } from './machine.js';

const CONCURRENT = 8;
const DEGRADATION_TARGET_PCT = 20;
// Idle/loaded pass pairs; BWS_LOAD_PASSES=1 for a quick check of the script.
const PASSES = Number(process.env.BWS_LOAD_PASSES ?? 3);
const CONTROL = process.env.BWS_LOAD_CONTROL === '1';

interface Load {
  readonly stop: () => Promise<void>;
  readonly stats: () => { started: number; finished: number; failed: number; inFlightMin: number };
}

/**
 * Waits for `job/finished` events the way the UI does: one event socket for all lanes (polling
 * `jobs/list` from 8 lanes would itself load the server's main thread).
 */
async function jobEvents(server: RunningServer): Promise<{ finished: (jobId: string) => Promise<string>; close: () => void }> {
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api/events?token=${server.token}`, { origin: server.origin });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waiting = new Map<string, (status: string) => void>();
  // A job may finish before its start call has answered.
  const early = new Map<string, string>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { name: string; payload: { job?: { id: string; status: string } } };
    const job = message.payload.job;
    if (message.name !== 'job/finished' || !job) return;
    const resolve = waiting.get(job.id);
    if (resolve) {
      waiting.delete(job.id);
      resolve(job.status);
    } else early.set(job.id, job.status);
  });
  return {
    finished: (jobId) => {
      const status = early.get(jobId);
      if (status !== undefined) {
        early.delete(jobId);
        return Promise.resolve(status);
      }
      return new Promise((resolve) => waiting.set(jobId, resolve));
    },
    close: () => socket.close(),
  };
}

/** Keeps `CONCURRENT` backtests in flight through the API until stopped. */
async function startLoad(server: RunningServer, symbol: string, strategyId: string): Promise<Load> {
  const events = await jobEvents(server);
  let running = true;
  let started = 0;
  let finished = 0;
  let failed = 0;
  let inFlight = 0;
  let inFlightMin = Number.POSITIVE_INFINITY;
  let failure: unknown = null;
  const lane = async (): Promise<void> => {
    while (running && failure === null) {
      const { jobId } = await invoke<{ jobId: string }>(server, 'backtest/start', { strategyId, symbol, timeframe: '1m' });
      started += 1;
      inFlight += 1;
      const status = await events.finished(jobId);
      if (status === 'done') finished += 1;
      else failed += 1;
      inFlight -= 1;
    }
  };
  // A lane that fails (server gone) stops the load; stop() reports it instead of an unhandled rejection.
  const lanes = Array.from({ length: CONCURRENT }, () =>
    lane().catch((error: unknown) => {
      failure ??= error;
    }),
  );
  // Sampled while the UI is measured: the pool must never run dry.
  const sampler = setInterval(() => {
    if (started >= CONCURRENT) inFlightMin = Math.min(inFlightMin, inFlight);
  }, 100);
  return {
    stop: async () => {
      running = false;
      clearInterval(sampler);
      await Promise.all(lanes);
      events.close();
      if (failure !== null) throw new Error(`the load stopped early: ${String(failure)}`);
    },
    stats: () => ({ started, finished, failed, inFlightMin }),
  };
}

/**
 * The control (BWS_LOAD_CONTROL=1): one process that only spins, at the backtest workers'
 * priority, in place of the backtests. What it costs the UI is what one busy core costs on
 * this machine with no work of the app's at all: the floor under the real load's figure.
 */
function startSpinner(): Load {
  const nice = Number(process.env.BWS_WORKER_NICE ?? 10);
  const child = spawn(process.execPath, ['-e', `require('node:os').setPriority(${nice}); for (;;) {}`], { stdio: 'ignore' });
  // Never outlive this script, however it ends.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return {
    stop: async () => {
      process.off('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      kill();
      await exited;
    },
    stats: () => ({ started: 0, finished: 0, failed: 0, inFlightMin: 0 }),
  };
}

function compare(idle: readonly Figure[], loaded: readonly Figure[]) {
  return idle.map((a) => {
    const b = loaded.find((f) => f.interaction === a.interaction)!;
    const uiTarget = a.targetMs !== null && !a.includesEngine;
    const degradationPct = round(((b.p95 - a.p95) / a.p95) * 100);
    return {
      interaction: a.interaction,
      idle: { p50: a.p50, p95: a.p95, n: a.n },
      loaded: { p50: b.p50, p95: b.p95, n: b.n },
      degradationPct,
      targetPct: uiTarget ? DEGRADATION_TARGET_PCT : null,
      loadedUnderTargetMs: a.targetMs === null ? null : b.p95 < a.targetMs,
      pass: uiTarget ? degradationPct < DEGRADATION_TARGET_PCT : true,
    };
  });
}

export async function runUiLoad(): Promise<number> {
  const [server, browser] = await Promise.all([startServer({ timeoutMs: 120_000 }), launchBrowser()]);
  try {
    const data = await preparePerfData(server);
    // The load: SMA-cross backtests over the whole year of minute bars, as a trader would run.
    const loadStrategy = await invoke<{ id: string }>(server, 'strategies/create', { name: 'Load SMA cross' });

    // Idle and loaded passes alternate, so a slow spell of the machine lands on both sides.
    const idle = new Recorder('idle   ');
    const loaded = new Recorder('loaded ');
    const totals = { started: 0, finished: 0, failed: 0, inFlightMin: Number.POSITIVE_INFINITY, loadedMs: 0 };
    for (let pass = 1; pass <= PASSES; pass += 1) {
      process.stdout.write(`--- pass ${pass}/${PASSES}: idle ---\n`);
      await measureInteractions(browser, server, data, idle);

      process.stdout.write(`--- pass ${pass}/${PASSES}: loaded, ${CONTROL ? 'control: one spinning process' : `${CONCURRENT} concurrent backtests`} ---\n`);
      const load = CONTROL ? startSpinner() : await startLoad(server, data.symbol, loadStrategy.id);
      const loadedStarted = Date.now();
      try {
        // Let the pool fill before timing.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        await measureInteractions(browser, server, data, loaded);
      } finally {
        // Also when an interaction fails: a load left running would skew whatever runs next.
        await load.stop();
      }
      totals.loadedMs += Date.now() - loadedStarted;
      const stats = load.stats();
      // Let the last backtests drain so the next idle pass is idle.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      totals.started += stats.started;
      totals.finished += stats.finished;
      totals.failed += stats.failed;
      totals.inFlightMin = Math.min(totals.inFlightMin, stats.inFlightMin);
    }
    const { loadedMs, ...stats } = totals;
    process.stdout.write(
      `load: ${stats.started} backtests started, ${stats.finished} finished, ${stats.failed} failed over ${Math.round(loadedMs / 1000)} s of loaded passes; fewest in flight ${stats.inFlightMin}\n`,
    );

    const rows = compare(idle.figures, loaded.figures);
    process.stdout.write('interaction | idle p95 | loaded p95 | degradation | target | pass/short\n');
    for (const r of rows) {
      process.stdout.write(`${r.interaction} | ${r.idle.p95} ms | ${r.loaded.p95} ms | ${r.degradationPct} % | ${r.targetPct === null ? 'no target' : `< ${r.targetPct} %`} | ${r.pass ? 'pass' : 'short'}\n`);
    }
    const serverSide = await invoke<{ handlers: unknown[] }>(server, 'system/performance');
    const report = {
      generatedAt: new Date().toISOString(),
      command: CONTROL ? 'BWS_LOAD_CONTROL=1 npm run test:load' : 'npm run test:load',
      loadKind: CONTROL ? 'control: one process spinning at the workers\' priority' : `${CONCURRENT} concurrent backtests`,
      machine: machine(),
      strategies: STRATEGIES,
      concurrentBacktests: CONCURRENT,
      load: { ...stats, loadedPassMs: loadedMs },
      degradationTargetPct: DEGRADATION_TARGET_PCT,
      interactions: rows,
      idle: idle.figures,
      loaded: loaded.figures,
      serverHandlers: serverSide.handlers,
    };
    const dir = join(repoRoot(), 'e2e/results');
    mkdirSync(dir, { recursive: true });
    const file = CONTROL ? 'ui-load-control.json' : 'ui-load.json';
    writeFileSync(join(dir, file), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote e2e/results/${file}\n`);
    return rows.every((r) => r.pass) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`server output (last 3,000 chars):\n${server.output().slice(-3_000)}\n`);
    throw error;
  } finally {
    await Promise.all([browser.close(), server.stop()]);
  }
}
