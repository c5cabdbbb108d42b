// The download use case against the exchange library pointed at a local server that
// answers like Binance and Upbit (no internet), writing into a real SQLite file.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syntheticCandle } from '../../../fixtures/binance-archives/synthetic-klines.mjs';
import { downloadBars, type DownloadControl, type DownloadProgress, type DownloadRequest } from '../../application/data/download-bars.js';
import { CancelledError, ConflictError, ImportRejectedError, MarketDataError, NotFoundError, ValidationError } from '../../application/errors.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { tempDir } from '../test-kit/temp-db.js';
import { CcxtMarketDataSource } from './ccxt-market-data-source.js';
import { BINANCE_MARKETS, FakeExchangeServer, UPBIT_MARKETS } from '../test-kit/fake-exchange-server.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const D1 = Date.UTC(2024, 0, 1);
/** The exchanges' present: a little past noon on 2024-01-10. */
const NOW = Date.UTC(2024, 0, 10, 12, 30, 20);

let server: FakeExchangeServer;
let storage: Storage;
let cleanup: () => void;

beforeAll(async () => {
  server = new FakeExchangeServer({ now: NOW });
  await server.start();
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  const dir = tempDir('bws-download-');
  cleanup = dir.cleanup;
  storage = openStorage({ file: path.join(dir.dir, 'test.sqlite'), readers: 1 });
  server.now = NOW;
  server.heal();
  server.release();
  server.requests.length = 0;
  server.binanceMarkets = [...BINANCE_MARKETS];
  server.upbitMarkets = [...UPBIT_MARKETS];
});

afterEach(() => {
  storage.close();
  cleanup();
});

type TestControl = DownloadControl & { cancel(): void; progress: DownloadProgress[] };

function control(overrides: Partial<DownloadControl> = {}): TestControl {
  let cancelled = false;
  const listeners = new Set<() => void>();
  const progress: DownloadProgress[] = [];
  return {
    now: () => server.now,
    isCancelled: () => cancelled,
    onCancel(listener) {
      if (cancelled) listener();
      else listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onProgress: (p) => progress.push(p),
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 40 },
    cancel() {
      cancelled = true;
      for (const listener of [...listeners]) listener();
    },
    progress,
    ...overrides,
  };
}

const source = (exchange = 'binance') => new CcxtMarketDataSource(exchange, { apiOrigin: server.origin, rateLimitMs: 1 });

function download(request: Partial<DownloadRequest> & { fromTs: number }, ctl: TestControl = control(), exchange = 'binance') {
  return downloadBars(storage.barStore, source(exchange), { exchange, market: 'BTC/USDT', timeframe: '1m', ...request }, ctl);
}

function stored(symbol = 'BTC/USDT', timeframe: '1m' | '1h' | '1d' = '1m') {
  const instrument = storage.barStore.findInstrument(symbol);
  return instrument ? storage.barStore.readBars(instrument.id, timeframe) : null;
}

function expectContiguous(ts: Float64Array, step = MINUTE): void {
  for (let i = 1; i < ts.length; i++) if (ts[i]! - ts[i - 1]! !== step) throw new Error(`bars ${i - 1} and ${i} are ${ts[i]! - ts[i - 1]!} ms apart`);
}

const startTimes = (): number[] => server.candleRequests('binance').map((r) => Number(r.query['startTime']));

