import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, smaCrossSpec, specOf, trig, v } from '../../domain/test-kit/specs.js';
import { parseConstraint } from '../../domain/optimize/constraints.js';
import { parseParamRange } from '../../domain/optimize/param-space.js';
import type { Storage } from '../../infrastructure/sqlite/storage.js';
import { tempDir } from '../../infrastructure/test-kit/temp-db.js';
import { SqliteSweepStore } from '../../infrastructure/sweeps/sqlite-sweep-store.js';
import { WorkerVariantEvaluator } from '../../infrastructure/sweeps/worker-variant-evaluator.js';
import { seedStore } from '../../infrastructure/test-kit/bar-fixture.js';
import { WorkerBacktestExecutor } from '../../infrastructure/workers/worker-backtest-executor.js';
import type { SweepData, VariantEvaluator } from './ports.js';
import { runSweep, type RunSweepArgs, type RunSweepDeps } from './run-sweep.js';
import { getSweep, listSweepVariants, openSweepVariant } from './sweep-queries.js';
import { runWalkForward } from './walk-forward.js';

const START = Date.UTC(2024, 0, 1);
const BARS = 20_000; // ~14 days of minutes
const DAY = 86_400_000;

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let evaluator: WorkerVariantEvaluator;
let executor: WorkerBacktestExecutor;
let deps: RunSweepDeps;

beforeAll(() => {
  dir = tempDir('bws-sweep-');
  ({ storage } = seedStore(dir.dir, BARS, 'TEST', START));
  evaluator = new WorkerVariantEvaluator({ dbFile: storage.file, size: 2 });
  executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
  deps = { bars: storage.barStore, evaluator, sweeps: new SqliteSweepStore(storage.writer), clock: Date.now };
});
afterAll(async () => {
  await Promise.all([evaluator.close(), executor.close()]);
  storage.close();
  dir.cleanup();
});

const templateArgs = (method: RunSweepArgs['method']): RunSweepArgs => ({
  source: { kind: 'template', templateId: 'sma-cross', base: { sizing: { kind: 'percentEquity', percent: 100 } } },
  space: [parseParamRange('fast=2:40:2'), parseParamRange('slow=10:200:10')],
  constraints: [parseConstraint('fast<slow')],
  method,
  objective: { metric: 'sharpe', minTrades: 5 },
  symbol: 'TEST',
  timeframe: '1m',
});

const byIndex = <T extends { index: number }>(xs: readonly T[]) => [...xs].sort((a, b) => a.index - b.index);

