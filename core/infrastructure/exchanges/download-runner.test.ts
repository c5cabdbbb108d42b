// The download in its worker thread (dist/workers/download-worker.js) against the local
// exchange server: the report, cancel through an AbortSignal, typed errors across the thread.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadProgress } from '../../application/data/download-bars.js';
import { CancelledError, MarketDataError, NotFoundError } from '../../application/errors.js';
import { openStorage } from '../sqlite/storage.js';
import { tempDir } from '../test-kit/temp-db.js';
import { runDownloadInWorker } from './download-runner.js';
import { FakeExchangeServer } from '../test-kit/fake-exchange-server.js';

const MINUTE = 60_000;
const D1 = Date.UTC(2024, 0, 1);

let server: FakeExchangeServer;
let dir: { dir: string; cleanup: () => void };
let dbFile: string;

beforeAll(async () => {
  // The worker's clock is the wall clock: the exchange's present is now too.
  server = new FakeExchangeServer();
  await server.start();
  dir = tempDir('bws-download-worker-');
  dbFile = path.join(dir.dir, 'workstation.sqlite');
  openStorage({ file: dbFile }).close();
});

afterAll(async () => {
  await server.stop();
  dir.cleanup();
});

const connection = () => ({ apiOrigin: server.origin, rateLimitMs: 1 });
const retry = { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 };

describe('download worker', () => {
  it('downloads in a worker thread with progress, then reports what it stored', async () => {
    const progress: DownloadProgress[] = [];
    const report = await runDownloadInWorker(
      dbFile,
      { exchange: 'binance', market: 'BTC/USDT', timeframe: '1m', fromTs: D1, toTs: D1 + 5000 * MINUTE },
      { connection: connection(), retry, onProgress: (p) => progress.push(p) },
    );
    expect(report).toMatchObject({ symbol: 'BTC/USDT', barsWritten: { inserted: 5000, replaced: 0 }, requests: 5 });
    await expect.poll(() => progress.at(-1)?.barsStored).toBe(5000);
    const storage = openStorage({ file: dbFile, readers: 1 });
    try {
      const instrument = storage.barStore.findInstrument('BTC/USDT')!;
      expect(storage.barStore.coverage(instrument.id, '1m')).toMatchObject({ barCount: 5000, firstTs: D1, lastTs: D1 + 4999 * MINUTE, gaps: [] });
    } finally {
      storage.close();
    }
  });

  it('cancel through the signal while a request hangs: the worker stops at once and says what it kept', async () => {
    server.hold(D1 + 2000 * MINUTE);
    const abort = new AbortController();
    const running = runDownloadInWorker(
      dbFile,
      { exchange: 'binance', market: 'ETH/USDT', timeframe: '1m', fromTs: D1, toTs: D1 + 5000 * MINUTE },
      { connection: connection(), retry, signal: abort.signal },
    );
    await expect.poll(() => server.waiting, { timeout: 30_000 }).toBe(1);
    const started = Date.now();
    abort.abort();
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toContain('Kept in whole committed slices: 2,000 bars of ETH/USDT 1m from binance');
    expect((error as CancelledError).details).toMatchObject({ barsStored: 2000, firstTs: D1, lastTs: D1 + 1999 * MINUTE });
    server.release();
  });

  it('typed errors cross the thread: an unknown market, an exchange that stays down', async () => {
    await expect(runDownloadInWorker(dbFile, { exchange: 'binance', market: 'DOGE/USDT', timeframe: '1m', fromTs: D1 }, { connection: connection(), retry })).rejects.toThrow(
      NotFoundError,
    );
    server.outage('maintenance');
    try {
      await expect(
        runDownloadInWorker(dbFile, { exchange: 'binance', market: 'BNB/USDT', timeframe: '1h', fromTs: D1 }, { connection: connection(), retry }),
      ).rejects.toThrow(MarketDataError);
    } finally {
      server.heal();
    }
  });
});
