import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invoke } from './app.js';
import { E2E_FILES_DIR, repoRoot, type RunningServer } from './server.js';

/** The path of a file of the repository's real data set (fixtures/market-data: GOOG.csv, EURUSD.csv). */
export function marketDataFile(name: string): string {
  const file = join(repoRoot(), 'fixtures/market-data', name);
  if (!existsSync(file)) throw new Error(`${name} is missing from fixtures/market-data`);
  return file;
}

/** Imports a file of the real data set through the API (before a page opens) and waits for the job. */
export async function importMarketDataFile(server: RunningServer, name: string, symbol: string, timeframe: string): Promise<void> {
  const { jobId } = await invoke<{ jobId: string }>(server, 'data/import', { path: marketDataFile(name), symbol, timeframe });
  for (let i = 0; i < 300; i++) {
    const job = (await invoke<{ id: string; status: string }[]>(server, 'jobs/list')).find((j) => j.id === jobId);
    if (job?.status === 'done') return;
    if (job && ['failed', 'cancelled', 'interrupted'].includes(job.status)) throw new Error(`${name} import ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} import did not finish`);
}

/** Writes a valid CSV of `bars` 1-minute bars (a gentle sine around 100) and returns its path. */
export function writeBarsCsv(name: string, bars: number, startTs = Date.UTC(2024, 0, 1)): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  let previous = 100;
  for (let i = 0; i < bars; i += 1) {
    const close = 100 + 5 * Math.sin(i / 50) + (i % 7) * 0.01;
    const open = previous;
    lines.push(`${new Date(startTs + i * 60_000).toISOString()},${open.toFixed(2)},${(Math.max(open, close) + 0.2).toFixed(2)},${(Math.min(open, close) - 0.2).toFixed(2)},${close.toFixed(2)},${100 + (i % 13)}`);
    previous = close;
  }
  return writeTemp(name, `${lines.join('\n')}\n`);
}

/** Writes a CSV whose lines 3 (high below low) and 5 (not a number) are bad. */
export function writeRejectedCsv(name: string): string {
  return writeTemp(
    name,
    [
      'timestamp,open,high,low,close,volume',
      '2024-01-01T00:00:00Z,100,101,99,100.5,10',
      '2024-01-01T00:01:00Z,100,98,99,100.5,10',
      '2024-01-01T00:02:00Z,100,101,99,100.5,10',
      '2024-01-01T00:03:00Z,abc,101,99,100.5,10',
      '',
    ].join('\n'),
  );
}

/** Writes a file where the test servers may read it (their --files folder). */
function writeTemp(name: string, text: string): string {
  const path = join(mkdtempSync(join(E2E_FILES_DIR, 'csv-')), name);
  writeFileSync(path, text);
  return path;
}
