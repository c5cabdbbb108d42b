// Portfolio backtest benchmark (issue 18 item 7): ten instruments x one year of 1-minute
// bars (5.26M bars) in a temp SQLite file, one account over all of them, run in a worker
// with the bars streamed window by window; beside it the single-instrument run of the same
// rules on one of the ten. Run: node --expose-gc dist/bench/portfolio.js
//
// The store is written by a child process (this file with --seed), so the peak RSS read
// here (main thread + worker) is the runs', not the writing's. On Linux the RSS is sampled
// every 5 ms from /proc/self/status during the runs, split into private memory (heaps,
// buffers) and mapped file pages (the database, through SQLite's mmap, and the Node
// binary); the main thread collects its garbage between runs (it rebuilds each result's
// trades and fills as objects: what it leaves is not the worker's).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BacktestRequest } from '../core/application/backtest/request.js';
import type { Instrument } from '../core/domain/market/instrument.js';
import type { StrategySpec } from '../core/domain/strategy/spec.js';
import { smaCrossSpec, v } from '../core/domain/test-kit/specs.js';
import { randomWalkBars } from '../core/infrastructure/test-kit/bar-fixture.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';
import { WorkerBacktestExecutor } from '../core/infrastructure/workers/worker-backtest-executor.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const YEAR_OF_MINUTES = 525_600;
const INSTRUMENTS = 10;
const MB = 1024 * 1024;
const START_TS = Date.UTC(2024, 0, 1);

const symbolOf = (k: number) => `BENCH-${String(k).padStart(2, '0')}`;

/** Writes the ten series (each its own seeded random walk) into `file`. */
function seed(file: string): void {
  const storage = openStorage({ file });
  try {
    for (let k = 0; k < INSTRUMENTS; k++) {
      const instrument = storage.barStore.upsertInstrument({ symbol: symbolOf(k), venue: 'TEST', priceTick: 0.0001, quantityStep: 0.001, quoteCurrency: 'USD', timeZone: 'UTC' });
      storage.barStore.mergeBars(instrument.id, '1m', randomWalkBars(YEAR_OF_MINUTES, START_TS, 42 + k));
    }
  } finally {
    storage.close();
  }
}

