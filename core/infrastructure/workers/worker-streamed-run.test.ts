// A run long enough to stream (more than STREAM_ABOVE_BARS) through the app's path: a
// backtest worker reads it window by window, saves it (its equity curve in parts), and
// the saved run equals the engine over the whole series in this thread, hash included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_ABOVE_BARS } from '../../application/backtest/execute-streamed-run.js';
import { runBacktest } from '../../domain/engine/backtest.js';
import { hashRunInputs } from '../../domain/engine/run-hash.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { SqliteRunStore } from '../runs/sqlite-run-store.js';
import type { Storage } from '../sqlite/storage.js';
import { randomWalkBars, seedStore } from '../test-kit/bar-fixture.js';
import { tempDir } from '../test-kit/temp-db.js';
import { WorkerBacktestExecutor } from './worker-backtest-executor.js';

const BARS = STREAM_ABOVE_BARS + 60_000;
const START = Date.UTC(2024, 0, 1);
let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let instrument: Instrument;
let executor: WorkerBacktestExecutor;

beforeAll(() => {
  dir = tempDir('bws-streamed-worker-');
  ({ storage, instrument } = seedStore(dir.dir, BARS, 'LONG', START));
  executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
});

afterAll(async () => {
  await executor.close();
  storage.close();
  dir.cleanup();
});

describe('a long run in a backtest worker', () => {
  it('streams, saves and reads back what the engine computes over the whole series, with the same run hash', async () => {
    const spec = smaCrossSpec(15, 60);
    const saved = await executor.submitAndSaveDetailed({ instrument, timeframe: '1m', spec }, { name: 'long', strategyId: null, fromTs: null, toTs: null }).result;
    const bars = randomWalkBars(BARS, START);
    const engineInstrument = { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep };
    const direct = runBacktest({ spec, instrument: engineInstrument, timeframe: '1m', bars });
    expect(direct.trades.length).toBeGreaterThan(1000);

    const runs = new SqliteRunStore(storage.writer);
    const run = runs.get(saved.run.id)!;
    expect(run.barCount).toBe(BARS);
    expect(run.hash).toBe(hashRunInputs({ spec, instrument: engineInstrument, timeframe: '1m', bars, magnifier: false }));
    expect(JSON.stringify(saved.metrics)).toBe(JSON.stringify(direct.metrics));
    expect(JSON.stringify(runs.readTrades(saved.run.id, 0, direct.trades.length))).toBe(JSON.stringify(direct.trades));
    // More points than one stored part: read back joined, bit for bit.
    const equity = runs.getEquity(saved.run.id)!;
    expect(storage.writer.prepare('SELECT count(*) AS n FROM run_equity_parts WHERE run_id = ?').get(saved.run.id)).toEqual({ n: 1 });
    expect(Buffer.from(equity.equity.buffer).equals(Buffer.from(direct.equity.buffer))).toBe(true);
    expect(Buffer.from(equity.ts.buffer).equals(Buffer.from(bars.ts.buffer))).toBe(true);
    // The worker read the series past its bar cache.
    const [worker] = await executor.workerStats();
    expect(worker!.value.bars.entries).toBe(0);
    expect(saved.barsFromCache).toBe(false);
  }, 60_000);
});
