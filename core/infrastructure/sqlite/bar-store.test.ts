import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../application/errors.js';
import { concatBars, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import { instrumentId, type InstrumentId } from '../../domain/market/ids.js';
import type { InstrumentDraft } from '../../domain/market/instrument.js';
import { barsFromRows } from '../../domain/test-kit/bars.js';
import { openReadOnly } from './database.js';
import { openStorage, type Storage } from './storage.js';
import { SqliteBarStore } from './bar-store.js';
import { regularBars, tempDir } from '../test-kit/temp-db.js';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const CHUNK = 100; // small chunks so tests cross many boundaries

const btc: InstrumentDraft = { symbol: 'BTCUSDT', venue: 'Binance', priceTick: 0.01, quantityStep: 0.00001, quoteCurrency: 'USDT', timeZone: 'UTC' };

let storage: Storage;
let cleanup: () => void;
let file: string;
let id: InstrumentId;

beforeEach(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  file = path.join(t.dir, 'workstation.sqlite');
  storage = openStorage({ file, chunkBars: CHUNK });
  id = storage.barStore.upsertInstrument(btc).id;
});
afterEach(() => {
  storage.close();
  cleanup();
});

const plain = (bars: BarColumns) => ({
  ts: Array.from(bars.ts),
  open: Array.from(bars.open),
  high: Array.from(bars.high),
  low: Array.from(bars.low),
  close: Array.from(bars.close),
  volume: Array.from(bars.volume),
});

const chunkCount = () => storage.writer.prepare('SELECT count(*) FROM bar_chunks').pluck().get() as number;

describe('SqliteBarStore instruments', () => {
  it('upserts by symbol and finds and lists instruments', () => {
    const store = storage.barStore;
    const again = store.upsertInstrument({ ...btc, priceTick: 0.1 });
    expect(again.id).toBe(id);
    expect(store.findInstrument('BTCUSDT')).toEqual({ ...btc, priceTick: 0.1, id });
    expect(store.findInstrument('NOPE')).toBeNull();
    store.upsertInstrument({ ...btc, symbol: 'AAPL', quantityStep: 1 });
    expect(store.listInstruments().map((i) => i.symbol)).toEqual(['AAPL', 'BTCUSDT']);
    expect(() => store.upsertInstrument({ ...btc, priceTick: 0 })).toThrow(ValidationError);
  });
});

