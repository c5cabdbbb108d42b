// Market data benchmark: a year of 1-minute candles downloaded from the local Binance-like
// server through the download worker, with the calling thread's CPU time measured meanwhile
// (the download must leave the main thread free); then a year of Binance monthly archives
// (12 zips) imported in-process, against the same rows as an unpacked CSV. The exchange server and the archives live in child
// processes (this script with --serve / --write-archives) so that their work does not count.
//   node scripts/build.mjs --node && node --expose-gc dist/bench/market-data.js
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { klineArchive, klineCsv } from '../fixtures/binance-archives/make-archives.mjs';
import { importCsvFile } from '../core/infrastructure/csv/import-csv-file.js';
import { runDownloadInWorker } from '../core/infrastructure/exchanges/download-runner.js';
import { FakeExchangeServer } from '../core/infrastructure/test-kit/fake-exchange-server.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const YEAR_FROM = Date.UTC(2023, 0, 1);
const YEAR_TO = Date.UTC(2024, 0, 1);
const YEAR_BARS = (YEAR_TO - YEAR_FROM) / 60_000;

/** Starts this script with --serve in a child process; resolves with the server's origin and a stop function. */
async function exchangeInChild(): Promise<{ origin: string; stop: () => void }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^origin (\S+)$/m.exec(out);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exchange server exited (${code})`)));
  });
  return { origin, stop: () => child.kill() };
}

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-bench-market-'));
  const exchange = await exchangeInChild();
  try {
    const dbFile = path.join(dir, 'bench.sqlite');
    openStorage({ file: dbFile }).close();
    // CPU time of this thread, not its event-loop delay: on a shared 2-core machine the delay
    // mostly measures the neighbours, while the thread's own CPU time is what the download costs it.
    const cpu0 = process.threadCpuUsage();
    const t0 = performance.now();
    const report = await runDownloadInWorker(dbFile, { exchange: 'binance', market: 'BTC/USDT', timeframe: '1m', fromTs: YEAR_FROM, toTs: YEAR_TO }, { connection: { apiOrigin: exchange.origin, rateLimitMs: 1 } });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.threadCpuUsage(cpu0);
    const mainCpuMs = (cpu.user + cpu.system) / 1000;
    if (report.barsWritten.inserted !== YEAR_BARS) throw new Error(`bench download wrote ${report.barsWritten.inserted} bars, expected ${YEAR_BARS}`);

    const archives = path.join(dir, 'archives');
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--write-archives', archives]);
    // In a child of its own: the download worker's memory (the exchange library) stays out of its RSS.
    const measured = JSON.parse(execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--import-archives', archives]).toString()) as ArchiveFigures;
    return [
      {
        figure: `download a year of 1-minute candles (${YEAR_BARS.toLocaleString('en-US')} bars, ${report.requests} requests) from the local Binance-like server, in the download worker`,
        value: `${seconds.toFixed(1)} s (${Math.round(YEAR_BARS / seconds).toLocaleString('en-US')} bars/s)`,
        target: '< 30 s (real exchanges: their rate limit sets the pace)',
        pass: seconds < 30,
      },
      {
        figure: 'CPU time of the calling thread (the server process\'s main thread in the app) during that download, per request',
        value: `${(mainCpuMs / report.requests).toFixed(2)} ms (${mainCpuMs.toFixed(0)} ms in all over ${seconds.toFixed(1)} s)`,
        target: '< 1 ms',
        pass: mainCpuMs / report.requests < 1,
      },
      {
        figure: `import a year of Binance monthly archives (12 zips, ${(measured.zipBytes / 2 ** 20).toFixed(1)} MiB) in-process without unzipping, against the same rows as one unpacked CSV (${(measured.csvBytes / 2 ** 20).toFixed(0)} MiB)`,
        value: `${measured.zipSeconds.toFixed(2)} s against ${measured.csvSeconds.toFixed(2)} s (ratio ${(measured.zipSeconds / measured.csvSeconds).toFixed(2)}, ${Math.round(YEAR_BARS / measured.zipSeconds).toLocaleString('en-US')} rows/s)`,
        target: 'ratio <= 1.5',
        pass: measured.zipSeconds / measured.csvSeconds <= 1.5,
      },
      { figure: 'archive import peak RSS (a process doing only the import)', value: `${measured.rssMiB.toFixed(0)} MiB`, target: '< 300 MiB', pass: measured.rssMiB < 300 },
    ];
  } finally {
    exchange.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface ArchiveFigures {
  readonly zipSeconds: number;
  readonly csvSeconds: number;
  readonly zipBytes: number;
  readonly csvBytes: number;
  readonly rssMiB: number;
}

/**
 * Imports the archives of `dir` (12 months) and the same year as one unpacked CSV, each into
 * a fresh store, twice in turns; the faster of each pair counts (the machine is shared).
 */
function importArchives(dir: string): ArchiveFigures {
  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.zip')).map((name) => ({ path: path.join(dir, name), name }));
  const zipBytes = files.reduce((sum, f) => sum + fs.statSync(f.path).size, 0);
  let peakRss = 0;
  let sampling = true;
  const sample = () => (peakRss = sampling ? Math.max(peakRss, process.memoryUsage.rss()) : peakRss);
  const timed = (name: string, options: Parameters<typeof importCsvFile>[1]): number => {
    global.gc?.();
    const store = openStorage({ file: path.join(dir, `${name}.sqlite`) });
    try {
      const t0 = performance.now();
      const report = importCsvFile(store.barStore, options, { onProgress: sample });
      sample();
      if (report.barsWritten.inserted !== YEAR_BARS) throw new Error(`bench ${name} import wrote ${report.barsWritten.inserted} bars, expected ${YEAR_BARS}`);
      return (performance.now() - t0) / 1000;
    } finally {
      store.close();
    }
  };
  const zip = (round: number) => timed(`zip-${round}`, { file: files[0]!.path, fileName: `${files.length} files`, files, symbol: 'BTCUSDT' });
  const plain = (round: number) => timed(`csv-${round}`, { file: csv, symbol: 'BTCUSDT' });
  // The peak RSS is sampled during the first archive import only, before the CSV text is made.
  const first = zip(1);
  const rssMiB = peakRss / 2 ** 20;
  sampling = false;
  const csv = path.join(dir, 'year.csv');
  fs.writeFileSync(csv, klineCsv({ fromTs: YEAR_FROM, toTs: YEAR_TO }));
  const rounds = [{ zip: first, csv: plain(1) }, { zip: zip(2), csv: plain(2) }];
  const zipSeconds = Math.min(...rounds.map((r) => r.zip));
  const csvSeconds = Math.min(...rounds.map((r) => r.csv));
  return { zipSeconds, csvSeconds, zipBytes, csvBytes: fs.statSync(csv).size, rssMiB };
}

if (isMain(import.meta.url)) {
  const archivesAt = process.argv.indexOf('--write-archives');
  const importAt = process.argv.indexOf('--import-archives');
  if (importAt > 0) {
    process.stdout.write(JSON.stringify(importArchives(process.argv[importAt + 1]!)));
  } else if (process.argv.includes('--serve')) {
    const server = new FakeExchangeServer({ now: YEAR_TO + 86_400_000 });
    process.stdout.write(`origin ${await server.start()}\n`);
  } else if (archivesAt > 0) {
    const dir = process.argv[archivesAt + 1]!;
    fs.mkdirSync(dir, { recursive: true });
    for (let month = 0; month < 12; month++) {
      const { name, bytes } = klineArchive({ fromTs: Date.UTC(2023, month, 1), toTs: Date.UTC(2023, month + 1, 1), period: 'monthly' });
      fs.writeFileSync(path.join(dir, name), bytes);
    }
  } else await runStandalone(run);
}
