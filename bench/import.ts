// Import benchmark: a 525,600-row minute CSV (one year, seeded random walk) imported
// in-process into a fresh SQLite file; the RSS figure is the peak of this process.
// The file is written by a child process (this script with --write-csv) so that its
// garbage and memory do not count against the import.
//   node scripts/build.mjs --node && node --expose-gc dist/bench/import.js
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { importCsvFile } from '../core/infrastructure/csv/import-csv-file.js';
import { writeRandomWalkCsv } from '../core/infrastructure/test-kit/random-walk-csv.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const ROWS = 525_600;

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-bench-import-'));
  try {
    const csv = path.join(dir, 'minutes.csv');
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--write-csv', csv]);
    const bytes = fs.statSync(csv).size;
    global.gc?.();
    const storage = openStorage({ file: path.join(dir, 'bench.sqlite') });
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // Progress callback samples RSS too: the import is synchronous, so the timer above cannot fire during it.
    const report = importCsvFile(storage.barStore, { file: csv, symbol: 'BENCH' }, { onProgress: () => (peakRss = Math.max(peakRss, process.memoryUsage.rss())) });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time (user + system) is printed beside wall time: on a shared, loaded machine
    // wall time mostly measures the neighbours.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
    clearInterval(sampler);
    storage.close();
    if (report.barsWritten.inserted !== ROWS) throw new Error(`bench import wrote ${report.barsWritten.inserted} bars, expected ${ROWS}`);
    const mb = peakRss / 2 ** 20;
    return [
      { figure: `import ${ROWS.toLocaleString('en-US')}-row minute CSV (${(bytes / 2 ** 20).toFixed(1)} MiB), in-process`, value: `${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s)`, target: '< 1.5 s', pass: seconds < 1.5 },
      { figure: 'import peak RSS (process doing the import)', value: `${mb.toFixed(0)} MiB`, target: '< 300 MiB', pass: mb < 300 },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const target = process.argv.indexOf('--write-csv');
  if (target > 0) writeRandomWalkCsv(process.argv[target + 1]!, { rows: ROWS, seed: 7 });
  else await runStandalone(run);
}