describe('SqliteBarStore chunks', () => {
  it('round-trips bars across chunk boundaries for arbitrary ranges', () => {
    const bars = regularBars(1234, T0);
    const result = storage.barStore.mergeBars(id, '1m', bars);
    expect(result).toEqual({ inserted: 1234, replaced: 0, totalAfter: 1234 });
    expect(chunkCount()).toBe(13);
    expect(plain(storage.barStore.readBars(id, '1m'))).toEqual(plain(bars));
    const cases: [number, number][] = [
      [0, 1234],
      [0, 100],
      [99, 101],
      [100, 200],
      [150, 151],
      [537, 1100],
      [1233, 1234],
      [500, 500],
    ];
    for (const [a, b] of cases) {
      const got = storage.barStore.readBars(id, '1m', T0 + a * MIN, T0 + b * MIN);
      expect(plain(got)).toEqual(plain(sliceBars(bars, a, b)));
    }
    // Bounds between bar times and outside the series.
    expect(storage.barStore.readBars(id, '1m', T0 + 99.5 * MIN, T0 + 200.5 * MIN).ts.length).toBe(101);
    expect(storage.barStore.readBars(id, '1m', T0 - 10 * MIN, T0).ts.length).toBe(0);
    expect(storage.barStore.readBars(id, '5m').ts.length).toBe(0);
  });

  it('returns fresh arrays on every read: the caller may write them', () => {
    const bars = regularBars(250, T0);
    storage.barStore.mergeBars(id, '1m', bars);
    const first = storage.barStore.readBars(id, '1m');
    first.close.fill(-1);
    first.ts[0] = 0;
    expect(plain(storage.barStore.readBars(id, '1m'))).toEqual(plain(bars));
    expect(Array.from(first.open)).toEqual(Array.from(bars.open));
  });

  it('iterates chunk by chunk over a range', () => {
    const bars = regularBars(450, T0);
    storage.barStore.mergeBars(id, '1m', bars);
    const parts = [...storage.barStore.iterateChunks(id, '1m', T0 + 50 * MIN, T0 + 320 * MIN)];
    expect(parts.map((p) => p.ts.length)).toEqual([50, 100, 100, 20]);
    expect(plain(concatBars(parts))).toEqual(plain(sliceBars(bars, 50, 320)));
    expect([...storage.barStore.iterateChunks(id, '1m')].length).toBe(5);
  });

  it('appends consecutive batches filling the last partial chunk', () => {
    const bars = regularBars(1000, T0);
    storage.barStore.transaction(() => {
      for (let i = 0; i < 1000; i += 64) storage.barStore.mergeBars(id, '1m', sliceBars(bars, i, Math.min(1000, i + 64)));
    });
    expect(chunkCount()).toBe(10);
    const counts = storage.writer.prepare('SELECT bar_count FROM bar_chunks ORDER BY start_ts').pluck().all();
    expect(counts).toEqual(Array(10).fill(100));
    expect(plain(storage.barStore.readBars(id, '1m'))).toEqual(plain(bars));
  });

  it('merges an overlapping range: no duplicates, incoming wins, counts right', () => {
    const store = storage.barStore;
    store.mergeBars(id, '1m', regularBars(300, T0, MIN, 1));
    // Overlaps bars 250..299 and extends to 349; different prices.
    const incoming = regularBars(100, T0 + 250 * MIN, MIN, 50);
    expect(store.mergeBars(id, '1m', incoming)).toEqual({ inserted: 50, replaced: 50, totalAfter: 350 });
    const all = store.readBars(id, '1m');
    expect(all.ts.length).toBe(350);
    for (let i = 1; i < all.ts.length; i++) expect(all.ts[i]! - all.ts[i - 1]!).toBe(MIN);
    expect(plain(sliceBars(all, 250, 350))).toEqual(plain(incoming));
    expect(plain(sliceBars(all, 0, 250))).toEqual(plain(sliceBars(regularBars(300, T0, MIN, 1), 0, 250)));
    // Interleaved: every other minute inside the stored range, plus one before it.
    const rows = [{ ts: T0 - MIN, open: 5, high: 6, low: 4, close: 5 }, ...Array.from({ length: 10 }, (_, k) => ({ ts: T0 + (10 + 2 * k) * MIN, open: 7, high: 8, low: 6, close: 7 }))];
    expect(store.mergeBars(id, '1m', barsFromRows(rows))).toEqual({ inserted: 1, replaced: 10, totalAfter: 351 });
    const after = store.readBars(id, '1m', T0 - MIN, T0 + 31 * MIN);
    expect(Array.from(after.open)).toEqual([5, ...Array.from({ length: 31 }, (_, m) => (m >= 10 && m < 30 && m % 2 === 0 ? 7 : all.open[m]!))]);
  });

  it('rolls back a whole outer transaction', () => {
    const store = storage.barStore;
    store.mergeBars(id, '1m', regularBars(150, T0));
    expect(() =>
      store.transaction(() => {
        store.mergeBars(id, '1m', regularBars(500, T0 + 150 * MIN));
        throw new Error('import cancelled');
      }),
    ).toThrow('import cancelled');
    expect(store.readBars(id, '1m').ts.length).toBe(150);
    expect(store.coverage(id, '1m').barCount).toBe(150);
  });

  it('rejects unsorted bars and unknown instruments', () => {
    const bad = barsFromRows([
      { ts: T0 + MIN, open: 1, high: 1, low: 1, close: 1 },
      { ts: T0, open: 1, high: 1, low: 1, close: 1 },
    ]);
    expect(() => storage.barStore.mergeBars(id, '1m', bad)).toThrow(ValidationError);
    expect(() => storage.barStore.mergeBars(instrumentId(999), '1m', regularBars(3, T0))).toThrow(NotFoundError);
  });
});