/** SMA 10/50 cross on every instrument, five slots of equal weight, entries ranked by 60-bar rate of change. */
function portfolioSpec(): StrategySpec {
  return smaCrossSpec(10, 50, {
    name: 'portfolio bench',
    sizing: { kind: 'equalWeight' },
    costs: { commissionPct: 0.02, commissionFixed: 0, slippageBps: 1 },
    initialCash: 100_000,
    portfolio: { maxPositions: 5, ranking: { by: v('roc', { period: 60 }), order: 'desc' } },
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The process's resident memory now, in MB: all of it, private (anonymous) and mapped files; null off Linux. */
function residentMb(): { total: number; private: number; files: number } | null {
  let status: string;
  try {
    status = fs.readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
  return { total: kb('VmRSS'), private: kb('RssAnon') + kb('RssShmem'), files: kb('RssFile') };
}

/** Samples residentMb() every 5 ms until stopped: the peaks (the main thread waits on the worker meanwhile). */
function sampleResident() {
  const peak = { total: 0, private: 0, files: 0 };
  const take = () => {
    const now = residentMb();
    if (!now) return;
    peak.total = Math.max(peak.total, now.total);
    peak.private = Math.max(peak.private, now.private);
    peak.files = Math.max(peak.files, now.files);
  };
  take();
  const timer = setInterval(take, 5);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** The main thread's garbage (results rebuilt as objects) is collected between runs when --expose-gc allows. */
const collect = () => (globalThis as { gc?: () => void }).gc?.();

async function timed(executor: WorkerBacktestExecutor, request: BacktestRequest, runs: number) {
  const wall: number[] = [];
  let last = await executor.submitDetailed(request).result;
  for (let i = 0; i < runs; i++) {
    collect();
    const t0 = performance.now();
    last = await executor.submitDetailed(request).result;
    wall.push(performance.now() - t0);
  }
  return { ms: median(wall), last };
}

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-bench-portfolio-'));
  const file = path.join(dir, 'workstation.sqlite');
  const rows: BenchRow[] = [];
  try {
    let t0 = performance.now();
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--seed', file], { stdio: 'inherit' });
    const seedMs = performance.now() - t0;
    const storage = openStorage({ file });
    const instruments: Instrument[] = Array.from({ length: INSTRUMENTS }, (_, k) => storage.barStore.findInstrument(symbolOf(k))!);
    storage.close();
    const spec = portfolioSpec();
    const portfolio: BacktestRequest = { instrument: instruments[0]!, universe: { instruments }, timeframe: '1m', spec };
    const { portfolio: _rules, ...singleSpec } = spec;
    const single: BacktestRequest = { instrument: instruments[0]!, timeframe: '1m', spec: singleSpec };
    const rssBefore = process.resourceUsage().maxRSS * 1024;

    const executor = new WorkerBacktestExecutor({ dbFile: file, size: 1 });
    try {
      await executor.ready();
      const sampler = sampleResident();
      t0 = performance.now();
      const cold = await executor.submitDetailed(portfolio).result;
      const coldMs = performance.now() - t0;
      const warm = await timed(executor, portfolio, 5);
      const sampled = sampler.stop();
      const peakRss = process.resourceUsage().maxRSS * 1024;
      const bars = INSTRUMENTS * YEAR_OF_MINUTES;
      const { loadMs, engineMs } = warm.last.timings;
      rows.push({
        figure: `${INSTRUMENTS} instruments x 1y 1m (${(bars / 1e6).toFixed(2)}M bars), SMA cross, 5 slots ranked by ROC, in a worker, warm (median of 5; worker: read ${loadMs.toFixed(0)} + engine ${engineMs.toFixed(0)} ms; ${warm.last.result.metrics.tradeCount} trades)`,
        value: `${warm.ms.toFixed(0)} ms`,
        target: '< 1000 ms',
        pass: warm.ms < 1000,
      });
      rows.push({ figure: '  the same, first run on a fresh worker', value: `${coldMs.toFixed(0)} ms`, target: 'info', pass: true });
      const workerMb = (cold.memory.heapUsedBytes + cold.memory.externalBytes) / MB;
      rows.push({ figure: '  worker memory after the run (isolate heap + external)', value: `${workerMb.toFixed(0)} MB`, target: 'info', pass: true });
      const peakMb = peakRss / MB;
      rows.push({
        figure: `  peak RSS of the whole process over the runs (main thread + worker; ${(rssBefore / MB).toFixed(0)} MB before the worker started): a bound on the worker's peak`,
        value: `${peakMb.toFixed(0)} MB`,
        target: '< 500 MB',
        pass: peakMb < 500,
      });
      if (sampled.total > 0) {
        rows.push({
          figure: `  of which, sampled every 5 ms: private memory (heaps, buffers) / mapped file pages (Node binary, database), peaks`,
          value: `${sampled.private.toFixed(0)} / ${sampled.files.toFixed(0)} MB`,
          target: 'info',
          pass: true,
        });
      }
      const one = await timed(executor, single, 5);
      rows.push({
        figure: `single instrument, 1y 1m, the same rules without the portfolio, same worker, warm (median of 5; bars and indicators from the worker's cache)`,
        value: `${one.ms.toFixed(0)} ms`,
        target: 'info',
        pass: true,
      });
      rows.push({ figure: `store written by a child process (${INSTRUMENTS} x ${YEAR_OF_MINUTES.toLocaleString('en-US')} bars)`, value: `${(seedMs / 1000).toFixed(1)} s`, target: 'info', pass: true });
    } finally {
      await executor.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[2] === '--seed') seed(process.argv[3]!);
else if (isMain(import.meta.url)) await runStandalone(run);
