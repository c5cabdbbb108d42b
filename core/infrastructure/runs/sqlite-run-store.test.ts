import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drawdownPct } from '../../application/charts/downsample.js';
import { EQUITY_OVERVIEW_POINTS, type NewRun } from '../../application/runs/run-store.js';
import { instrumentId, runId, strategyId } from '../../domain/market/ids.js';
import { markerOf, metricsOf, tradeOf } from '../../domain/test-kit/fills.js';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { tempDir } from '../test-kit/temp-db.js';
import { SqliteRunStore } from './sqlite-run-store.js';
import { TRADE_PAGE_SIZE } from './fill-pages.js';

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let store: SqliteRunStore;
let now = Date.UTC(2025, 0, 1);

beforeEach(() => {
  dir = tempDir('bws-runs-');
  storage = openStorage({ file: path.join(dir.dir, 'w.sqlite') });
  store = new SqliteRunStore(storage.writer, () => storage.database.reader(), () => now++);
});
afterEach(() => {
  storage.close();
  dir.cleanup();
});

function newRun(finalEquity: number, points = 1000): NewRun {
  const ts = new Float64Array(points).map((_, i) => Date.UTC(2024, 0, 1) + i * 60_000);
  const equity = new Float64Array(points).map((_, i) => 10_000 + i * 0.1 + Math.sin(i) / 3);
  return {
    name: `run ${finalEquity}`,
    strategyId: null,
    spec: smaCrossSpec(10, 30),
    instrumentId: instrumentId(1),
    symbol: 'TEST',
    timeframe: '1m',
    fromTs: null,
    toTs: Date.UTC(2024, 1, 1),
    barCount: points,
    engineVersion: '1.0.0',
    hash: 'abcdef0123456789',
    metrics: metricsOf({ finalEquity, sharpe: null, tradeCount: 2 }),
    trades: [tradeOf({ entryTs: 1, exitTs: 2, pnl: 5.5 }), tradeOf({ entryTs: 3, exitTs: 4, pnl: -1.25, exitReason: 'stopLoss' })],
    markers: [markerOf({ ts: 1 }), markerOf({ ts: 2, kind: 'exitLong' }), markerOf({ ts: 3 }), markerOf({ ts: 4, kind: 'exitLong', fill: 'intrabar' })],
    equity: { ts, equity },
    status: 'completed',
    extras: { openPosition: null },
  };
}