describe('SqliteBarStore coverage', () => {
  // 0..199, then 5 missing (200..204), 205..349, 1 missing (350), 351..399, then a gap of
  // 300 bars across what will be a chunk boundary.
  const minutes = [
    ...Array.from({ length: 200 }, (_, i) => i),
    ...Array.from({ length: 145 }, (_, i) => 205 + i),
    ...Array.from({ length: 49 }, (_, i) => 351 + i),
    ...Array.from({ length: 100 }, (_, i) => 700 + i),
  ];
  const bars = barsFromRows(minutes.map((m) => ({ ts: T0 + m * MIN, open: 1, high: 1, low: 1, close: 1 })));

  it('reports first/last/count and gaps beyond the threshold', () => {
    storage.barStore.mergeBars(id, '1m', bars);
    const cov = storage.barStore.coverage(id, '1m');
    expect(cov).toMatchObject({ firstTs: T0, lastTs: T0 + 799 * MIN, barCount: minutes.length });
    expect(cov.gaps).toEqual([
      { afterTs: T0 + 199 * MIN, beforeTs: T0 + 205 * MIN, missingBars: 5 },
      { afterTs: T0 + 399 * MIN, beforeTs: T0 + 700 * MIN, missingBars: 300 },
    ]);
    expect(storage.barStore.coverage(id, '1m', 0).gaps.map((g) => g.missingBars)).toEqual([5, 1, 300]);
    expect(storage.barStore.coverage(id, '1m', 5).gaps.map((g) => g.missingBars)).toEqual([300]);
    expect(storage.barStore.coverage(id, '5m')).toMatchObject({ firstTs: null, lastTs: null, barCount: 0, gaps: [] });
  });

  it('lists series with summaries that match coverage, and fills gaps on merge', () => {
    const store = storage.barStore;
    store.mergeBars(id, '1m', bars);
    store.mergeBars(id, '1h', regularBars(24, T0, 3_600_000));
    const series = store.listSeries();
    expect(series.map((s) => [s.instrument.symbol, s.timeframe, s.barCount, s.gapCount])).toEqual([
      ['BTCUSDT', '1m', minutes.length, 2],
      ['BTCUSDT', '1h', 24, 0],
    ]);
    expect(series[0]).toMatchObject({ firstTs: T0, lastTs: T0 + 799 * MIN });
    store.mergeBars(id, '1m', regularBars(300, T0 + 400 * MIN));
    expect(store.listSeries()[0]).toMatchObject({ barCount: minutes.length + 300, gapCount: 1 });
    expect(store.coverage(id, '1m').gaps).toHaveLength(1);
  });
});

describe('weekend closures', () => {
  const DAY = 86_400_000;
  // T0 (2024-01-01) is a Monday: daily bars over `days` days from it, leaving out the skipped day offsets.
  const daily = (days: number, skip: (day: number) => boolean) =>
    barsFromRows(
      Array.from({ length: days }, (_, d) => d)
        .filter((d) => !skip(d))
        .map((d) => ({ ts: T0 + d * DAY, open: 100, high: 101, low: 99, close: 100 })),
    );
  const weekend = (d: number) => d % 7 === 5 || d % 7 === 6;

  it('counts the weekends of a weekday series as closures, across chunk boundaries, and a missing Wednesday-Thursday as a gap', () => {
    // 30 weeks of weekdays but a Wednesday and Thursday of week 26: 148 bars in chunks of
    // 100, so the hole between the chunks (Friday of week 20 to Monday) is a weekend too.
    const store = storage.barStore;
    store.mergeBars(id, '1d', daily(210, (d) => weekend(d) || d === 177 || d === 178));
    const [summary] = store.listSeries();
    expect(summary).toMatchObject({ timeframe: '1d', barCount: 148, gapCount: 1, weekendClosures: 29 });
    expect(chunkCount()).toBe(2);
    expect(store.coverage(id, '1d')).toMatchObject({ weekendClosures: 29, gaps: [{ afterTs: T0 + 176 * DAY, beforeTs: T0 + 179 * DAY, missingBars: 2 }] });
  });

  it('counts a weekend hole as a gap in a series that trades on weekends', () => {
    // Every day for 20 weeks, but one weekend missing (Saturday and Sunday of the third week).
    const store = storage.barStore;
    store.mergeBars(id, '1d', daily(140, (d) => d === 19 || d === 20));
    expect(store.listSeries()[0]).toMatchObject({ barCount: 138, gapCount: 1, weekendClosures: 0 });
    expect(store.coverage(id, '1d')).toMatchObject({ weekendClosures: 0, gaps: [{ afterTs: T0 + 18 * DAY, beforeTs: T0 + 21 * DAY }] });
  });
});

