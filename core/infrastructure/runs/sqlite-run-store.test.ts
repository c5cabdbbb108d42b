import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRuns, deleteRun, getRun, listRuns } from '../../application/backtest/runs.js';
import type { NewRun } from '../../application/ports/run-store.js';
import { instrumentId, runId, strategyId } from '../../domain/market/ids.js';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { tempDir } from '../sqlite/test-kit/temp-db.js';
import { SqliteRunStore } from './sqlite-run-store.js';

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
    metrics: { finalEquity, sharpe: null, tradeCount: 2 },
    trades: [
      { side: 'long', entryTs: 1, exitTs: 2, pnl: 5.5 },
      { side: 'long', entryTs: 3, exitTs: 4, pnl: -1.25 },
    ],
    equity: { ts, equity },
    status: 'completed',
    extras: { openPosition: null },
  };
}

describe('SqliteRunStore', () => {
  it('round-trips a run: spec, metrics, trades and the full equity curve bit for bit', () => {
    const input = newRun(10_100);
    const saved = store.save(input);
    const got = getRun(store, saved.id);
    expect(got.spec).toEqual(input.spec);
    expect(got.metrics).toEqual(input.metrics);
    expect(got.trades).toEqual(input.trades);
    expect(got.tradeCount).toBe(2);
    expect(got.extras).toEqual({ openPosition: null });
    expect(Buffer.from(got.equity.equity.buffer).equals(Buffer.from(input.equity.equity.buffer))).toBe(true);
    expect(Buffer.from(got.equity.ts.buffer).equals(Buffer.from(input.equity.ts.buffer))).toBe(true);
  });

  it('lists newest first with paging and a strategy filter', () => {
    const ids = [1, 2, 3, 4, 5].map((k) => store.save({ ...newRun(k), strategyId: k % 2 ? strategyId('s-odd') : null }).id);
    expect([...ids].sort()).toEqual(ids); // ids are time-ordered
    const page1 = listRuns(store, { limit: 2 });
    expect(page1.total).toBe(5);
    expect(page1.runs.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(listRuns(store, { limit: 2, offset: 4 }).runs.map((r) => r.id)).toEqual([ids[0]]);
    const odd = listRuns(store, { strategyId: strategyId('s-odd') });
    expect(odd.total).toBe(3);
    expect(odd.runs.map((r) => r.id)).toEqual([ids[4], ids[2], ids[0]]);
  });

  it('deletes a run with its trades and equity', () => {
    const { id } = store.save(newRun(1));
    deleteRun(store, id);
    expect(store.get(id)).toBeNull();
    expect(() => deleteRun(store, id)).toThrow(/No run/);
    const left = storage.writer.prepare('SELECT (SELECT count(*) FROM run_trades) + (SELECT count(*) FROM run_equity) AS n').get() as { n: number };
    expect(left.n).toBe(0);
  });

  it('compares runs: metrics side by side and both equity curves', () => {
    const a = store.save(newRun(10_100));
    const b = store.save(newRun(9_900, 500));
    const c = compareRuns(store, [a.id, b.id]);
    expect(c.runs.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(c.metrics.find((m) => m.name === 'finalEquity')?.values).toEqual([10_100, 9_900]);
    expect(c.metrics.find((m) => m.name === 'sharpe')?.values).toEqual([null, null]);
    expect(c.equity.map((e) => e.equity.length)).toEqual([1000, 500]);
    expect(() => compareRuns(store, [a.id])).toThrow(/2 to 4/);
    expect(() => compareRuns(store, [a.id, runId('missing')])).toThrow(/No run/);
  });
});
