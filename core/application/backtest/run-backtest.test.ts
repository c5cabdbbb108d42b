import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { SqliteRunStore } from '../../infrastructure/runs/sqlite-run-store.js';
import type { Storage } from '../../infrastructure/sqlite/storage.js';
import { tempDir } from '../../infrastructure/test-kit/temp-db.js';
import { seedStore } from '../../infrastructure/test-kit/bar-fixture.js';
import { WorkerBacktestExecutor } from '../../infrastructure/workers/worker-backtest-executor.js';
import { runBacktest, type RunBacktestDeps } from './run-backtest.js';
import { getRun } from '../runs/run-queries.js';

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let executor: WorkerBacktestExecutor;
let deps: RunBacktestDeps;
let runs: SqliteRunStore;
const START = Date.UTC(2024, 0, 1);

beforeAll(() => {
  dir = tempDir('bws-usecase-');
  ({ storage } = seedStore(dir.dir, 5_000));
  executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
  deps = { bars: storage.barStore, executor };
  runs = new SqliteRunStore(storage.writer);
});
afterAll(async () => {
  await executor.close();
  storage.close();
  dir.cleanup();
});

describe('runBacktest use case', () => {
  it('runs in a worker, which saves the run: hash, metrics, trades and equity equal the unsaved result', async () => {
    const spec = smaCrossSpec(5, 20);
    const out = await runBacktest(deps, { spec, symbol: 'TEST', timeframe: '1m', fromTs: START + 60_000 * 100 });
    const instrument = storage.barStore.findInstrument('TEST')!;
    const direct = await executor.submit({ instrumentId: instrument.id, timeframe: '1m', spec, fromTs: START + 60_000 * 100 }).result;
    const saved = getRun(runs, out.runId);
    expect(saved.hash).toBe(direct.hash);
    expect(out.hash).toBe(direct.hash);
    expect(saved.barCount).toBe(4_900);
    expect(out.barCount).toBe(4_900);
    expect(saved.fromTs).toBe(START + 60_000 * 100);
    expect(saved.toTs).toBeNull();
    expect(saved.tradeCount).toBe(direct.result.trades.length);
    expect(JSON.stringify(saved.trades)).toBe(JSON.stringify(direct.result.trades));
    expect(saved.metrics['finalEquity']).toBe(direct.result.metrics.finalEquity);
    expect(out.metrics).toEqual(direct.result.metrics);
    expect(Array.from(saved.equity.equity)).toEqual(Array.from(direct.result.equity));
    expect(Array.from(saved.equity.ts)).toEqual(Array.from(direct.ts));
    expect(saved.extras).toMatchObject({ firstTs: direct.firstTs, lastTs: direct.lastTs, barsOrigin: 'stored' });
  });

  it('saves nothing for a range without bars and says which', async () => {
    const before = runs.list().total;
    await expect(runBacktest(deps, { spec: smaCrossSpec(5, 20), symbol: 'TEST', timeframe: '1m', fromTs: Date.UTC(2030, 0, 1) })).rejects.toMatchObject({
      type: 'NotFoundError',
      message: expect.stringMatching(/No 1m bars of TEST/),
    });
    expect(runs.list().total).toBe(before);
  });

  it('saves nothing when cancelled', async () => {
    const before = runs.list().total;
    let cancel: () => void = () => {};
    const running = runBacktest(deps, { spec: smaCrossSpec(5, 20), symbol: 'TEST', timeframe: '1m' }, { onCancel: (listener) => ((cancel = listener), () => {}) });
    cancel();
    await expect(running).rejects.toMatchObject({ type: 'CancelledError' });
    expect(runs.list().total).toBe(before);
  });

  it('blocks a spec with errors, listing them', async () => {
    const bad = { ...smaCrossSpec(5, 20), initialCash: -1 };
    await expect(runBacktest(deps, { spec: bad, symbol: 'TEST', timeframe: '1m' })).rejects.toMatchObject({
      type: 'ValidationError',
      message: expect.stringMatching(/cash/i),
    });
  });

  it('reports an unknown symbol as NotFoundError', async () => {
    await expect(runBacktest(deps, { spec: smaCrossSpec(5, 20), symbol: 'NOPE', timeframe: '1m' })).rejects.toMatchObject({ type: 'NotFoundError' });
  });
});