describe('session closures', () => {
  it("counts an intraday stock series' nights as closures, across a DST switch and chunk boundaries; an outage stays a gap", () => {
    // US stock minutes, 3-21 March 2025: 14:30-21:00 UTC before the DST switch (9 March),
    // 13:30-20:00 after. Full-size chunks (4,096 bars), so each spans days of sessions.
    const t = tempDir();
    const big = openStorage({ file: path.join(t.dir, 'sessions.sqlite') });
    try {
      const spy = big.barStore.upsertInstrument({ ...btc, symbol: 'SPY', venue: 'ARCA', quoteCurrency: 'USD' }).id;
      const rows: { ts: number; open: number; high: number; low: number; close: number }[] = [];
      for (let day = 3; day <= 21; day++) {
        const date = Date.UTC(2025, 2, day);
        const weekday = new Date(date).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        const open = date + (day < 10 ? 14.5 : 13.5) * 3_600_000;
        for (let m = 0; m < 390; m++) {
          const ts = open + m * MIN;
          // An outage on 12 March, 15:00-16:30.
          if (ts >= Date.UTC(2025, 2, 12, 15) && ts < Date.UTC(2025, 2, 12, 16, 30)) continue;
          rows.push({ ts, open: 500, high: 501, low: 499, close: 500 });
        }
      }
      big.barStore.mergeBars(spy, '1m', barsFromRows(rows));
      // 15 sessions: 14 holes between them, 2 over weekends; and the outage.
      expect(big.barStore.listSeries()[0]).toMatchObject({ gapCount: 1, weekendClosures: 2, sessionClosures: 12 });
      expect(big.barStore.coverage(spy, '1m')).toMatchObject({
        weekendClosures: 2,
        sessionClosures: 12,
        gaps: [{ afterTs: Date.UTC(2025, 2, 12, 14, 59), beforeTs: Date.UTC(2025, 2, 12, 16, 30), missingBars: 90 }],
      });
    } finally {
      big.close();
      t.cleanup();
    }
  });
});

describe('readers beside the writer (WAL)', () => {
  it('a reader in a snapshot sees the old data until the write commits, then the new', () => {
    const store = storage.barStore;
    store.mergeBars(id, '1m', regularBars(200, T0));
    const ro = openReadOnly(file);
    const roStore = new SqliteBarStore(ro);
    try {
      ro.exec('BEGIN');
      expect(roStore.readBars(id, '1m').ts.length).toBe(200); // snapshot starts here
      store.transaction(() => {
        store.mergeBars(id, '1m', regularBars(5000, T0 + 200 * MIN));
        // Uncommitted: pool readers and the worker's connection both see the old data.
        expect(storage.database.withReader((db) => new SqliteBarStore(db).readBars(id, '1m').ts.length)).toBe(200);
        expect(store.readBars(id, '1m').ts.length).toBe(5200); // the writer reads its own writes
      });
      // Committed, but the open snapshot still sees the old data.
      expect(roStore.readBars(id, '1m').ts.length).toBe(200);
      ro.exec('COMMIT');
      expect(roStore.readBars(id, '1m').ts.length).toBe(5200);
      expect(store.readBars(id, '1m').ts.length).toBe(5200); // through the pool
    } finally {
      ro.close();
    }
  });
});
