// Soak: many backtests in a row through the worker pool on a year of 1-minute bars, each
// saved as a run by its worker as the app does (and deleted again, so the file stays
// small), sampling memory of the main isolate, the worker isolates and the whole
// process, to show that nothing grows run after run. Not in CI: `npm run soak` (about 1 min).
// Options (env): BWS_SOAK_RUNS (default 1000), BWS_SOAK_WORKERS (default 2).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { smaCrossSpec } from '../core/domain/test-kit/specs.js';
import { seedStore } from '../core/infrastructure/test-kit/bar-fixture.js';
import { SqliteRunStore } from '../core/infrastructure/runs/sqlite-run-store.js';
import { WorkerBacktestExecutor } from '../core/infrastructure/workers/worker-backtest-executor.js';
import { isMain, machineDescription, printRows, type BenchRow } from './lib/bench-row.js';

const YEAR_OF_MINUTES = 525_600;
const MB = 1024 * 1024;
/** Growth allowed between the warm-up window and the last window. */
const MAX_GROWTH = 0.1;

interface Sample {
  readonly run: number;
  readonly ms: number;
  /** Resident set of the whole process: main thread and every worker thread. */
  readonly processRss: number;
  readonly mainHeap: number;
  /** heapUsed + external of the worker isolate that ran the job, at the job's end. */
  readonly workerHeap: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Compares the median of a window just after warm-up (10 %-20 % of the runs, i.e. runs
 * 100-200 of 1,000) with the median of the last 10 % of the runs.
 */
function growth(samples: readonly Sample[], pick: (s: Sample) => number): { early: number; late: number; ratio: number } {
  const n = samples.length;
  const early = median(samples.slice(Math.floor(n * 0.1), Math.max(Math.floor(n * 0.2), Math.floor(n * 0.1) + 1)).map(pick));
  const late = median(samples.slice(Math.floor(n * 0.9)).map(pick));
  return { early, late, ratio: late / early - 1 };
}

export async function run(): Promise<BenchRow[]> {
  const runs = Number(process.env.BWS_SOAK_RUNS ?? 1000);
  const workers = Number(process.env.BWS_SOAK_WORKERS ?? 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-soak-'));
  const { storage, instrument } = seedStore(dir, YEAR_OF_MINUTES, 'SOAK');
  const executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: workers });
  const savedRuns = new SqliteRunStore(storage.writer);
  const record = { name: 'soak', strategyId: null, fromTs: null, toTs: null };
  const samples: Sample[] = [];
  const started = performance.now();
  try {
    // Eight parameter sets in rotation: the bar cache serves every run after the first,
    // the indicator cache sees repeats and new periods, as in a user's session.
    const specs = [5, 8, 10, 12, 15, 20, 25, 30].map((fast) => smaCrossSpec(fast, fast * 4));
    // Keep every worker busy: `workers` jobs in flight at all times.
    let next = 0;
    const lane = async () => {
      while (next < runs) {
        const index = next++;
        const t0 = performance.now();
        const outcome = await executor.submitAndSaveDetailed({ instrument, timeframe: '1m', spec: specs[index % specs.length]! }, record).result;
        const ms = performance.now() - t0;
        if (!savedRuns.delete(outcome.run.id)) throw new Error(`run ${index}: the saved run ${outcome.run.id} is not in the store`);
        if (outcome.barCount !== YEAR_OF_MINUTES) throw new Error(`run ${index}: ${outcome.barCount} bars, expected ${YEAR_OF_MINUTES}`);
        const main = process.memoryUsage();
        samples.push({
          run: index,
          ms,
          processRss: main.rss,
          mainHeap: main.heapUsed,
          workerHeap: outcome.memory.heapUsedBytes + outcome.memory.externalBytes,
        });
        if ((index + 1) % 100 === 0) {
          process.stderr.write(
            `soak: ${index + 1}/${runs} runs, ${((performance.now() - started) / 1000).toFixed(0)} s, rss ${(main.rss / MB).toFixed(0)} MB, ` +
              `main heap ${(main.heapUsed / MB).toFixed(1)} MB, worker heap+external ${(samples.at(-1)!.workerHeap / MB).toFixed(1)} MB\n`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, lane));
  } finally {
    await executor.close();
    storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const totalS = (performance.now() - started) / 1000;
  samples.sort((a, b) => a.run - b.run);
  const rss = growth(samples, (s) => s.processRss);
  const mainHeap = growth(samples, (s) => s.mainHeap);
  const workerHeap = growth(samples, (s) => s.workerHeap);
  const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
  const pct = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;
  return [
    { figure: `soak: backtests run (1y of 1m bars, ${workers} workers)`, value: `${samples.length} in ${totalS.toFixed(0)} s`, target: `${runs}`, pass: samples.length === runs },
    { figure: 'soak: median time per run', value: `${median(samples.map((s) => s.ms)).toFixed(0)} ms`, target: 'informational', pass: true },
    { figure: 'soak: process RSS (main + workers) growth', value: `${mb(rss.early)} -> ${mb(rss.late)} (${pct(rss.ratio)})`, target: '< +10 %', pass: rss.ratio < MAX_GROWTH },
    { figure: 'soak: main heap growth', value: `${mb(mainHeap.early)} -> ${mb(mainHeap.late)} (${pct(mainHeap.ratio)})`, target: '< +10 %', pass: mainHeap.ratio < MAX_GROWTH },
    { figure: 'soak: worker heap+external growth', value: `${mb(workerHeap.early)} -> ${mb(workerHeap.late)} (${pct(workerHeap.ratio)})`, target: '< +10 %', pass: workerHeap.ratio < MAX_GROWTH },
  ];
}

if (isMain(import.meta.url)) {
  const rows = await run();
  process.stdout.write(`machine: ${machineDescription()}\n\n`);
  printRows(rows);
  // A failed figure fails the script, so `npm run soak` can gate a release.
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}
