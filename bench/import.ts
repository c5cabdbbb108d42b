// Import benchmark: a 525,600-row minute CSV (one year, seeded random walk) imported
// in-process into a fresh SQLite file; the RSS figure is the peak of this process.
//   node scripts/build.mjs --node && node dist/bench/import.js
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { importCsvFile } from '../core/infrastructure/csv/import-csv-file.js';
import { writeRandomWalkCsv } from '../core/infrastructure/csv/test-kit/random-walk-csv.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const ROWS = 525_600;

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-bench-import-'));
  try {
    const csv = path.join(dir, 'minutes.csv');
    writeRandomWalkCsv(csv, { rows: ROWS, seed: 7 });
    const bytes = fs.statSync(csv).size;
    global.gc?.();
    const storage = openStorage({ file: path.join(dir, 'bench.sqlite') });
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
    const t0 = performance.now();
    // Progress callback samples RSS too: the import is synchronous, so the timer above cannot fire during it.
    const report = importCsvFile(storage.barStore, { file: csv, symbol: 'BENCH' }, { onProgress: () => (peakRss = Math.max(peakRss, process.memoryUsage.rss())) });
    const seconds = (performance.now() - t0) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
    clearInterval(sampler);
    storage.close();
    if (report.barsWritten.inserted !== ROWS) throw new Error(`bench import wrote ${report.barsWritten.inserted} bars, expected ${ROWS}`);
    const mb = peakRss / 2 ** 20;
    return [
      { figure: `import ${ROWS.toLocaleString('en-US')}-row minute CSV (${(bytes / 2 ** 20).toFixed(1)} MiB), in-process`, value: `${seconds.toFixed(2)} s (${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s)`, target: '< 1.5 s', pass: seconds < 1.5 },
      { figure: 'import peak RSS (whole bench process, includes generating the file)', value: `${mb.toFixed(0)} MiB`, target: '< 300 MiB', pass: mb < 300 },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await runStandalone(run);