describe('SqliteRunStore', () => {
  it('stores regular equity times as steps and irregular ones raw; both read back bit for bit', () => {
    const regular = newRun(1, 5_000);
    const irregular = newRun(2, 50);
    const oddTs = irregular.equity.ts.map((t, i) => t + i * i);
    const a = store.save(regular);
    const b = store.save({ ...irregular, equity: { ts: oddTs, equity: irregular.equity.equity } });
    const stored = storage.writer.prepare('SELECT run_id, ts_encoding, length(ts) AS bytes FROM run_equity ORDER BY run_id').all();
    expect(stored).toEqual([
      { run_id: a.id, ts_encoding: 'steps-v1', bytes: 24 },
      { run_id: b.id, ts_encoding: 'f64', bytes: 50 * 8 },
    ]);
    const same = (x: Float64Array, y: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    expect(same(store.getEquity(a.id)!.ts, regular.equity.ts)).toBe(true);
    expect(same(store.getEquity(a.id)!.equity, regular.equity.equity)).toBe(true);
    expect(same(store.getEquity(b.id)!.ts, oddTs)).toBe(true);
  });

  it('saves a long curve in parts (no bound value is ever the whole curve), reads it back bit for bit, and deletes the parts with the run', () => {
    const parted = new SqliteRunStore(storage.writer, () => storage.database.reader(), () => now++, 400);
    const regular = newRun(1, 1_000);
    const irregular = newRun(2, 1_001);
    const oddTs = irregular.equity.ts.map((t, i) => t + i * i);
    const a = parted.save(regular);
    const b = parted.save({ ...irregular, equity: { ts: oddTs, equity: irregular.equity.equity } });
    const c = parted.save(newRun(3, 400));
    const parts = storage.writer.prepare('SELECT run_id, part, length(ts) AS ts, length(equity) AS equity FROM run_equity_parts ORDER BY run_id, part').all();
    expect(parts).toEqual([
      { run_id: a.id, part: 1, ts: 0, equity: 400 * 8 },
      { run_id: a.id, part: 2, ts: 0, equity: 200 * 8 },
      { run_id: b.id, part: 1, ts: 400 * 8, equity: 400 * 8 },
      { run_id: b.id, part: 2, ts: 201 * 8, equity: 201 * 8 },
    ]);
    const same = (x: Float64Array, y: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    // Read by the default store too: the layout is the file's, not the writer's setting.
    for (const reader of [parted, store]) {
      expect(same(reader.getEquity(a.id)!.ts, regular.equity.ts)).toBe(true);
      expect(same(reader.getEquity(a.id)!.equity, regular.equity.equity)).toBe(true);
      expect(same(reader.getEquity(b.id)!.ts, oddTs)).toBe(true);
      expect(same(reader.getEquity(b.id)!.equity, irregular.equity.equity)).toBe(true);
      expect(reader.getEquity(c.id)!.equity).toHaveLength(400);
    }
    expect(store.delete(a.id)).toBe(true);
    expect(storage.writer.prepare('SELECT DISTINCT run_id FROM run_equity_parts').all()).toEqual([{ run_id: b.id }]);
  });

  it('keeps an equity overview with each run: real points, every extreme, drawdown from the full curve', () => {
    const big = newRun(1, 100_000);
    // A spike and a crash inside the run, each one bar long: an overview must keep both.
    const equity = big.equity.equity.slice();
    equity[31_337] = 50_000;
    equity[77_777] = 1_000;
    const saved = store.save({ ...big, equity: { ts: big.equity.ts, equity } });
    const overview = store.getEquityOverview(saved.id)!;
    expect(overview.sourcePoints).toBe(100_000);
    expect(overview.ts.length).toBeLessThanOrEqual(EQUITY_OVERVIEW_POINTS);
    expect(overview.ts.length).toBeGreaterThan(EQUITY_OVERVIEW_POINTS / 2);
    const full = drawdownPct(equity);
    for (let k = 0; k < overview.ts.length; k++) {
      const i = (overview.ts[k]! - big.equity.ts[0]!) / 60_000;
      expect(overview.equity[k]).toBe(equity[i]);
      expect(overview.drawdown[k]).toBe(full[i]);
    }
    expect(Math.max(...overview.equity)).toBe(50_000);
    expect(Math.min(...overview.equity)).toBe(1_000);
    expect(Math.min(...overview.drawdown)).toBe(Math.min(...full));

    // A curve shorter than the overview is kept whole; a run saved before overviews has none.
    const small = store.save(newRun(2, 500));
    expect(Array.from(store.getEquityOverview(small.id)!.equity)).toEqual(Array.from(newRun(2, 500).equity.equity));
    storage.writer.prepare('UPDATE run_equity SET overview = NULL, overview_count = NULL WHERE run_id = ?').run(small.id);
    expect(store.getEquityOverview(small.id)).toBeNull();
  });

  it('reports equity times it cannot read as a StorageError naming the run', () => {
    const saved = store.save(newRun(1, 100));
    storage.writer.prepare("UPDATE run_equity SET ts = ? WHERE run_id = ?").run(Buffer.from(Float64Array.of(0, 60_000, 99).buffer), saved.id);
    expect(() => store.getEquity(saved.id)).toThrow(new RegExp(`Run ${saved.id}: time steps give 99 points, expected 100`));
    storage.writer.prepare("UPDATE run_equity SET ts_encoding = 'zstd' WHERE run_id = ?").run(saved.id);
    expect(() => store.getEquity(saved.id)).toThrow(/"zstd", which this version cannot read/);
  });

  it('round-trips a run: spec, metrics, trades and the full equity curve bit for bit', () => {
    const input = newRun(10_100);
    const saved = store.save(input);
    const got = store.get(saved.id)!;
    expect(got.spec).toEqual(input.spec);
    expect(got.metrics).toEqual(input.metrics);
    expect(got.trades).toEqual(input.trades);
    expect(store.readMarkers(saved.id)).toEqual(input.markers);
    expect(store.readMarkers(runId('missing'))).toBeNull();
    expect(got.tradeCount).toBe(2);
    expect(got.extras).toEqual({ openPosition: null });
    expect(Buffer.from(got.equity.equity.buffer).equals(Buffer.from(input.equity.equity.buffer))).toBe(true);
    expect(Buffer.from(got.equity.ts.buffer).equals(Buffer.from(input.equity.ts.buffer))).toBe(true);
  });

  it('lists newest first with paging and a strategy filter', () => {
    const ids = [1, 2, 3, 4, 5].map((k) => store.save({ ...newRun(k), strategyId: k % 2 ? strategyId('s-odd') : null }).id);
    expect([...ids].sort()).toEqual(ids); // ids are time-ordered
    const page1 = store.list({ limit: 2 });
    expect(page1.total).toBe(5);
    expect(page1.runs.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(store.list({ limit: 2, offset: 4 }).runs.map((r) => r.id)).toEqual([ids[0]]);
    const odd = store.list({ strategyId: strategyId('s-odd') });
    expect(odd.total).toBe(3);
    expect(odd.runs.map((r) => r.id)).toEqual([ids[4], ids[2], ids[0]]);
  });

  it('lists the runs of one content hash (reruns of identical inputs), alone or with the strategy filter', () => {
    const hashes = ['a'.repeat(64), 'b'.repeat(64), 'a'.repeat(64)];
    const ids = hashes.map((hash, k) => store.save({ ...newRun(k), hash, strategyId: k === 2 ? strategyId('s') : null }).id);
    const same = store.list({ hash: 'a'.repeat(64) });
    expect(same.total).toBe(2);
    expect(same.runs.map((r) => r.id)).toEqual([ids[2], ids[0]]);
    expect(store.list({ hash: 'a'.repeat(64), strategyId: strategyId('s') }).runs.map((r) => r.id)).toEqual([ids[2]]);
    expect(store.list({ hash: 'c'.repeat(64) }).total).toBe(0);
  });

  it('marks a listed run that repeats an earlier one of the same hash with the first of them', () => {
    const hashes = ['a'.repeat(64), 'b'.repeat(64), 'a'.repeat(64), 'a'.repeat(64)];
    const saved = hashes.map((hash, k) => store.save({ ...newRun(k), hash }));
    const listed = store.list().runs;
    expect(listed.map((r) => r.id)).toEqual([saved[3]!.id, saved[2]!.id, saved[1]!.id, saved[0]!.id]);
    const first = { id: saved[0]!.id, createdAt: saved[0]!.createdAt };
    expect(listed.map((r) => r.repeatOf ?? null)).toEqual([first, first, null, null]);
    // Also when the first run is off the page.
    expect(store.list({ limit: 1 }).runs[0]!.repeatOf).toEqual(first);
  });

  it("lists a sweep variant's parameters with its run (ten variants of one sweep are told apart), and nothing else of the extras", () => {
    const variant = (index: number, fast: number) => ({ sweepId: 'sw1', sweepName: 'SMA sweep', index, params: { fast, slow: 50 } });
    const plain = store.save(newRun(1));
    const a = store.save({ ...newRun(2), extras: { openPosition: { side: 'long', entryTs: 0, entryBar: 0, entryPrice: 1, quantity: 1, markPrice: 1, unrealizedPnl: 0, fees: 0, barsHeld: 1 }, sweepVariant: variant(3, 10) } });
    const b = store.save({ ...newRun(3), extras: { sweepVariant: variant(4, 20) } });
    expect(b.sweepVariant).toEqual(variant(4, 20)); // what save answers agrees with the list
    const listed = new Map(store.list().runs.map((r) => [r.id, r]));
    expect(listed.get(a.id)!.sweepVariant).toEqual(variant(3, 10));
    expect(listed.get(b.id)!.sweepVariant).toEqual(variant(4, 20));
    expect(listed.get(plain.id)).not.toHaveProperty('sweepVariant');
    expect(listed.get(a.id)).not.toHaveProperty('extras');
    expect(store.getHeader(a.id)!.sweepVariant).toEqual(variant(3, 10));
    // A run whose extras are damaged, or whose variant is not what a sweep writes, still lists.
    storage.writer.prepare("UPDATE runs SET extras_json = '{not json' WHERE id = ?").run(a.id);
    storage.writer.prepare(`UPDATE runs SET extras_json = '{"sweepVariant":"fast=20"}' WHERE id = ?`).run(b.id);
    const again = store.list().runs;
    expect(again).toHaveLength(3);
    expect(again.map((r) => r.sweepVariant)).toEqual([undefined, undefined, undefined]);
  });

  it('deletes a run with its trades and equity', () => {
    const { id } = store.save(newRun(1));
    expect(store.delete(id)).toBe(true);
    expect(store.get(id)).toBeNull();
    expect(store.delete(id)).toBe(false);
    const left = storage.writer
      .prepare('SELECT (SELECT count(*) FROM run_trades) + (SELECT count(*) FROM run_trade_pages) + (SELECT count(*) FROM run_equity) + (SELECT count(*) FROM run_markers) AS n')
      .get() as { n: number };
    expect(left.n).toBe(0);
  });

  /** Trades over more than two pages, entry times rising, pnl up and down. */
  function manyTrades(n: number) {
    return Array.from({ length: n }, (_, i) =>
      tradeOf({
        side: i % 3 === 0 ? 'short' : 'long',
        entryTs: 1_700_000_000_000 + i * 120_000,
        exitTs: 1_700_000_060_000 + i * 120_000,
        entryBar: 2 * i,
        exitBar: 2 * i + 1,
        entryPrice: 100 + Math.sin(i) * 3,
        pnl: Math.sin(i * 7) * 10,
        exitReason: i % 5 === 0 ? 'stopLoss' : 'signal',
      }),
    );
  }

  it('stores trades as fixed columnar pages: reads a slice across a page edge, picked trades and one field', () => {
    const n = 2 * TRADE_PAGE_SIZE + 123;
    const trades = manyTrades(n);
    const { id } = store.save({ ...newRun(1), trades });
    expect(store.getHeader(id)).toMatchObject({ tradeCount: n, ascendingTradeFields: expect.arrayContaining(['entryTs', 'exitTs', 'entryBar', 'exitBar']) });
    expect(store.getHeader(id)?.ascendingTradeFields).not.toContain('pnl');
    const pages = storage.writer.prepare('SELECT count(*) AS n FROM run_trade_pages WHERE run_id = ?').get(id) as { n: number };
    expect(pages.n).toBe(3 * Object.keys(trades[0]!).length);
    expect(store.readTrades(id, TRADE_PAGE_SIZE - 2, 5)).toEqual(trades.slice(TRADE_PAGE_SIZE - 2, TRADE_PAGE_SIZE + 3));
    expect(store.readTrades(id, n - 1, 50)).toEqual([trades[n - 1]]);
    expect(store.readTradesAt(id, [n - 1, 0, TRADE_PAGE_SIZE])).toEqual([trades[n - 1], trades[0], trades[TRADE_PAGE_SIZE]]);
    expect(() => store.readTradesAt(id, [n])).toThrow(/No trade/);
    expect([...store.readTradeField(id, 'pnl')]).toEqual(trades.map((t) => t.pnl));
    expect(store.get(id)!.trades).toEqual(trades);
  });

  it('reports trade pages it cannot read as a StorageError naming the run and page', () => {
    const { id } = store.save({ ...newRun(1), trades: manyTrades(10) });
    storage.writer.prepare("DELETE FROM run_trade_pages WHERE run_id = ? AND field = 'fees'").run(id);
    expect(() => store.readTrades(id, 0, 5)).toThrow(new RegExp(`Run ${id}, trade page 0: 1 trade fields are missing`));
    storage.writer.prepare("UPDATE run_trades SET encoding = 'zstd' WHERE run_id = ?").run(id);
    expect(() => store.readTrades(id, 0, 5)).toThrow(/stores its trades as "zstd", which this version cannot read/);
  });
});
