import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { InProcessBacktestExecutor } from '../../infrastructure/backtest/in-process-executor.js';
import { SqliteRunStore } from '../../infrastructure/runs/sqlite-run-store.js';
import type { Storage } from '../../infrastructure/sqlite/storage.js';
import { seedStore } from '../../infrastructure/test-kit/bar-fixture.js';
import { tempDir } from '../../infrastructure/test-kit/temp-db.js';
import { WorkerBacktestExecutor } from '../../infrastructure/workers/worker-backtest-executor.js';
import type { BacktestExecutor } from './backtest-executor.js';
import { backtestRequest, type BacktestTarget } from './request.js';
import { runBacktest } from './run-backtest.js';

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let runs: SqliteRunStore;
let pool: WorkerBacktestExecutor;
let here: InProcessBacktestExecutor;
const START = Date.UTC(2024, 0, 1);

beforeAll(() => {
  dir = tempDir('bws-usecase-');
  ({ storage } = seedStore(dir.dir, 5_000));
  runs = new SqliteRunStore(storage.writer);
  pool = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
  here = new InProcessBacktestExecutor({ dbFile: storage.file, runs });
});
afterAll(async () => {
  await pool.close();
  here.close();
  storage.close();
  dir.cleanup();
});

const target = (parts: Partial<BacktestTarget> = {}): BacktestTarget => ({ spec: smaCrossSpec(5, 20), symbol: 'TEST', timeframe: '1m', ...parts });
const request = (parts: Partial<BacktestTarget> = {}) => backtestRequest(storage.barStore, target(parts));
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('the run use case, in a worker and on this thread', () => {
  for (const [where, executor] of [
    ['in a worker', () => pool],
    ['on this thread', () => here],
  ] as const satisfies readonly (readonly [string, () => BacktestExecutor])[]) {
    it(`${where}: saves the run it executed; hash, metrics, trades, markers and equity equal the unsaved result`, async () => {
      const checked = request({ fromTs: START + 60_000 * 100 });
      const saved = await runBacktest(executor(), checked, {}, {});
      const direct = await executor().submit(checked).result;
      const stored = runs.get(saved.run.id)!;
      expect(saved.run.hash).toBe(direct.hash);
      expect(stored).toMatchObject({ hash: direct.hash, barCount: 4_900, fromTs: START + 60_000 * 100, toTs: null, tradeCount: direct.result.trades.length, name: 'test' });
      expect(saved.barCount).toBe(4_900);
      expect(JSON.stringify(stored.trades)).toBe(JSON.stringify(direct.result.trades));
      expect(runs.readMarkers(saved.run.id)).toEqual(direct.result.markers);
      expect(stored.metrics).toEqual(direct.result.metrics);
      expect(saved.metrics).toEqual(direct.result.metrics);
      expect(bytes(stored.equity.equity).equals(bytes(direct.result.equity))).toBe(true);
      expect(bytes(stored.equity.ts).equals(bytes(direct.ts))).toBe(true);
      expect(stored.extras).toMatchObject({ firstTs: direct.firstTs, lastTs: direct.lastTs, barsOrigin: 'stored' });
    });

    it(`${where}: saves nothing for a range without bars and says which`, async () => {
      const before = runs.list().total;
      await expect(runBacktest(executor(), request({ fromTs: Date.UTC(2030, 0, 1) }))).rejects.toMatchObject({
        type: 'NotFoundError',
        message: expect.stringMatching(/No 1m bars of TEST/),
      });
      expect(runs.list().total).toBe(before);
    });

    it(`${where}: saves nothing when cancelled`, async () => {
      const before = runs.list().total;
      let cancel: () => void = () => {};
      const running = runBacktest(executor(), request(), {}, { onCancel: (listener) => ((cancel = listener), () => {}) });
      cancel();
      await expect(running).rejects.toMatchObject({ type: 'CancelledError' });
      expect(runs.list().total).toBe(before);
    });
  }

  it('gives the same run bit for bit in a worker and on this thread', async () => {
    const checked = request({ spec: smaCrossSpec(7, 30), timeframe: '5m' });
    const [a, b] = [await pool.submit(checked).result, await here.submit(checked).result];
    expect(a.hash).toBe(b.hash);
    expect(JSON.stringify(a.result.trades)).toBe(JSON.stringify(b.result.trades));
    expect(JSON.stringify(a.result.markers)).toBe(JSON.stringify(b.result.markers));
    expect(bytes(a.result.equity).equals(bytes(b.result.equity))).toBe(true);
  });

  it('hands the executed result back when it ran on this thread, and only then', async () => {
    const fromHere = await runBacktest(here, request());
    const fromPool = await runBacktest(pool, request());
    expect(fromHere.executed?.result.trades.length).toBe(fromHere.run.tradeCount);
    expect(fromHere.executed?.ts.length).toBe(fromHere.barCount);
    expect(fromPool.executed).toBeUndefined();
    expect(fromPool.run.hash).toBe(fromHere.run.hash);
  });
});

describe('one request, checked once at the edge', () => {
  it('blocks a spec with errors, listing them', () => {
    expect(() => request({ spec: { ...smaCrossSpec(5, 20), initialCash: -1 } })).toThrow(expect.objectContaining({ type: 'ValidationError', message: expect.stringMatching(/cash/i) }));
  });

  it('reports an unknown symbol as NotFoundError', () => {
    expect(() => request({ symbol: 'NOPE' })).toThrow(expect.objectContaining({ type: 'NotFoundError' }));
  });

  it('carries the stored instrument, with the quantity step a run overrides', () => {
    const stored = storage.barStore.findInstrument('TEST')!;
    expect(request().instrument).toEqual(stored);
    expect(request({ quantityStep: 0.5 }).instrument).toEqual({ ...stored, quantityStep: 0.5 });
    expect(() => request({ quantityStep: -1 })).toThrow(/quantityStep must be a positive number/);
  });
});