describe('download from Binance (local server)', () => {
  it('pages forward from the start, stores the candles with the market facts, and the instrument remembers its source', async () => {
    const ctl = control();
    const report = await download({ fromTs: D1, toTs: D1 + 3 * DAY }, ctl);
    expect(report).toMatchObject({
      symbol: 'BTC/USDT',
      exchange: 'binance',
      venue: 'Binance',
      market: 'BTC/USDT',
      fromTs: D1,
      toTs: D1 + 3 * DAY,
      barsWritten: { inserted: 3 * 1440, replaced: 0 },
      firstTs: D1,
      lastTs: D1 + 3 * DAY - MINUTE,
      alreadyStored: null,
      priceTick: 0.01,
      quantityStep: 0.00001,
      quoteCurrency: 'USDT',
      retries: 0,
    });
    // 1000 candles a request, each starting after the last candle of the one before.
    expect(startTimes()).toEqual([D1, D1 + 1000 * MINUTE, D1 + 2000 * MINUTE, D1 + 3000 * MINUTE, D1 + 4000 * MINUTE]);
    const bars = stored()!;
    expect(bars.ts.length).toBe(3 * 1440);
    expectContiguous(bars.ts);
    const candle = syntheticCandle(D1 + 777 * MINUTE);
    const i = 777;
    expect([bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]).toEqual([candle.open / 100, candle.high / 100, candle.low / 100, candle.close / 100, candle.volume / 1e5]);
    expect(storage.barStore.findInstrument('BTC/USDT')).toMatchObject({
      venue: 'Binance',
      priceTick: 0.01,
      quantityStep: 0.00001,
      quoteCurrency: 'USDT',
      source: { exchange: 'binance', market: 'BTC/USDT' },
    });
    // Progress ends covering the whole range, with no time left.
    expect(ctl.progress.at(-1)).toMatchObject({ doneMs: 3 * DAY, totalMs: 3 * DAY, barsFetched: 3 * 1440, barsStored: 3 * 1440 });
  });

  it('a second download continues after the last stored bar; an update a day later fetches only what is new, never the forming candle', async () => {
    await download({ fromTs: D1, toTs: D1 + 2 * DAY });
    server.requests.length = 0;
    const resumed = await download({ fromTs: D1, toTs: D1 + 4 * DAY });
    expect(resumed).toMatchObject({ alreadyStored: { fromTs: D1, toTs: D1 + 2 * DAY }, fetched: [{ fromTs: D1 + 2 * DAY, toTs: D1 + 4 * DAY }], barsWritten: { inserted: 2 * 1440, replaced: 0 } });
    expect(startTimes()[0]).toBe(D1 + 2 * DAY);

    // Up to now (no end given): everything closed before 12:30 on 2024-01-10.
    const upToNow = await download({ fromTs: D1 });
    expect(upToNow.toTs).toBe(Date.UTC(2024, 0, 10, 12, 30));
    expect(upToNow.lastTs).toBe(Date.UTC(2024, 0, 10, 12, 29));

    server.now += DAY;
    server.requests.length = 0;
    const update = await download({ fromTs: upToNow.lastTs! });
    expect(update).toMatchObject({ firstTs: Date.UTC(2024, 0, 10, 12, 30), lastTs: Date.UTC(2024, 0, 11, 12, 29), barsWritten: { inserted: 1440, replaced: 0 } });
    expect(startTimes()[0]).toBe(Date.UTC(2024, 0, 10, 12, 30));
    const bars = stored()!;
    expectContiguous(bars.ts);
    expect(bars.ts.length).toBe((Date.UTC(2024, 0, 11, 12, 29) - D1) / MINUTE + 1);
  });

  it('cancelled half-way it keeps whole committed slices and says so; downloading again continues from there', async () => {
    server.hold(D1 + 2 * DAY);
    const ctl = control({ sliceBars: 1000 });
    const running = download({ fromTs: D1, toTs: D1 + 4 * DAY }, ctl);
    await expect.poll(() => server.waiting, { timeout: 20_000 }).toBe(1);
    ctl.cancel();
    const error = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toBe(
      'Download cancelled. Kept in whole committed slices: 3,000 bars of BTC/USDT 1m from binance, 2024-01-01T00:00Z to 2024-01-03T01:59Z. Download again to continue from 2024-01-03T02:00Z.',
    );
    // The pages before the hold, 1,000 candles each, each committed as its slice.
    const kept = stored()!;
    expect(kept.ts.length).toBe(3000);
    expectContiguous(kept.ts);
    server.release();

    server.requests.length = 0;
    const resumed = await download({ fromTs: D1, toTs: D1 + 4 * DAY });
    expect(resumed.barsWritten.inserted).toBe(4 * 1440 - 3000);
    expect(startTimes()[0]).toBe(D1 + 3000 * MINUTE);
    expect(stored()!.ts.length).toBe(4 * 1440);
    expectContiguous(stored()!.ts);
  });

  it('retries rate-limit answers (429), a dropped connection and maintenance (503) with backoff, then goes on', async () => {
    server.fail('rateLimit', 1);
    server.fail('disconnect', 1);
    server.fail('maintenance', 1);
    const ctl = control({ retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 40 } });
    const report = await download({ fromTs: D1, toTs: D1 + DAY }, ctl);
    expect(report.retries).toBe(3);
    expect(report.barsWritten.inserted).toBe(1440);
    expect(ctl.progress.map((p) => p.note).filter(Boolean)).toEqual([
      expect.stringMatching(/^binance kept answering that requests come too fast \(HTTP 429\); try 2 of 4 in 1 s$/),
      expect.stringMatching(/^binance could not be reached \(.*fetch failed.*\); try 3 of 4 in 1 s$/),
      expect.stringMatching(/^binance is unavailable or under maintenance \(HTTP 503\); try 4 of 4 in 1 s$/),
    ]);
  });

  it('waits as long as a Retry-After asks', async () => {
    server.fail('rateLimit', 1, 1);
    const started = Date.now();
    await download({ fromTs: D1, toTs: D1 + 60 * MINUTE }, control({ retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 2_000 } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a lasting outage fails after the retries with a clear error that says what was stored', async () => {
    server.outage('maintenance', 2);
    const error = await download({ fromTs: D1, toTs: D1 + 3 * DAY }, control({ sliceBars: 1000 })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MarketDataError);
    expect((error as MarketDataError).message).toBe(
      'binance is unavailable or under maintenance (HTTP 503) after 3 tries. Kept in whole committed slices: 2,000 bars of BTC/USDT 1m from binance, ' +
        '2024-01-01T00:00Z to 2024-01-02T09:19Z. Download again to continue from 2024-01-02T09:20Z.',
    );
    expect(stored()!.ts.length).toBe(2000);
    server.heal();
    const resumed = await download({ fromTs: D1, toTs: D1 + 3 * DAY });
    expect(resumed.firstTs).toBe(D1 + 2000 * MINUTE);
    expect(stored()!.ts.length).toBe(3 * 1440);
  });

  it('a ban (418) with a long Retry-After is not waited out: it says so at once', async () => {
    server.fail('banned', 1, 7200);
    await expect(download({ fromTs: D1, toTs: D1 + DAY })).rejects.toThrow(
      'binance refuses requests from this address for a while (HTTP 418), for 7200 s at the first try. Nothing of BTC/USDT 1m from binance was stored by this download.',
    );
    expect(storage.barStore.findInstrument('BTC/USDT')).toBeNull();
  });

  it('an unknown market or exchange names the closest ones; an unsound candle names its time and keeps earlier slices', async () => {
    await expect(download({ fromTs: D1, market: 'BTC/USDX' })).rejects.toThrow(NotFoundError);
    await expect(download({ fromTs: D1, market: 'BTC/USDX' })).rejects.toThrow('Binance has no market "BTC/USDX". Closest: BTC/USDT.');
    await expect(download({ fromTs: D1, market: 'btc-usdt', toTs: D1 + 60 * MINUTE })).resolves.toMatchObject({ market: 'BTC/USDT', barsWritten: { inserted: 60 } });
    expect(() => source('binanse')).toThrow(ValidationError);
    expect(() => source('binanse')).toThrow('Unknown exchange "binanse". Closest: binance.');
    // An exchange without the timeframe says which of the workstation's it has, before asking it anything.
    await expect(source('coinbase').describeMarket('BTC/USD', '4h')).rejects.toThrow(
      new ValidationError("Coinbase Advanced has no 4h candles; of the workstation's timeframes it offers 1m, 5m, 15m, 1h, 1d (all of its own: 1m, 5m, 15m, 30m, 1h, 2h, 6h, 1d)"),
    );

    // A feed that goes bad after the first slice: that slice stays, the bad one is refused whole.
    const badFrom = D1 + 1000 * MINUTE;
    server.binanceMarkets = [...BINANCE_MARKETS, { id: 'BADUSDT', base: 'BAD', quote: 'USDT', listedTs: D1, unsoundFromTs: badFrom }];
    const ctl = control({ sliceBars: 1000 });
    const refused = await downloadBars(storage.barStore, source(), { exchange: 'binance', market: 'BAD/USDT', timeframe: '1m', fromTs: D1, toTs: D1 + DAY }, ctl).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ImportRejectedError);
    const bad = new Date(badFrom).toISOString().slice(0, 16);
    expect((refused as ImportRejectedError).message).toMatch(
      new RegExp(
        `^binance sent a candle that cannot be stored \\(candle ${bad}Z: low [\\d.]+ is above .*\\); nothing of that slice was stored\\. ` +
          'Kept in whole committed slices: 1,000 bars of BAD/USDT 1m from binance, 2024-01-01T00:00Z to 2024-01-01T16:39Z\\. Download again to continue from 2024-01-01T16:40Z\\.$',
      ),
    );
    expect(stored('BAD/USDT')!.ts.length).toBe(1000);
  });

  it('an instrument downloaded from one exchange market is not mixed with another', async () => {
    await download({ fromTs: D1, toTs: D1 + 60 * MINUTE });
    await expect(download({ fromTs: D1, toTs: D1 + 60 * MINUTE, market: 'BTC/EUR', symbol: 'BTC/USDT' })).rejects.toThrow(ConflictError);
    await expect(download({ fromTs: D1, toTs: D1 + 60 * MINUTE, market: 'BTC/EUR', symbol: 'BTC/USDT' })).rejects.toThrow(
      "BTC/USDT holds bars downloaded from binance BTC/USDT; store binance's BTC/EUR under another name",
    );
    await expect(download({ fromTs: D1, toTs: D1 + 60 * MINUTE, market: 'BTC/EUR', symbol: 'BINANCE:BTCEUR' })).resolves.toMatchObject({ symbol: 'BINANCE:BTCEUR' });
  });

  it('a gap inside the stored span is filled by downloading its range whole', async () => {
    server.binanceMarkets = [{ ...BINANCE_MARKETS[0]!, holes: [{ fromTs: D1 + 600 * MINUTE, toTs: D1 + 700 * MINUTE }] }, ...BINANCE_MARKETS.slice(1)];
    await download({ fromTs: D1, toTs: D1 + DAY });
    const id = storage.barStore.findInstrument('BTC/USDT')!.id;
    expect(storage.barStore.coverage(id, '1m').gaps).toEqual([{ afterTs: D1 + 599 * MINUTE, beforeTs: D1 + 700 * MINUTE, missingBars: 100 }]);
    server.binanceMarkets = [...BINANCE_MARKETS];
    // Without wholeRange the hole is inside what is stored: nothing to fetch.
    expect((await download({ fromTs: D1 + 600 * MINUTE, toTs: D1 + 700 * MINUTE })).fetched).toEqual([]);
    const filled = await download({ fromTs: D1 + 600 * MINUTE, toTs: D1 + 700 * MINUTE, wholeRange: true });
    expect(filled.barsWritten).toEqual({ inserted: 100, replaced: 0 });
    expect(storage.barStore.coverage(id, '1m').gaps).toEqual([]);
  });
});