describe('parameter sweeps on the worker pool', () => {
  it('refuses a range with no bars, as a run does, and records no sweep of empty variants', async () => {
    const before = deps.sweeps.list().total;
    const args = { ...templateArgs({ kind: 'grid' }), space: [parseParamRange('fast=2:4:2')], constraints: [], fromTs: START + 30 * DAY };
    await expect(runSweep(deps, args)).rejects.toThrow('No 1m bars of TEST in the requested range');
    expect(deps.sweeps.list().total).toBe(before);
  });

  it('grid over JSON paths: every valid point is run and persisted best first; the best re-run alone gives identical metrics', async () => {
    const base = smaCrossSpec(5, 20);
    const fast = 'entry.long.children[0].left.params.period';
    const slow = 'entry.long.children[0].right.params.period';
    // The exit uses the same periods: tie them with list values and constraints on the entry only.
    const args: RunSweepArgs = {
      source: { kind: 'spec', spec: base },
      space: [parseParamRange(`${fast}=3,5,8,13`), parseParamRange(`${slow}=5,10,20,40`)],
      constraints: [parseConstraint(`${fast}<${slow}`)],
      method: { kind: 'grid' },
      objective: { metric: 'totalReturnPct' },
      symbol: 'TEST',
      timeframe: '1m',
    };
    const batches: number[] = [];
    const outcome = await runSweep(deps, args, { onVariants: (v) => batches.push(v.length) });
    expect(outcome.sweep.status).toBe('completed');
    expect(outcome.sweep.counts).toMatchObject({ done: 12, rejected: 4, invalid: 0, failed: 0 });
    expect(batches.reduce((a, b) => a + b, 0)).toBe(12);
    const page = listSweepVariants(deps.sweeps, outcome.sweep.id, { limit: 100 });
    expect(page.total).toBe(12);
    expect(page.variants.map((v) => v.index)).toEqual(outcome.variants.map((v) => v.index));
    const scores = page.variants.map((v) => v.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const best = outcome.best!;
    const opened = await openSweepVariant({ bars: storage.barStore, executor, sweeps: deps.sweeps }, outcome.sweep.id, best.index);
    expect(opened.run.metrics).toEqual(best.metrics);
    expect(deps.sweeps.variant(outcome.sweep.id, best.index)!.runId).toBe(opened.run.run.id);
  });

  it('random search: same seed gives identical variants and metrics; another seed differs', async () => {
    const a = await runSweep(deps, templateArgs({ kind: 'random', samples: 24, seed: 3 }));
    const b = await runSweep(deps, templateArgs({ kind: 'random', samples: 24, seed: 3 }));
    const c = await runSweep(deps, templateArgs({ kind: 'random', samples: 24, seed: 4 }));
    const strip = (o: typeof a) => byIndex(o.variants).map((v) => ({ index: v.index, params: v.params, metrics: v.metrics }));
    expect(strip(a)).toHaveLength(24);
    expect(strip(a)).toEqual(strip(b));
    expect(a.sweep.name).toBe('SMA cross (random)'); // the template's name, not its id
    expect(strip(a).map((v) => v.params)).not.toEqual(strip(c).map((v) => v.params));
  });

  it('genetic search: same seed gives identical variants and metrics; another seed differs', async () => {
    const method = { kind: 'genetic' as const, population: 8, generations: 4, seed: 11 };
    const a = await runSweep(deps, templateArgs(method));
    const b = await runSweep(deps, templateArgs(method));
    const c = await runSweep(deps, templateArgs({ ...method, seed: 12 }));
    const strip = (o: typeof a) => byIndex(o.variants).map((v) => ({ params: v.params, generation: v.generation, metrics: v.metrics }));
    expect(strip(a).length).toBeGreaterThan(8);
    expect(new Set(strip(a).map((v) => v.generation)).size).toBeGreaterThan(1);
    expect(strip(a)).toEqual(strip(b));
    expect(strip(a).map((v) => v.params)).not.toEqual(strip(c).map((v) => v.params));
    expect(a.best!.metrics).toEqual(b.best!.metrics);
  });

  it('cancel mid-sweep keeps the finished variants (persisted) and marks the sweep cancelled', async () => {
    const small = new WorkerVariantEvaluator({ dbFile: storage.file, size: 2, maxBatch: 2 });
    try {
      let cancel = () => {};
      let seen = 0;
      const signal = {
        cancelled: false,
        isCancelled() {
          return this.cancelled;
        },
        onCancel(listener: () => void) {
          cancel = () => {
            signal.cancelled = true;
            listener();
          };
          return () => undefined;
        },
      };
      const outcome = await runSweep({ ...deps, evaluator: small }, templateArgs({ kind: 'grid' }), {
        cancel: signal,
        onVariants: (v) => {
          seen += v.length;
          if (seen >= 4) cancel();
        },
      });
      expect(outcome.sweep.status).toBe('cancelled');
      const planned = outcome.sweep.counts.planned;
      expect(outcome.variants.length).toBeGreaterThanOrEqual(4);
      expect(outcome.variants.length).toBeLessThan(planned);
      const stored = getSweep(deps.sweeps, outcome.sweep.id);
      expect(stored.counts.done).toBe(outcome.variants.length);
      expect(listSweepVariants(deps.sweeps, outcome.sweep.id, { limit: 10_000 }).total).toBe(outcome.variants.length);
      expect(outcome.variants.every((v) => v.metrics !== null)).toBe(true);
    } finally {
      await small.close();
    }
  });
});

describe('walk-forward', () => {
  it('never lets an out-of-sample bar into an in-sample optimization', async () => {
    const requested: SweepData[] = [];
    const spy: VariantEvaluator = {
      evaluate: (request, control) => {
        requested.push(request.data);
        return evaluator.evaluate(request, control);
      },
    };
    for (const anchored of [false, true]) {
      requested.length = 0;
      const result = await runWalkForward(
        { bars: storage.barStore, evaluator: spy, executor, clock: Date.now },
        { ...templateArgs({ kind: 'grid' }), space: [parseParamRange('fast=2,5,10'), parseParamRange('slow=20,50')], schedule: { inSampleMs: 4 * DAY, outOfSampleMs: 3 * DAY, anchored } },
      );
      // OOS [4,7), [7,10), [10,13) days; the 0.9 day left is under half a window and dropped.
      expect(result.windows.length).toBe(3);
      expect(requested).toHaveLength(3);
      for (const [i, w] of result.windows.entries()) {
        expect(requested[i]!.toTs).toBe(w.inSample.toTs);
        expect(w.inSampleBarsRead.length).toBeGreaterThan(0);
        for (const read of w.inSampleBarsRead) {
          expect(read.firstTs!).toBeGreaterThanOrEqual(w.inSample.fromTs);
          expect(read.lastTs!).toBeLessThan(w.outOfSample.fromTs);
        }
        expect(w.outOfSampleBars.firstTs!).toBeGreaterThanOrEqual(w.outOfSample.fromTs);
        expect(w.outOfSampleBars.lastTs!).toBeLessThan(w.outOfSample.toTs);
        if (anchored) expect(w.inSample.fromTs).toBe(START);
      }
      const oosBars = result.windows.reduce((n, w) => n + w.outOfSampleBars.count, 0);
      expect(result.equity.equity.length).toBe(oosBars);
      expect(result.metrics.finalEquity).toBeCloseTo(result.equity.equity[oosBars - 1]!, 6);
      // Minimum met in sample: no window fell back.
      for (const w of result.windows) expect(w.fallback).toEqual(w.bestEligible ? null : expect.anything());
      expect(result.windows.some((w) => w.bestEligible)).toBe(true);
    }
  });

  it('says why a window fell back (no variant made the minimum trades) and where a return without trades came from (the open position)', async () => {
    // Buys on the first rising bar and never sells: no run closes a trade, in sample or out.
    const hold = specOf({ entry: { long: all(trig(v('close'), '>', v('open'))) }, sizing: { kind: 'percentEquity', percent: 50 }, costs: { commissionPct: 0.1, commissionFixed: 0, slippageBps: 1 } });
    const result = await runWalkForward(
      { bars: storage.barStore, evaluator, executor, clock: Date.now },
      { source: { kind: 'spec', spec: hold }, space: [parseParamRange('costs.slippageBps=1,2')], constraints: [], method: { kind: 'grid' }, objective: { metric: 'totalReturnPct', minTrades: 3 }, symbol: 'TEST', timeframe: '1m', schedule: { inSampleMs: 4 * DAY, outOfSampleMs: 3 * DAY, anchored: false } },
    );
    expect(result.windows.length).toBe(3);
    for (const w of result.windows) {
      expect(w.bestEligible).toBe(false);
      expect(w.fallback).toEqual({ minTrades: 3, mostTrades: 0 });
      // 0 trades out of sample, yet a return: the position opened in the window and held at
      // its end, valued at the last close net of its entry commission (no bug, no stray cost).
      expect(w.outOfSampleMetrics.tradeCount).toBe(0);
      expect(w.outOfSampleMetrics.totalReturnPct).not.toBe(0);
      const open = w.outOfSampleOpenPosition!;
      expect(open).not.toBeNull();
      expect(open.entryTs).toBeGreaterThanOrEqual(w.outOfSample.fromTs);
      expect(w.outOfSampleMetrics.finalEquity - hold.initialCash).toBeCloseTo(open.unrealizedPnl, 6);
    }
  });
});
