import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { SqliteRunStore } from '../../infrastructure/runs/sqlite-run-store.js';
import type { Storage } from '../../infrastructure/sqlite/storage.js';
import { tempDir } from '../../infrastructure/sqlite/test-kit/temp-db.js';
import { seedStore } from '../../infrastructure/workers/test-kit/bar-fixture.js';
import { WorkerBacktestExecutor } from '../../infrastructure/workers/worker-backtest-executor.js';
import { runBacktest, type RunBacktestDeps } from './run-backtest.js';
import { getRun } from './runs.js';

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let executor: WorkerBacktestExecutor;
let deps: RunBacktestDeps;

beforeAll(() => {
  dir = tempDir('bws-usecase-');
  ({ storage } = seedStore(dir.dir, 5_000));
  executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
  deps = { bars: storage.barStore, executor, runs: new SqliteRunStore(storage.writer) };
});
afterAll(async () => {
  await executor.close();
  storage.close();
  dir.cleanup();
});

describe('runBacktest use case', () => {
  it('runs in a worker and persists the run with its hash, metrics, trades and equity', async () => {
    const out = await runBacktest(deps, { spec: smaCrossSpec(5, 20), symbol: 'TEST', timeframe: '1m' });
    const saved = getRun(deps.runs, out.runId);
    expect(saved.hash).toBe(out.hash);
    expect(saved.barCount).toBe(5_000);
    expect(saved.tradeCount).toBe(out.trades.length);
    expect(saved.metrics['finalEquity']).toBe(out.metrics.finalEquity);
    expect(Array.from(saved.equity.equity)).toEqual(Array.from(out.equity));
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