describe('download from Upbit (local server)', () => {
  it('pages through Upbit\'s newest-first windows of 200 and stores KRW prices', async () => {
    const report = await downloadBars(storage.barStore, source('upbit'), { exchange: 'upbit', market: 'BTC/KRW', timeframe: '1m', fromTs: D1, toTs: D1 + DAY }, control());
    expect(report).toMatchObject({ venue: 'Upbit', market: 'BTC/KRW', quoteCurrency: 'KRW', barsWritten: { inserted: 1440 }, firstTs: D1, lastTs: D1 + DAY - MINUTE });
    expect(server.candleRequests('upbit').length).toBe(Math.ceil(1440 / 200));
    const bars = stored('BTC/KRW')!;
    expectContiguous(bars.ts);
    expect(bars.close[0]).toBe((syntheticCandle(D1).close * 10) / 100);
  });

  it('walks over quiet minutes and a long stretch without trades, and stops where the market\'s data ends', async () => {
    const quietFrom = D1 + 300 * MINUTE;
    server.upbitMarkets = UPBIT_MARKETS.map((m) => (m.id === 'KRW-XRP' ? { ...m, holes: [{ fromTs: quietFrom, toTs: quietFrom + 700 * MINUTE }] } : m));
    const report = await downloadBars(storage.barStore, source('upbit'), { exchange: 'upbit', market: 'XRP/KRW', timeframe: '1m', fromTs: D1, toTs: D1 + DAY }, control());
    const bars = stored('XRP/KRW')!;
    expect(bars.ts.length).toBe(report.barsWritten.inserted);
    expect(bars.ts.length).toBeGreaterThan(400);
    expect(bars.ts.some((ts) => ts >= quietFrom + 700 * MINUTE)).toBe(true);
    expect(bars.ts.some((ts) => ts >= quietFrom && ts < quietFrom + 700 * MINUTE)).toBe(false);

    // Up to now and beyond the exchange's present: it ends at the newest closed candle.
    server.requests.length = 0;
    const toNow = await downloadBars(storage.barStore, source('upbit'), { exchange: 'upbit', market: 'BTC/KRW', timeframe: '1h', fromTs: NOW - 5 * 3_600_000 }, control());
    expect(toNow).toMatchObject({ fromTs: Date.UTC(2024, 0, 10, 8), toTs: Date.UTC(2024, 0, 10, 12), lastTs: Date.UTC(2024, 0, 10, 11), barsWritten: { inserted: 4 } });
  });

  it('retries Upbit\'s 429 (a JSON error body the library reads as a generic error)', async () => {
    server.fail('rateLimit', 2);
    const report = await downloadBars(storage.barStore, source('upbit'), { exchange: 'upbit', market: 'BTC/KRW', timeframe: '1m', fromTs: D1, toTs: D1 + 200 * MINUTE }, control());
    expect(report.retries).toBe(2);
    expect(report.barsWritten.inserted).toBe(200);
  });
});
