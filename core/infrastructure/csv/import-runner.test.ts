import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, ImportRejectedError, WorkerFailedError } from '../../application/errors.js';
import type { ImportProgress } from '../../application/data/import-bars.js';
import { openStorage } from '../sqlite/storage.js';
import { importCsvFile } from './import-csv-file.js';
import { runImportInWorker } from './import-runner.js';
import { writeRandomWalkCsv } from '../test-kit/random-walk-csv.js';

const root = path.resolve(import.meta.dirname, '../../..');
const workerScript = path.join(root, 'dist/workers/import-worker.js');

let dir: string;
let dbFile: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-import-worker-'));
  dbFile = path.join(dir, 'test.sqlite');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Seeds the db with earlier data and returns a snapshot of every stored bar. */
function seedPriorData(): string {
  const small = path.join(dir, 'prior.csv');
  writeRandomWalkCsv(small, { rows: 5_000, seed: 1 });
  const storage = openStorage({ file: dbFile, readers: 1 });
  try {
    importCsvFile(storage.barStore, { file: small, symbol: 'BIG' });
    importCsvFile(storage.barStore, { file: small, symbol: 'OTHER' });
  } finally {
    storage.close();
  }
  return snapshot();
}

function snapshot(): string {
  const storage = openStorage({ file: dbFile, readers: 1 });
  try {
    return JSON.stringify(
      storage.barStore.listInstruments().map((instrument) => {
        const bars = storage.barStore.readBars(instrument.id, '1m');
        return { instrument, columns: Object.values(bars).map((c: Float64Array) => Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64')) };
      }),
    );
  } finally {
    storage.close();
  }
}

describe('runImportInWorker', () => {
  it('imports in a worker, reporting throttled progress', async () => {
    const csv = path.join(dir, 'big.csv');
    writeRandomWalkCsv(csv, { rows: 300_000, seed: 9 });
    const progress: ImportProgress[] = [];
    const started = performance.now();
    const report = await runImportInWorker(dbFile, { file: csv, symbol: 'BIG' }, { onProgress: (p) => progress.push(p) });
    const elapsed = performance.now() - started;
    expect(report.barsWritten.inserted).toBe(300_000);
    expect(report.rowsRead).toBe(300_000);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    const last = progress.at(-1)!;
    expect(last.totalBytes).toBe(fs.statSync(csv).size);
    expect(last.bytesRead).toBeGreaterThan(0);
    expect(last.rowsPerSecond).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.rowsRead).toBeGreaterThanOrEqual(progress[i - 1]!.rowsRead);
  });

  it('brings row errors of a refused file back across the thread', async () => {
    const csv = path.join(dir, 'bad.csv');
    fs.writeFileSync(csv, 'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,3\n2024-01-01T00:01:00Z,1,2,0.5,oops,3\n');
    const error = await runImportInWorker(dbFile, { file: csv, symbol: 'BAD' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect((error as ImportRejectedError).rowErrors).toEqual([{ file: csv, line: 3, message: 'close "oops" is not a number' }]);
  });

  it('cancel through AbortSignal rolls back: the store is exactly as before', async () => {
    const before = seedPriorData();
    const csv = path.join(dir, 'big.csv');
    writeRandomWalkCsv(csv, { rows: 600_000, seed: 2 });
    const controller = new AbortController();
    let seen = 0;
    const error = await runImportInWorker(dbFile, { file: csv, symbol: 'BIG', duplicates: 'lastWins' }, {
      signal: controller.signal,
      onProgress: (p) => {
        seen = p.rowsRead;
        controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(seen).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(CancelledError);
    expect(snapshot()).toBe(before);
  });

  it('a worker that dies mid-import rejects with WorkerFailedError, and what it staged is dropped', async () => {
    const before = seedPriorData();
    const csv = path.join(dir, 'big.csv');
    writeRandomWalkCsv(csv, { rows: 300_000, seed: 4 });
    process.env.BWS_TEST_FAULTS = '1';
    process.env.BWS_TEST_IMPORT_EXIT = '20';
    let error: unknown;
    try {
      error = await runImportInWorker(dbFile, { file: csv, symbol: 'BIG', duplicates: 'lastWins' }).catch((e: unknown) => e);
    } finally {
      delete process.env.BWS_TEST_FAULTS;
      delete process.env.BWS_TEST_IMPORT_EXIT;
    }
    expect(error).toBeInstanceOf(WorkerFailedError);
    const db = new Database(dbFile, { readonly: true });
    try {
      // It had staged chunks (ours is a live process: only the runner could drop them).
      expect(db.prepare('SELECT count(*) FROM bar_imports').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM bar_chunk_data').pluck().get()).toBe(db.prepare('SELECT count(*) FROM bar_chunks').pluck().get());
    } finally {
      db.close();
    }
    expect(snapshot()).toBe(before);
  });

  it('a worker that crashes rejects with WorkerFailedError', async () => {
    const broken = path.join(dir, 'broken-worker.mjs');
    fs.writeFileSync(broken, "throw new Error('boom at startup');\n");
    const error = await runImportInWorker(dbFile, { file: 'x.csv', symbol: 'X' }, { workerScript: broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerFailedError);
    expect((error as Error).message).toMatch(/boom at startup/);
  });

  it('kill -9 of a process mid-import leaves the previous data intact and the file sound', async () => {
    const before = seedPriorData();
    const csv = path.join(dir, 'big.csv');
    writeRandomWalkCsv(csv, { rows: 600_000, seed: 5 });
    // A child process drives the bundled import worker, as the app would.
    const child = path.join(dir, 'child.mjs');
    fs.writeFileSync(
      child,
      `import { Worker } from 'node:worker_threads';
import { wrap, proxy } from ${JSON.stringify(path.join(root, 'node_modules/comlink/dist/esm/comlink.mjs'))};
import nodeEndpoint from ${JSON.stringify(path.join(root, 'node_modules/comlink/dist/esm/node-adapter.mjs'))};
const [workerPath, dbFile, csv] = process.argv.slice(2);
const api = wrap(nodeEndpoint(new Worker(workerPath)));
const outcome = await api.importCsv(dbFile, { file: csv, symbol: 'BIG', duplicates: 'lastWins' }, new SharedArrayBuffer(4), proxy((p) => console.log('progress ' + p.rowsRead)));
console.log('finished ' + JSON.stringify(outcome).slice(0, 200));
process.exit(0);
`,
    );
    const proc = spawn(process.execPath, [child, workerScript, dbFile, csv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    const killedAt = await new Promise<number>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /progress (\d+)/.exec(output);
        if (match && Number(match[1]) > 0 && !proc.killed) {
          proc.kill('SIGKILL');
          resolve(Number(match[1]));
        }
      });
      proc.on('exit', () => reject(new Error(`child exited before it could be killed: ${output}`)));
    });
    await new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve(null) : proc.once('exit', resolve)));
    expect(proc.signalCode).toBe('SIGKILL');
    expect(killedAt).toBeLessThan(600_000);
    expect(output).not.toContain('finished');

    const db = new Database(dbFile);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(snapshot()).toBe(before);
  });
});
