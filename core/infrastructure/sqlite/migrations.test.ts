import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { barsFromRows } from '../../domain/test-kit/bars.js';
import { SqliteBarStore } from './bar-store.js';
import { encodeChunk } from './chunk-codec.js';
import { SqliteDatabase } from './database.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from './migrations.js';
import { tempDir } from '../test-kit/temp-db.js';
import { deflateRawSync } from 'node:zlib';
import type { Trade } from '../../domain/engine/types.js';
import { tradeOf } from '../../domain/test-kit/fills.js';
import { SqliteRunStore } from '../runs/sqlite-run-store.js';
import { SqliteStrategyStore } from '../strategies/sqlite-strategy-store.js';
import { buildTemplate } from '../../domain/strategy/templates.js';
import { runId, strategyId } from '../../domain/market/ids.js';
import { openStorage } from './storage.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function file(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return path.join(dir, 'test.sqlite');
}

/** Table and index definitions, to compare schemas reached by different paths. */
function schemaOf(db: Database.Database): unknown[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
}

describe('migrations', () => {
  it('migrates an empty file to the latest version', () => {
    const db = new Database(file());
    expect(migrate(db)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['instruments', 'bar_chunks', 'slow_statements']));
    db.close();
  });

  it.each(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, k) => k))('migrates from version %i to the same schema as a fresh file', (k) => {
    const fresh = new Database(file());
    migrate(fresh);
    const p = file();
    const old = new Database(p);
    migrate(old, MIGRATIONS.slice(0, k));
    expect(schemaVersion(old)).toBe(k);
    old.close();
    const reopened = SqliteDatabase.open(p, { readers: 0 });
    expect(schemaVersion(reopened.writer)).toBe(LATEST_SCHEMA_VERSION);
    expect(schemaOf(reopened.writer)).toEqual(schemaOf(fresh));
    reopened.close();
    fresh.close();
  });

  it('measures the weekend closures of chunks stored before they were counted', () => {
    const p = file();
    const old = new Database(p);
    const before = MIGRATIONS.findIndex((m) => m.name === 'market closures told from gaps');
    migrate(old, MIGRATIONS.slice(0, before));
    old.prepare("INSERT INTO instruments (id, symbol, venue, price_tick, quantity_step, quote_currency, time_zone) VALUES (1, 'GOOG', 'v', 0.01, 1, 'USD', 'UTC')").run();
    // Two weeks of weekday bars from Monday 2024-01-01, as that version stored them.
    const DAY = 86_400_000;
    const days = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11];
    const bars = barsFromRows(days.map((d) => ({ ts: Date.UTC(2024, 0, 1) + d * DAY, open: 1, high: 1, low: 1, close: 1 })));
    old
      .prepare('INSERT INTO bar_chunks (instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms, data) VALUES (1, ?, ?, ?, ?, 1, ?, ?)')
      .run('1d', bars.ts[0], bars.ts[days.length - 1], days.length, 3 * DAY, encodeChunk(bars, 0, days.length));
    old.close();
    const reopened = SqliteDatabase.open(p, { readers: 0 });
    expect(new SqliteBarStore(reopened.writer).listSeries()[0]).toMatchObject({ barCount: 10, gapCount: 0, weekendClosures: 1 });
    reopened.close();
  });

  it('upgrades a store at the bar-deletions step (main before staged imports): its bars, their source and its sweeps are kept, and a staged import goes on from them', () => {
    const p = file();
    const old = new Database(p);
    migrate(old, MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'bar deletions with an undo window') + 1));
    old
      .prepare(
        "INSERT INTO instruments (id, symbol, venue, price_tick, quantity_step, quote_currency, time_zone, source_exchange, source_market) VALUES (1, 'BTC/USDT', 'binance', 0.01, 0.00001, 'USDT', 'UTC', 'binance', 'BTC/USDT')",
      )
      .run();
    const MINUTE = 60_000;
    const t0 = Date.UTC(2024, 0, 1);
    const bars = barsFromRows([0, 1, 2].map((i) => ({ ts: t0 + i * MINUTE, open: 10 + i, high: 11 + i, low: 9 + i, close: 10.5 + i })));
    old
      .prepare('INSERT INTO bar_chunks (instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms, data) VALUES (1, ?, ?, ?, 3, 0, ?, ?)')
      .run('1m', t0, t0 + 2 * MINUTE, MINUTE, encodeChunk(bars, 0, 3));
    old
      .prepare(
        "INSERT INTO sweeps (id, created_at, name, status, config_json, instrument_id, symbol, timeframe, magnifier, planned, done) VALUES ('s1', 1, 'grid', 'running', '{}', 1, 'BTC/USDT', '1m', 0, 10, 4)",
      )
      .run();
    old.close();

    const reopened = SqliteDatabase.open(p, { readers: 0 });
    try {
      expect(schemaVersion(reopened.writer)).toBe(LATEST_SCHEMA_VERSION);
      const store = new SqliteBarStore(reopened.writer);
      const instrument = store.findInstrument('BTC/USDT')!;
      expect(instrument.source).toEqual({ exchange: 'binance', market: 'BTC/USDT' });
      expect(Array.from(store.readBars(instrument.id, '1m').close)).toEqual([10.5, 11.5, 12.5]);
      expect(reopened.writer.prepare("SELECT status, done, owner_pid FROM sweeps WHERE id = 's1'").get()).toEqual({ status: 'running', done: 4, owner_pid: null });
      // The next slice of a download, staged and committed over the migrated chunks.
      const staged = store.stageSeries('BTC/USDT', '1m');
      staged.add(barsFromRows([{ ts: t0 + 3 * MINUTE, open: 13, high: 14, low: 12, close: 13.5 }]));
      staged.commit({ symbol: 'BTC/USDT', venue: 'binance', priceTick: 0.01, quantityStep: 0.00001, quoteCurrency: 'USDT', timeZone: 'UTC' });
      expect(Array.from(store.readBars(instrument.id, '1m').close)).toEqual([10.5, 11.5, 12.5, 13.5]);
      expect(store.findInstrument('BTC/USDT')!.source).toEqual({ exchange: 'binance', market: 'BTC/USDT' });
    } finally {
      reopened.close();
    }
  });

  it('re-opening a migrated file changes nothing', () => {
    const p = file();
    const first = SqliteDatabase.open(p);
    first.writer.prepare("INSERT INTO instruments (symbol, venue, price_tick, quantity_step, quote_currency, time_zone) VALUES ('X', 'v', 0.01, 1, 'USD', 'UTC')").run();
    const before = schemaOf(first.writer);
    first.close();
    const second = SqliteDatabase.open(p);
    expect(migrate(second.writer)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
    expect(schemaOf(second.writer)).toEqual(before);
    expect(second.writer.prepare('SELECT count(*) FROM instruments').pluck().get()).toBe(1);
    second.close();
  });

  it('rolls back a failing migration whole, leaving the version where it was', () => {
    const db = new Database(file());
    migrate(db);
    const broken = [...MIGRATIONS, { name: 'half done', up: (d: Database.Database) => d.exec('CREATE TABLE t (a); CREATE TABLE t (a);') }];
    expect(() => migrate(db, broken)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 't'").pluck().get()).toBe(0);
    db.close();
  });

  it('rewrites trades saved in the earlier encodings in the fill codec, with markers rebuilt from them', () => {
    const p = file();
    const old = new Database(p);
    const before = MIGRATIONS.findIndex((m) => m.name === 'trades and markers in the fill codec');
    migrate(old, MIGRATIONS.slice(0, before));
    const trades = [
      tradeOf({ side: 'short', entryTs: 1_000, exitTs: 2_000, entryBar: 1, exitBar: 2, pnl: -0, exitReason: 'stopLoss' }),
      tradeOf({ entryTs: 3_000, exitTs: 4_000, entryBar: 3, exitBar: 4, quantity: 0.5, exitReason: 'partialExit' }),
      tradeOf({ entryTs: 3_000, exitTs: 5_000, entryBar: 3, exitBar: 5, quantity: 0.5, pnl: 2.25 }),
    ];
    const insertRun = (id: string, tradeCount: number) =>
      old
        .prepare(
          `INSERT INTO runs (id, created_at, name, strategy_id, spec_json, instrument_id, symbol, timeframe, from_ts, to_ts, bar_count, engine_version, hash, metrics_json, trade_count, status)
           VALUES (?, 1, 'r', NULL, '{}', 1, 'X', '1m', NULL, NULL, 6, '1', 'abc', '{"finalEquity":1}', ?, 'completed')`,
        )
        .run(id, tradeCount);
    // 'json+deflate-raw': one deflated JSON array.
    insertRun('json', trades.length);
    old.prepare("INSERT INTO run_trades (run_id, encoding, trades) VALUES ('json', 'json+deflate-raw', ?)").run(deflateRawSync(JSON.stringify(trades)));
    // 'columns-v1': a column per field whose kind was inferred at save (numbers f64, strings as indices).
    insertRun('cols', trades.length);
    const fields = Object.keys(trades[0]!).map((name) =>
      typeof trades[0]![name as keyof Trade] === 'string' ? { name, kind: 'str', values: [...new Set(trades.map((t) => String(t[name as keyof Trade])))] } : { name, kind: 'f64' },
    );
    old.prepare("INSERT INTO run_trades (run_id, encoding, trades) VALUES ('cols', 'columns-v1', ?)").run(Buffer.from(JSON.stringify({ count: trades.length, pageSize: 2, fields })));
    for (const field of fields) {
      const values = trades.map((t) => t[field.name as keyof Trade]);
      for (let page = 0; page * 2 < trades.length; page++) {
        const part = values.slice(page * 2, page * 2 + 2);
        const column = field.kind === 'str' ? Int32Array.from(part, (v) => field.values!.indexOf(String(v))) : Float64Array.from(part, Number);
        old.prepare("INSERT INTO run_trade_pages (run_id, field, page, data) VALUES ('cols', ?, ?, ?)").run(field.name, page, Buffer.from(column.buffer));
      }
    }
    // Trades that are not the engine's (a field missing): left as they were.
    insertRun('odd', 1);
    old.prepare("INSERT INTO run_trades (run_id, encoding, trades) VALUES ('odd', 'json+deflate-raw', ?)").run(deflateRawSync(JSON.stringify([{ side: 'long', pnl: 1 }])));
    old.close();

    const storage = openStorage({ file: p });
    try {
      const store = new SqliteRunStore(storage.writer);
      for (const id of ['json', 'cols']) {
        const got = store.readTrades(runId(id), 0, 10);
        expect(JSON.stringify(got)).toBe(JSON.stringify(trades));
        // JSON never held -0; the columns did, and keep it.
        expect(Object.is(got[0]!.pnl, -0)).toBe(id === 'cols');
        expect(store.getHeader(runId(id))!.ascendingTradeFields).toEqual(expect.arrayContaining(['entryTs', 'exitTs']));
        expect(store.readMarkers(runId(id))!.map((m) => [m.ts, m.kind, m.fill])).toEqual([
          [1_000, 'entryShort', 'open'],
          [2_000, 'exitShort', 'intrabar'],
          [3_000, 'entryLong', 'open'],
          [4_000, 'partialExitLong', 'intrabar'],
          [5_000, 'exitLong', 'open'],
        ]);
      }
      expect(store.getHeader(runId('odd'))!.tradeCount).toBe(1);
      expect(() => store.readTrades(runId('odd'), 0, 1)).toThrow(/stores its trades as "json\+deflate-raw", which this version cannot read/);
      expect(() => store.readMarkers(runId('odd'))).toThrow(/cannot read/);
    } finally {
      storage.close();
    }
  });

  it('rewrites saved strategies, drafts and runs in spec format version 2, keeping what it cannot read', () => {
    const p = file();
    const old = new Database(p);
    migrate(old, MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'strategy specs in format version 2')));
    const { parameters: _names, ...spec } = buildTemplate('sma-cross');
    const v1 = JSON.stringify({ ...spec, version: 1 });
    const insert = old.prepare('INSERT INTO strategies (id, name, spec_json, created_at, updated_at, draft_json, draft_saved_at) VALUES (?, ?, ?, 1, 1, ?, ?)');
    insert.run('s1', 'Old cross', v1, JSON.stringify({ ...spec, version: 1, name: 'Draft' }), 2);
    insert.run('s2', 'Broken', '{not json', null, null);
    old
      .prepare(
        `INSERT INTO runs (id, created_at, name, strategy_id, spec_json, instrument_id, symbol, timeframe, from_ts, to_ts, bar_count, engine_version, hash, metrics_json, trade_count, status)
         VALUES ('r1', 1, 'r', 's1', ?, 1, 'X', '1m', NULL, NULL, 6, '1', 'abc', '{"finalEquity":1}', 0, 'completed')`,
      )
      .run(v1);
    old.close();

    const storage = openStorage({ file: p });
    try {
      const row = (id: string) => storage.writer.prepare('SELECT spec_json, draft_json FROM strategies WHERE id = ?').get(id) as { spec_json: string; draft_json: string | null };
      expect(JSON.parse(row('s1').spec_json)).toEqual(spec);
      expect(JSON.parse(row('s1').draft_json!)).toEqual({ ...spec, name: 'Draft' });
      expect(row('s2').spec_json).toBe('{not json');
      expect(new SqliteStrategyStore(storage.writer).get(strategyId('s1'))!.spec).toEqual(spec);
      expect(JSON.parse((storage.writer.prepare("SELECT spec_json FROM runs WHERE id = 'r1'").get() as { spec_json: string }).spec_json).version).toBe(2);
    } finally {
      storage.close();
    }
  });
});
