// Market data benchmark: a year of 1-minute candles downloaded from the local Binance-like
// server through the download worker, with the calling thread's event-loop delay measured
// meanwhile (the download must leave the main thread free); then a year of Binance monthly
// archives (12 zips) imported in-process. The exchange server and the archives live in child
// processes (this script with --serve / --write-archives) so that their work does not count.
//   node scripts/build.mjs --node && node --expose-gc dist/bench/market-data.js
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { klineArchive } from '../fixtures/binance-archives/make-archives.mjs';
import { importCsvFile } from '../core/infrastructure/csv/import-csv-file.js';
import { runDownloadInWorker } from '../core/infrastructure/exchanges/download-runner.js';
import { FakeExchangeServer } from '../core/infrastructure/exchanges/test-kit/fake-exchange-server.js';
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
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t0 = performance.now();
    const report = await runDownloadInWorker(dbFile, { exchange: 'binance', market: 'BTC/USDT', timeframe: '1m', fromTs: YEAR_FROM, toTs: YEAR_TO }, { connection: { apiOrigin: exchange.origin, rateLimitMs: 1 } });
    const seconds = (performance.now() - t0) / 1000;
    delay.disable();
    if (report.barsWritten.inserted !== YEAR_BARS) throw new Error(`bench download wrote ${report.barsWritten.inserted} bars, expected ${YEAR_BARS}`);
    const maxStallMs = delay.max / 1e6;
    const p99Ms = delay.percentile(99) / 1e6;

    const archives = path.join(dir, 'archives');
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--write-archives', archives]);
    const files = fs.readdirSync(archives).map((name) => ({ path: path.join(archives, name), name }));
    const zipBytes = files.reduce((sum, f) => sum + fs.statSync(f.path).size, 0);
    global.gc?.();
    const storage = openStorage({ file: path.join(dir, 'archives.sqlite') });
    let peakRss = process.memoryUsage.rss();
    const i0 = performance.now();
    const imported = importCsvFile(storage.barStore, { file: files[0]!.path, fileName: `${files.length} files`, files, symbol: 'BTCUSDT' }, { onProgress: () => (peakRss = Math.max(peakRss, process.memoryUsage.rss())) });
    const importSeconds = (performance.now() - i0) / 1000;
    storage.close();
    if (imported.barsWritten.inserted !== YEAR_BARS) throw new Error(`bench archive import wrote ${imported.barsWritten.inserted} bars, expected ${YEAR_BARS}`);
    const mb = Math.max(peakRss, process.memoryUsage.rss()) / 2 ** 20;
    return [
      {
        figure: `download a year of 1-minute candles (${YEAR_BARS.toLocaleString('en-US')} bars, ${report.requests} requests) from the local Binance-like server, in the download worker`,
        value: `${seconds.toFixed(1)} s (${Math.round(YEAR_BARS / seconds).toLocaleString('en-US')} bars/s)`,
        target: '< 30 s (real exchanges: their rate limit sets the pace)',
        pass: seconds < 30,
      },
      { figure: 'calling thread during that download: longest event-loop stall (p99)', value: `${maxStallMs.toFixed(1)} ms (p99 ${p99Ms.toFixed(1)} ms)`, target: '< 50 ms', pass: maxStallMs < 50 },
      {
        figure: `import a year of Binance monthly archives (12 zips, ${(zipBytes / 2 ** 20).toFixed(1)} MiB) in-process, without unzipping`,
        value: `${importSeconds.toFixed(2)} s (${Math.round(YEAR_BARS / importSeconds).toLocaleString('en-US')} rows/s)`,
        target: '< 3 s',
        pass: importSeconds < 3,
      },
      { figure: 'archive import peak RSS (process doing the import)', value: `${mb.toFixed(0)} MiB`, target: '< 300 MiB', pass: mb < 300 },
    ];
  } finally {
    exchange.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const archivesAt = process.argv.indexOf('--write-archives');
  if (process.argv.includes('--serve')) {
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
