import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../application/errors.js';
import { concatBars, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import type { InstrumentDraft } from '../../domain/market/instrument.js';
import { openStorage, type Storage } from './storage.js';
import { regularBars, tempDir } from '../test-kit/temp-db.js';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const CHUNK = 50;
const btc: InstrumentDraft = { symbol: 'BTC', venue: 'X', priceTick: 0.01, quantityStep: 1, quoteCurrency: 'USD', timeZone: 'UTC' };

let dir: string;
let cleanup: () => void;
const opened: Storage[] = [];

function open(name: string): Storage {
  const storage = openStorage({ file: path.join(dir, name), chunkBars: CHUNK });
  opened.push(storage);
  return storage;
}

beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  cleanup();
});

const plain = (bars: BarColumns) => Object.fromEntries(Object.entries(bars).map(([k, v]) => [k, Array.from(v as Float64Array)]));

/** Every table's rows (index and data), for "nothing changed" and "the same as" checks. */
function tables(storage: Storage): Record<string, unknown[]> {
  const db = storage.writer;
  const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('slow_statements') AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(
    names.map((n) => {
      const columns = db.prepare(`SELECT * FROM "${n}" LIMIT 0`).columns().map((_c, i) => i + 1);
      return [n, db.prepare(`SELECT * FROM "${n}" ORDER BY ${columns.join(', ')}`).raw().all()];
    }),
  );
}

/** The chunks readers see: their layout and bytes, not the data rows' ids. */
function visibleChunks(storage: Storage): unknown[] {
  return storage.writer
    .prepare('SELECT c.instrument_id, c.timeframe, c.start_ts, c.end_ts, c.bar_count, c.gap_count, hex(d.data) FROM bar_chunks c JOIN bar_chunk_data d ON d.id = c.data_id ORDER BY 1, 2, 3')
    .raw()
    .all();
}

/** Bars of `n` at minute offsets, with prices marked by `seed` so replaced bars show. */
function barsAt(minutes: readonly number[], seed: number): BarColumns {
  const out = regularBars(minutes.length, T0, MIN, seed);
  minutes.forEach((m, i) => (out.ts[i] = T0 + m * MIN));
  return out;
}

