import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SlowStatementLog, SLOW_LOG_CAPACITY, sqlShape } from './slow-log.js';
import { openStorage } from './storage.js';
import { regularBars, tempDir } from '../test-kit/temp-db.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function storageWith(slowMs: number) {
  const { dir, cleanup } = tempDir();
  const storage = openStorage({ file: path.join(dir, 'db.sqlite'), slowMs, readers: 1 });
  cleanups.push(() => {
    storage.close();
    cleanup();
  });
  return storage;
}

describe('slow-statement log', () => {
  it('strips literal values from the SQL shape', () => {
    expect(sqlShape("SELECT *  FROM t\n WHERE a = 'it''s' AND b = 42 AND c > -1.5e3 AND d = ? AND col2 = x'00ff'")).toBe(
      'SELECT * FROM t WHERE a = ? AND b = ? AND c > ? AND d = ? AND col2 = ?',
    );
  });

  it('records a store statement over a tiny threshold, newest first', () => {
    const storage = storageWith(0);
    const id = storage.barStore.upsertInstrument({ symbol: 'X', venue: 'v', priceTick: 0.01, quantityStep: 1, quoteCurrency: 'USD', timeZone: 'UTC' }).id;
    storage.barStore.mergeBars(id, '1m', regularBars(10, Date.UTC(2024, 0, 1)));
    storage.barStore.readBars(id, '1m');
    const entries = storage.slowLog.list(500);
    expect(entries.length).toBeGreaterThan(3);
    // A read: the chunks' index rows, then each BLOB by its id.
    expect(entries[0]!.sqlShape).toMatch(/^SELECT data FROM bar_chunk_data WHERE id = \?/);
    expect(entries[1]!.sqlShape).toMatch(/^SELECT c.start_ts, c.end_ts, c.bar_count, c.data_id FROM bar_chunks c/);
    expect(entries[1]!.rows).toBe(1);
    expect(entries.some((e) => e.sqlShape.startsWith('INSERT INTO bar_chunks'))).toBe(true);
    expect(entries.every((e) => e.durationMs >= 0 && e.ts > 0)).toBe(true);
    expect(entries.every((e) => !e.sqlShape.includes('9007199254740991'))).toBe(true);
  });

  it('records nothing under the default threshold for fast statements', () => {
    const storage = storageWith(50);
    storage.barStore.listInstruments();
    expect(storage.slowLog.list()).toEqual([]);
  });

  it('keeps only the newest entries', () => {
    const storage = storageWith(0);
    const log = new SlowStatementLog(storage.writer, 10);
    for (let i = 0; i < SLOW_LOG_CAPACITY + 25; i++) log.record(`Q${i}`, 11, null);
    expect(storage.writer.prepare('SELECT count(*) FROM slow_statements').pluck().get()).toBe(SLOW_LOG_CAPACITY);
    expect(log.list(1)[0]!.sqlShape).toBe(`Q${SLOW_LOG_CAPACITY + 24}`);
    log.record('fast', 9, null);
    expect(log.list(1)[0]!.sqlShape).not.toBe('fast');
  });
});
