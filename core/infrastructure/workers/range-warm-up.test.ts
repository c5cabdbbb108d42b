// A run over a sub-range warms its indicators up on the stored bars before it: GOOG
// daily bars in a real SQLite file, run through real backtest workers.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRunInputs } from '../../domain/engine/run-hash.js';
import type { Trade } from '../../domain/engine/types.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { buildTemplate } from '../../domain/strategy/templates.js';
import type { BacktestRequest } from '../../application/backtest/backtest-executor.js';
import { importCsvFile } from '../csv/import-csv-file.js';
import { SqliteRunStore } from '../runs/sqlite-run-store.js';
import { tempDir } from '../test-kit/temp-db.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { marketDataFile } from '../test-kit/market-data.js';
import { WorkerBacktestExecutor } from './worker-backtest-executor.js';

const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let instrument: Instrument;
let executor: WorkerBacktestExecutor;
const spec = buildTemplate('sma-cross', { fast: 10, slow: 30 });

beforeAll(() => {
  dir = tempDir('bws-range-warm-up-');
  storage = openStorage({ file: path.join(dir.dir, 'workstation.sqlite') });
  importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'GOOG', timeframe: '1d' });
  instrument = storage.barStore.findInstrument('GOOG')!;
  executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
});

afterAll(async () => {
  await executor.close();
  storage.close();
  dir.cleanup();
});

const run = (range: Partial<BacktestRequest> = {}) => executor.submit({ instrument, timeframe: '1d', spec, ...range }).result;
const brief = (t: Trade) => [t.side, new Date(t.entryTs).toISOString().slice(0, 10), new Date(t.exitTs).toISOString().slice(0, 10), t.entryPrice, t.exitPrice, t.exitReason];

describe('a run over a range warms up on the stored bars before it', () => {
  it('SMA 10/30 on GOOG 2008-03-01..2008-06-30 takes the 2008-04-07..2008-06-02 trade of the full run', async () => {
    const from = day(2008, 3, 1);
    const to = day(2008, 7, 1);
    const full = await run();
    expect(full.warmUp).toEqual({ bars: 0, needed: 30 });
    // The full run is flat on 2008-03-01 (no trade spans it), so the range must trade as the full run does inside it.
    expect(full.result.trades.some((t) => t.entryTs < from && t.exitTs >= from)).toBe(false);
    const inside = full.result.trades.filter((t) => t.entryTs >= from && t.exitTs < to).map(brief);
    expect(inside).toContainEqual(['long', '2008-04-07', '2008-06-02', expect.any(Number), expect.any(Number), 'signal']);

    const ranged = await run({ fromTs: from, toTs: to });
    expect(ranged.warmUp).toEqual({ bars: 30, needed: 30 });
    expect(ranged.firstTs).toBeGreaterThanOrEqual(from);
    expect(ranged.barCount).toBe(ranged.result.equity.length);
    expect(ranged.ts.length).toBe(ranged.barCount);
    expect(ranged.result.metrics.start).toBe(ranged.firstTs);
    expect(ranged.result.trades.map(brief)).toEqual(inside);
    // The equity is flat until the first entry, which fills on the fill day of the full run.
    expect(ranged.result.markers[0]!.ts).toBe(day(2008, 4, 7));
  });

  it('a 5-bar range still signals (conditions known from its first bar) and says how many bars warmed it up', async () => {
    const ranged = await run({ fromTs: day(2008, 4, 1), toTs: day(2008, 4, 8) });
    expect(ranged.barCount).toBe(5);
    expect(ranged.warmUp).toEqual({ bars: 30, needed: 30 });
    expect(ranged.result.openPosition?.entryTs).toBe(day(2008, 4, 7));
  });

  it('uses what is stored when fewer earlier bars exist, and says so', async () => {
    const stored = storage.barStore.readBars(instrument.id, '1d', undefined, day(2004, 9, 1)).ts.length;
    const early = await run({ fromTs: day(2004, 9, 1), toTs: day(2005, 1, 1) });
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(30);
    expect(early.warmUp).toEqual({ bars: stored, needed: 30 });
  });

  it('hashes the warm-up bars: a full run hashes as before, a re-import of an earlier bar changes a range run', async () => {
    const all = storage.barStore.readBars(instrument.id, '1d');
    const full = await run();
    expect(full.hash).toBe(hashRunInputs({ spec, instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep }, timeframe: '1d', bars: all, magnifier: false }));

    const range = { fromTs: day(2008, 3, 1), toTs: day(2008, 7, 1) };
    const before = await run(range);
    // Re-import one bar 20 trading days before the range (inside its warm-up) with another close.
    const i = storage.barStore.readBars(instrument.id, '1d', undefined, range.fromTs).ts.length - 20;
    const bar = { ts: all.ts.subarray(i, i + 1), open: all.open.subarray(i, i + 1), high: all.high.subarray(i, i + 1), low: all.low.subarray(i, i + 1), close: all.close.subarray(i, i + 1).map((c) => c * 1.01), volume: all.volume.subarray(i, i + 1) };
    bar.high[0] = Math.max(bar.high[0]!, bar.close[0]!);
    storage.barStore.mergeBars(instrument.id, '1d', { ...bar, high: bar.high.slice() });
    const after = await run(range);
    expect(after.hash).not.toBe(before.hash);
    expect(after.barCount).toBe(before.barCount);
  });

  it('saves the warm-up with the run', async () => {
    const saved = await executor.submitAndSave(
      { instrument, timeframe: '1d', spec, fromTs: day(2008, 3, 1), toTs: day(2008, 7, 1) },
      { name: 'ranged', strategyId: null, fromTs: day(2008, 3, 1), toTs: day(2008, 7, 1) },
    ).result;
    expect(saved.warmUp).toEqual({ bars: 30, needed: 30 });
    const header = new SqliteRunStore(storage.writer).get(saved.run.id);
    expect(header?.extras.warmUp).toEqual({ bars: 30, needed: 30 });
    expect(saved.barCount).toBe(header?.barCount);
  });
});