describe('staged series writes', () => {
  it('give the same series and chunks as merging batch by batch, for any stored series and import', () => {
    const minutesArb = fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { maxLength: 300 }).map((a) => a.sort((x, y) => x - y));
    fc.assert(
      fc.property(fc.array(minutesArb, { maxLength: 3 }), minutesArb, fc.integer({ min: 1, max: 120 }), (storedBatches, imported, batchSize) => {
        const name = `p-${Math.random().toString(36).slice(2)}.sqlite`;
        const staged = open(`a-${name}`);
        const merged = open(`b-${name}`);
        for (const s of [staged, merged]) {
          const id = s.barStore.upsertInstrument(btc).id;
          storedBatches.forEach((minutes, k) => minutes.length && s.barStore.mergeBars(id, '1m', barsAt(minutes, k + 1)));
        }
        const incoming = barsAt(imported, 9);
        const write = staged.barStore.stageSeries('BTC', '1m');
        const id = merged.barStore.findInstrument('BTC')!.id;
        let inserted = 0;
        let replaced = 0;
        for (let i = 0; i < imported.length; i += batchSize) {
          const batch = sliceBars(incoming, i, Math.min(imported.length, i + batchSize));
          const counts = write.add(batch);
          inserted += counts.inserted;
          replaced += counts.replaced;
          const reference = merged.barStore.mergeBars(id, '1m', batch);
          expect(counts).toEqual({ inserted: reference.inserted, replaced: reference.replaced });
        }
        const result = write.commit(btc);
        expect(result).toMatchObject({ inserted, replaced, totalAfter: merged.barStore.readBars(id, '1m').ts.length });
        expect(plain(staged.barStore.readBars(result.instrument.id, '1m'))).toEqual(plain(merged.barStore.readBars(id, '1m')));
        expect(visibleChunks(staged)).toEqual(visibleChunks(merged));
        // Nothing left over: every data row belongs to a visible chunk.
        const dataRows = staged.writer.prepare('SELECT count(*) FROM bar_chunk_data').pluck().get();
        expect(dataRows).toBe(staged.writer.prepare('SELECT count(*) FROM bar_chunks').pluck().get());
        expect(staged.writer.prepare('SELECT count(*) FROM bar_imports').pluck().get()).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('shows readers nothing until the commit, and leaves the write lock free between slices', () => {
    const storage = open('w.sqlite');
    const id = storage.barStore.upsertInstrument(btc).id;
    storage.barStore.mergeBars(id, '1m', regularBars(120, T0));
    const before = storage.barStore.readBars(id, '1m');
    // Another connection that never waits for a lock: each of its writes between two
    // batches must go through at once.
    const other = new Database(storage.file, { timeout: 0 });
    other.pragma('busy_timeout = 0');
    try {
      const write = storage.barStore.stageSeries('BTC', '1m');
      const incoming = regularBars(2_000, T0 + 60 * MIN, MIN, 7);
      for (let i = 0; i < 2_000; i += 300) {
        write.add(sliceBars(incoming, i, Math.min(2_000, i + 300)));
        other.prepare('INSERT INTO slow_statements (ts, sql_shape, duration_ms) VALUES (?, ?, ?)').run(i, 'between slices', 0);
        expect(plain(storage.barStore.readBars(id, '1m'))).toEqual(plain(before));
        expect(storage.barStore.listSeries()[0]!.barCount).toBe(120);
      }
      expect(storage.writer.inTransaction).toBe(false);
      write.commit(btc);
      expect(plain(storage.barStore.readBars(id, '1m'))).toEqual(plain(concatBars([sliceBars(before, 0, 60), incoming])));
    } finally {
      other.close();
    }
  });

  it('discards without a trace, whenever it is dropped', () => {
    const storage = open('d.sqlite');
    const id = storage.barStore.upsertInstrument(btc).id;
    storage.barStore.mergeBars(id, '1m', regularBars(500, T0));
    const before = tables(storage);
    const write = storage.barStore.stageSeries('BTC', '1m');
    write.add(regularBars(700, T0 + 250 * MIN, MIN, 3));
    expect(storage.writer.prepare('SELECT count(*) FROM bar_import_chunks').pluck().get()).toBeGreaterThan(0);
    write.discard();
    expect(tables(storage)).toEqual(before);
    expect(() => write.add(regularBars(1, T0 + 5_000 * MIN))).toThrow(/discarded/);
  });

  it('refuses a commit over a series changed meanwhile, keeping the other change', () => {
    const storage = open('c.sqlite');
    const id = storage.barStore.upsertInstrument(btc).id;
    storage.barStore.mergeBars(id, '1m', regularBars(100, T0));
    const write = storage.barStore.stageSeries('BTC', '1m');
    write.add(regularBars(300, T0 + 50 * MIN, MIN, 5));
    storage.barStore.mergeBars(id, '1m', regularBars(10, T0 + 1_000 * MIN, MIN, 6));
    const meanwhile = { chunks: visibleChunks(storage), instruments: tables(storage).instruments, versions: tables(storage).series_versions };
    expect(() => write.commit(btc)).toThrow(ConflictError);
    write.discard();
    // The conflicting merge stays; the import left nothing behind.
    expect({ chunks: visibleChunks(storage), instruments: tables(storage).instruments, versions: tables(storage).series_versions }).toEqual(meanwhile);
    expect(storage.barStore.readBars(id, '1m').ts.length).toBe(110);
    expect(storage.writer.prepare('SELECT count(*) FROM bar_chunk_data').pluck().get()).toBe(storage.writer.prepare('SELECT count(*) FROM bar_chunks').pluck().get());
    expect(storage.writer.prepare('SELECT count(*) FROM bar_imports').pluck().get()).toBe(0);
  });

  it('creates the instrument with the commit only', () => {
    const storage = open('n.sqlite');
    const write = storage.barStore.stageSeries('NEW', '1h');
    write.add(regularBars(400, T0, 3_600_000));
    expect(storage.barStore.findInstrument('NEW')).toBeNull();
    const result = write.commit({ ...btc, symbol: 'NEW', priceTick: 0.5 });
    expect(result).toMatchObject({ inserted: 400, replaced: 0, totalAfter: 400, instrument: { symbol: 'NEW', priceTick: 0.5 } });
    expect(storage.barStore.listSeries().map((s) => [s.instrument.symbol, s.timeframe, s.barCount])).toEqual([['NEW', '1h', 400]]);
  });

  it('drops what a dead process staged, before or after its commit, when the store is opened', () => {
    const storage = open('r.sqlite');
    const id = storage.barStore.upsertInstrument(btc).id;
    storage.barStore.mergeBars(id, '1m', regularBars(300, T0));
    const before = tables(storage);
    const write = storage.barStore.stageSeries('BTC', '1m');
    write.add(regularBars(600, T0 + 100 * MIN, MIN, 4));
    // As if the process writing it had been killed: its row names a pid that does not run.
    storage.writer.prepare('UPDATE bar_imports SET pid = ?').run(2 ** 31 - 7);
    expect(storage.barStore.reclaimImports((pid) => pid === process.pid)).toBe(1);
    expect(tables(storage)).toEqual(before);

    // Killed after the commit, before the replaced chunks' data was deleted.
    const again = storage.barStore.stageSeries('BTC', '1m');
    again.add(regularBars(600, T0 + 100 * MIN, MIN, 4));
    again.commit(btc);
    const committed = visibleChunks(storage);
    storage.writer.prepare("INSERT INTO bar_imports (id, pid, started_at, symbol, timeframe, base_version, committed) VALUES ('dead', ?, 0, 'BTC', '1m', 0, 1)").run(2 ** 31 - 7);
    const orphan = Number(storage.writer.prepare('INSERT INTO bar_chunk_data (data) VALUES (?)').run(Buffer.alloc(8)).lastInsertRowid);
    storage.writer.prepare("INSERT INTO bar_import_garbage (import_id, data_id) VALUES ('dead', ?)").run(orphan);
    storage.close();
    opened.pop();
    const reopened = open('r.sqlite');
    expect(visibleChunks(reopened)).toEqual(committed);
    expect(reopened.writer.prepare('SELECT count(*) FROM bar_chunk_data').pluck().get()).toBe(reopened.writer.prepare('SELECT count(*) FROM bar_chunks').pluck().get());
    expect(reopened.writer.prepare('SELECT count(*) FROM bar_imports').pluck().get()).toBe(0);
  });

  it('leaves another live process its import', () => {
    const storage = open('l.sqlite');
    const write = storage.barStore.stageSeries('BTC', '1m', 'mine');
    write.add(regularBars(200, T0));
    expect(storage.barStore.reclaimImports()).toBe(0);
    expect(storage.barStore.discardImports('other')).toBe(0);
    expect(storage.barStore.discardImports('mine')).toBe(1);
    expect(storage.writer.prepare('SELECT count(*) FROM bar_chunk_data').pluck().get()).toBe(0);
  });
});
