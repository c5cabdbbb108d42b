// data/download, data/update and data/import of several archives through the dispatcher, as
// from either transport: real workers from dist/, the local exchange server, SQLite in a temp dir.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerName } from '../contract/handlers.js';
import type { JobInfo } from '../jobs/contract.js';
import type { ImportJobResult } from './contract.js';
import { openHandlerHarness, type HandlerHarness } from '../test-kit/handler-harness.js';
import { FakeExchangeServer } from '../../infrastructure/test-kit/fake-exchange-server.js';
import type { DownloadJobResult } from './download-contract.js';
import { callHandler, refusedBy } from '../test-kit/dispatch.js';

const ARCHIVES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/binance-archives');
const MINUTE = 60_000;
const D1 = Date.UTC(2024, 5, 1);

let harness: HandlerHarness;
let server: FakeExchangeServer;

const call = <N extends HandlerName>(name: N, args?: unknown) => callHandler(harness.dispatcher, name, args);

const fail = (name: HandlerName, args?: unknown) => refusedBy(harness.dispatcher, name, args);

const finished = (jobId: string): Promise<JobInfo> => harness.jobs.whenFinished(jobId);

beforeAll(async () => {
  // The exchange's data ends here; the worker's clock (the wall clock) is later, so every candle it has is closed.
  server = new FakeExchangeServer({ now: D1 + 8000 * MINUTE - 1 });
  await server.start();
  harness = await openHandlerHarness({ prefix: 'bws-download-handlers-', exchange: { apiOrigin: server.origin, rateLimitMs: 1 } });
});

afterAll(async () => {
  await harness.close();
  await server.stop();
});

describe('download handlers', () => {
  it('data/download runs as a download job with progress, time left and the report; the series list reloads', async () => {
    const { jobId } = await call('data/download', { exchange: 'Binance', market: 'BTC/USDT', timeframe: '1m', fromTs: D1, toTs: D1 + 6000 * MINUTE });
    const job = await finished(jobId);
    expect(job).toMatchObject({ kind: 'download', title: 'Download BTC/USDT 1m from binance', status: 'done' });
    expect(job.result as DownloadJobResult).toMatchObject({ symbol: 'BTC/USDT', barsWritten: { inserted: 6000 }, priceTick: 0.01, quantityStep: 0.00001 });
    const progress = harness.events.filter((e) => e.name === 'job/progress' && e.payload.job.id === jobId).map((e) => (e.payload as { job: JobInfo }).job.progress);
    expect(progress.some((p) => p.total === 6000 * MINUTE && p.done > 0 && p.done < p.total && p.etaMs !== undefined && /^up to 2024-06-0\d \d\d:\d\d UTC$/.test(p.message ?? ''))).toBe(true);
    // Each committed slice (20,000 bars; here the last and only one) and the end tell the screens.
    expect(harness.events.filter((e) => e.name === 'data/changed' && e.payload.kind === 'series').length).toBeGreaterThanOrEqual(2);
    const [listed] = (await call('data/listSeries')).filter((s) => s.instrument.symbol === 'BTC/USDT');
    expect(listed).toMatchObject({ barCount: 6000, instrument: { venue: 'Binance', source: { exchange: 'binance', market: 'BTC/USDT' } } });
  });

  it('data/update fetches from the stored source what is new since the last bar; a file import has no source to update from', async () => {
    const { jobId } = await call('data/update', { symbol: 'BTC/USDT', timeframe: '1m' });
    const job = await finished(jobId);
    expect(job.title).toBe('Update BTC/USDT 1m from binance');
    // Everything after the stored bars, up to where the exchange's data ends.
    expect(job.result as DownloadJobResult).toMatchObject({ firstTs: D1 + 6000 * MINUTE, lastTs: D1 + 7999 * MINUTE, dataEndsTs: D1 + 7999 * MINUTE, alreadyStored: null });
    server.requests.length = 0;
    await finished((await call('data/update', { symbol: 'BTC/USDT', timeframe: '1m' })).jobId);
    expect(server.candleRequests('binance').length).toBeLessThanOrEqual(2);

    const files = ['BTCUSDT-1m-2024-12-30.zip', 'BTCUSDT-1m-2025-01-01.zip', 'BTCUSDT-1m-2024-12-31.zip'].map((name) => ({ path: path.join(ARCHIVES, name), name }));
    const imported = await finished((await call('data/import', { files, symbol: 'ARCHIVED' })).jobId);
    expect(imported).toMatchObject({ status: 'done', title: 'Import ARCHIVED (timeframe from the file) from 3 files' });
    expect(imported.result as ImportJobResult).toMatchObject({ rowsRead: 4320, barsWritten: { inserted: 4320 } });
    expect(await fail('data/update', { symbol: 'ARCHIVED', timeframe: '1m' })).toMatchObject({
      type: 'ValidationError',
      message: 'ARCHIVED was imported from files, not downloaded: there is no exchange to update it from. Download it from an exchange instead.',
    });
  });

  it('refuses malformed requests at the boundary, and a failing download ends failed with what was stored', async () => {
    expect(await fail('data/download', { exchange: 'bin ance', market: 'BTC/USDT', timeframe: '1m', fromTs: D1 })).toMatchObject({ type: 'ValidationError' });
    expect(await fail('data/download', { exchange: 'binance', market: 'BTC/USDT', timeframe: '2m', fromTs: D1 })).toMatchObject({ type: 'ValidationError' });
    expect(await fail('data/download', { exchange: 'binance', market: 'BTC/USDT', timeframe: '1m', fromTs: D1, toTs: D1 })).toMatchObject({ type: 'ValidationError' });
    expect(await fail('data/import', { symbol: 'X' })).toMatchObject({ type: 'ValidationError' });

    const unknown = await finished((await call('data/download', { exchange: 'binance', market: 'BTC/USDX', timeframe: '1m', fromTs: D1 })).jobId);
    expect(unknown).toMatchObject({ status: 'failed', error: { type: 'NotFoundError', message: 'Binance has no market "BTC/USDX". Closest: BTC/USDT.' } });
  });
});
