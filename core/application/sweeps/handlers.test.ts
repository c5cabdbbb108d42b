// Sweeps, walk-forward, Monte Carlo and the performance monitor through the dispatcher,
// over real SQLite and real backtest and sweep workers, on GOOG daily bars imported with
// the import handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, WorkstationEvents } from '../contract/events.js';
import type { HandlerName } from '../contract/handlers.js';
import type { SweepVariantRow, WalkForwardReport } from './contract.js';
import { openHandlerHarness, type HandlerHarness } from '../test-kit/handler-harness.js';
import { marketDataFile } from '../../infrastructure/test-kit/market-data.js';
import { callHandler, refusedBy } from '../test-kit/dispatch.js';

const GOOG = marketDataFile('GOOG.csv');
const YEAR = 365 * 86_400_000;

let h: HandlerHarness;

const call = <N extends HandlerName>(name: N, args?: unknown) => callHandler(h.dispatcher, name, args);

const fail = (name: HandlerName, args?: unknown) => refusedBy(h.dispatcher, name, args);

async function done(jobId: string) {
  const job = await h.jobs.whenFinished(jobId);
  if (job.status !== 'done') throw new Error(`job ${job.title} ${job.status}: ${job.error?.message}`);
  return job;
}

const eventsOf = <E extends EventName>(name: E): WorkstationEvents[E][] =>
  h.events.filter((e) => e.name === name).map((e) => e.payload as WorkstationEvents[E]);

/** Resolves once the sweep has stored its first variants (its first sweep/variants event). */
const firstVariants = (sweepId: string) =>
  new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (eventsOf('sweep/variants').some((e) => e.sweepId === sweepId)) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });

const grid = {
  source: { kind: 'template', templateId: 'sma-cross' },
  space: [
    { name: 'fast', min: 5, max: 30, step: 5 },
    { name: 'slow', values: [20, 40, 60, 80, 100] },
  ],
  constraints: ['fast<slow'],
  objective: { metric: 'sharpe', minTrades: 3 },
  symbol: 'GOOG',
  timeframe: '1d',
};

beforeAll(async () => {
  h = await openHandlerHarness({ prefix: 'bws-sweep-handlers-', sweepWorkers: 2 });
  const { jobId } = await call('data/import', { path: GOOG, symbol: 'GOOG', timeframe: '1d' });
  await done(jobId);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('sweeps', () => {
  let sweepId: string;
  let all: SweepVariantRow[];

  it('starts a grid sweep, answers its id at once and streams variants as they finish', async () => {
    const started = await call('sweeps/start', { ...grid, name: 'GOOG grid' });
    sweepId = started.sweepId;
    // The record exists as soon as the call answers.
    expect((await call('sweeps/get', { sweepId })).status).toMatch(/running|completed/);
    expect(eventsOf('sweep/started')).toContainEqual({ sweepId, jobId: started.jobId });
    const job = await done(started.jobId);
    const streamed = eventsOf('sweep/variants').filter((e) => e.sweepId === sweepId);
    expect(streamed.length).toBeGreaterThan(0);
    const streamedIndices = streamed.flatMap((e) => e.variants.map((v) => v.index)).sort((a, b) => a - b);
    // fast<slow keeps 5+4+4+3+2+1... points: every grid point with fast < slow.
    const expected = [5, 10, 15, 20, 25, 30].flatMap((f) => [20, 40, 60, 80, 100].filter((s) => f < s)).length;
    expect(streamedIndices).toEqual(Array.from({ length: expected }, (_, i) => i));
    expect(streamed.at(-1)).toMatchObject({ done: expected, total: expected });
    expect(job.result).toMatchObject({ sweepId, status: 'completed', counts: { done: expected, rejected: 30 - expected } });

    const list = await call('sweeps/list');
    expect(list.items[0]).toMatchObject({ id: sweepId, name: 'GOOG grid', status: 'completed', method: 'grid', jobId: null });
    expect(list.items[0]!.params).toEqual([
      { name: 'fast', count: 6, min: 5, max: 30 },
      { name: 'slow', count: 5, min: 20, max: 100 },
    ]);
    const detail = await call('sweeps/get', { sweepId });
    expect(detail.config.constraints).toEqual([{ left: 'fast', operator: '<', right: 'slow' }]);
    all = (await call('sweeps/variants', { sweepId, limit: 1000 })).items;
    expect(all).toHaveLength(expected);
    expect(detail.best).toEqual(all[0]);
    expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
  }, 60_000);

  it('pages and sorts variants by the objective, a metric or a parameter', async () => {
    // Best first: eligible before not, then by sharpe descending.
    const scores = all.filter((v) => v.eligible && v.score !== null).map((v) => v.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const worstFirst = await call('sweeps/variants', { sweepId, order: 'asc', limit: 1000 });
    expect(worstFirst.items.map((v) => v.index)).toEqual([...all].reverse().map((v) => v.index));
    const page = await call('sweeps/variants', { sweepId, offset: 2, limit: 3 });
    expect(page).toMatchObject({ total: all.length, offset: 2, limit: 3 });
    expect(page.items.map((v) => v.index)).toEqual(all.slice(2, 5).map((v) => v.index));

    const byReturn = await call('sweeps/variants', { sweepId, sort: { by: 'metric', name: 'totalReturnPct' }, order: 'asc', limit: 1000 });
    const returns = byReturn.items.map((v) => v.metrics!['totalReturnPct']!);
    expect(returns).toEqual([...returns].sort((a, b) => a - b));
    const bySlow = await call('sweeps/variants', { sweepId, sort: { by: 'param', name: 'slow' }, order: 'desc', limit: 1000 });
    const slows = bySlow.items.map((v) => v.params['slow']!);
    expect(slows).toEqual([...slows].sort((a, b) => b - a));
    expect(await fail('sweeps/variants', { sweepId, sort: { by: 'param', name: 'nope' } })).toMatchObject({ type: 'ValidationError' });
    const eligible = await call('sweeps/variants', { sweepId, eligibleOnly: true, limit: 1000 });
    expect(eligible.items.every((v) => v.eligible)).toBe(true);
  });

  it('builds a heatmap of the objective over two parameters', async () => {
    const map = await call('sweeps/heatmap', { sweepId, x: 'fast', y: 'slow' });
    expect(map.x).toEqual({ name: 'fast', values: [5, 10, 15, 20, 25, 30] });
    expect(map.y).toEqual({ name: 'slow', values: [20, 40, 60, 80, 100] });
    expect(map.values).toHaveLength(30);
    for (let yi = 0; yi < 5; yi++) {
      for (let xi = 0; xi < 6; xi++) {
        const cell = yi * 6 + xi;
        const fast = map.x.values[xi]!;
        const slow = map.y.values[yi]!;
        const variant = all.find((v) => v.params['fast'] === fast && v.params['slow'] === slow);
        if (!variant) {
          expect(map.variantIndex[cell]).toBeNull(); // dropped by fast<slow
          continue;
        }
        expect(map.variantIndex[cell]).toBe(variant.index);
        expect(map.values[cell]).toBe(variant.score);
      }
    }
    const byReturn = await call('sweeps/heatmap', { sweepId, x: 'slow', y: 'fast', metric: 'totalReturnPct' });
    expect(byReturn.max).toBe(Math.max(...all.map((v) => v.metrics!['totalReturnPct']!)));
    expect(await fail('sweeps/heatmap', { sweepId, x: 'fast', y: 'fast' })).toMatchObject({ type: 'ValidationError' });
    expect(await fail('sweeps/heatmap', { sweepId, x: 'fast', y: 'stop' })).toMatchObject({ type: 'ValidationError' });
  });

  it('opens a variant as a run with the same metrics, once', async () => {
    const best = all[0]!;
    const opened = await call('sweeps/openVariant', { sweepId, index: best.index });
    expect(opened.runId).toBeNull();
    const job = await done(opened.jobId!);
    const runId = (job.result as { runId: string }).runId;
    const run = await call('runs/get', { id: runId });
    for (const name of ['sharpe', 'totalReturnPct', 'tradeCount', 'maxDrawdownPct', 'finalEquity'] as const) {
      expect(run.metrics[name], name).toBe(best.metrics![name]);
    }
    // The run keeps which variant it is and the values the sweep set, for its header and report.
    const sweep = await call('sweeps/get', { sweepId });
    expect(run.extras.sweepVariant).toEqual({ sweepId, sweepName: sweep.name, index: best.index, params: best.params });
    expect(Object.keys(best.params).sort()).toEqual(['fast', 'slow']);
    expect(run.extras).toMatchObject({ barsOrigin: 'stored', magnifierUsed: expect.any(Boolean) });
    expect(await call('sweeps/openVariant', { sweepId, index: best.index })).toEqual({ runId, jobId: null });
    expect(await fail('sweeps/openVariant', { sweepId, index: 9999 })).toMatchObject({ type: 'NotFoundError' });
  }, 60_000);

  it('cancels a running sweep and keeps the variants finished before the cancel', async () => {
    const { jobId, sweepId: id } = await call('sweeps/start', {
      ...grid,
      space: [
        { name: 'fast', min: 2, max: 200, step: 1 },
        { name: 'slow', min: 10, max: 400, step: 1 },
      ],
      method: { kind: 'random', samples: 5000, seed: 7 },
    });
    await firstVariants(id);
    expect((await call('sweeps/list')).items.find((s) => s.id === id)?.jobId).toBe(jobId);
    await call('jobs/cancel', { id: jobId });
    expect((await h.jobs.whenFinished(jobId)).status).toBe('cancelled');
    const sweep = await call('sweeps/get', { sweepId: id });
    expect(sweep.status).toBe('cancelled');
    expect(sweep.counts.done).toBeGreaterThan(0);
    expect(sweep.counts.done).toBeLessThan(5000);
    expect((await call('sweeps/variants', { sweepId: id })).total).toBe(sweep.counts.done);
    expect(await call('sweeps/delete', { sweepId: id })).toEqual({ id });
    expect(await fail('sweeps/get', { sweepId: id })).toMatchObject({ type: 'NotFoundError' });
  }, 60_000);

  it('resumes a cancelled sweep: only the variants it lacks run, and it ends as the same sweep run whole would', async () => {
    const args = { ...grid, space: [{ name: 'fast', min: 2, max: 60, step: 1 }, { name: 'slow', min: 10, max: 200, step: 1 }], method: { kind: 'random' as const, samples: 1500, seed: 11 } };
    const { jobId, sweepId: id } = await call('sweeps/start', args);
    await firstVariants(id);
    await call('jobs/cancel', { id: jobId });
    await h.jobs.whenFinished(jobId);
    const stopped = await call('sweeps/get', { sweepId: id });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.counts.done).toBeLessThan(1500);

    const resumed = await call('sweeps/resume', { sweepId: id });
    expect(resumed.sweepId).toBe(id);
    // Running now: a second resume is refused.
    expect(await fail('sweeps/resume', { sweepId: id })).toMatchObject({ type: 'ValidationError' });
    expect((await h.jobs.whenFinished(resumed.jobId)).status).toBe('done');
    const done = await call('sweeps/get', { sweepId: id });
    expect(done).toMatchObject({ status: 'completed', counts: { done: 1500 } });

    // The same search run whole: the same variant at every index, with the same metrics.
    const whole = await call('sweeps/start', args);
    await h.jobs.whenFinished(whole.jobId);
    expect((await call('sweeps/variants', { sweepId: id, limit: 1 })).total).toBe(1500);
    const page = async (sweepId: string, offset: number) => (await call('sweeps/variants', { sweepId, offset, limit: 1000 })).items.map((v) => [v.index, v.params, v.metrics?.finalEquity ?? null]);
    for (const offset of [0, 1000]) expect(await page(id, offset)).toEqual(await page(whole.sweepId, offset));
    // Completed: nothing to resume.
    expect(await fail('sweeps/resume', { sweepId: id })).toMatchObject({ type: 'ValidationError', message: expect.stringContaining('only an interrupted or cancelled sweep') });
  }, 120_000);

  it('refuses bad sweeps before starting a job', async () => {
    const before = h.jobs.list().length;
    expect(await fail('sweeps/start', { ...grid, space: [{ name: 'nope', values: [1, 2] }] })).toMatchObject({ type: 'ValidationError' });
    expect(await fail('sweeps/start', { ...grid, constraints: ['fast<nope'] })).toMatchObject({ type: 'ValidationError' });
    expect(await fail('sweeps/start', { ...grid, symbol: 'NOPE' })).toMatchObject({ type: 'NotFoundError' });
    const huge = await fail('sweeps/start', { ...grid, constraints: [], space: [{ name: 'fast', min: 1, max: 1000, step: 1 }, { name: 'slow', min: 2, max: 2000, step: 1 }] });
    expect(huge).toMatchObject({ type: 'ValidationError', message: 'The search plans up to 1,999,000 variants; at most 200,000 (narrow the ranges or use random or genetic search)' });
    // A genetic search that plans too many is told what to change, not to use genetic search.
    const bigSpace = [{ name: 'fast', min: 1, max: 1000, step: 1 }, { name: 'slow', min: 2, max: 2000, step: 1 }];
    expect(await fail('sweeps/start', { ...grid, constraints: [], space: bigSpace, method: { kind: 'genetic', population: 5000, generations: 100 } })).toMatchObject({
      type: 'ValidationError',
      message: 'The search plans up to 500,000 variants; at most 200,000 (use a smaller population or fewer generations)',
    });
    expect(await fail('sweeps/start', { ...grid, source: { kind: 'spec', spec: { name: 'broken' } } })).toMatchObject({ type: 'ValidationError' });
    // A range reaching outside the parameter's limit (its variants would only be counted invalid).
    expect(await fail('sweeps/start', { ...grid, space: [{ name: 'fast', min: 0, max: 30, step: 5 }, grid.space[1]] })).toMatchObject({
      type: 'ValidationError',
      message: 'Parameter "fast" (Fast period) must be between 1 and 1000; the range reaches 0',
    });
    const saved = (await call('strategies/catalog')).templates.find((t) => t.id === 'sma-cross')!.spec;
    expect(await fail('sweeps/start', { ...grid, constraints: [], source: { kind: 'spec', spec: saved }, space: [{ name: 'sizing.percent', min: 50, max: 200, step: 50 }] })).toMatchObject({
      type: 'ValidationError',
      message: expect.stringContaining('(Sizing: equity per trade (%)) must be between 0.1 and 100'),
    });
    // A cluster target on an app started without one says how to configure it.
    expect(await fail('sweeps/start', { ...grid, target: 'cluster' })).toMatchObject({ type: 'ValidationError', message: expect.stringContaining('No cluster is configured: start the app with --cluster') });
    expect(await fail('walkforward/start', { ...grid, target: 'cluster', schedule: { inSampleMs: YEAR, outOfSampleMs: YEAR / 4, anchored: false } })).toMatchObject({ type: 'ValidationError' });
    expect(h.jobs.list().length).toBe(before);
  });

  it('runs on this machine without a cluster, and says so', async () => {
    expect(await call('cluster/status')).toEqual({ configured: false });
    const { sweepId, jobId } = await call('sweeps/start', { ...grid, target: 'local' });
    await done(jobId);
    expect((await call('sweeps/get', { sweepId })).runsOn).toBeNull();
  }, 60_000);
});

describe('walk-forward and Monte Carlo', () => {
  it('walks forward over GOOG daily: windows, stitched equity within 2,000 points, efficiency', async () => {
    const { jobId } = await call('walkforward/start', {
      ...grid,
      schedule: { inSampleMs: 3 * YEAR, outOfSampleMs: YEAR, anchored: false },
    });
    const report = (await done(jobId)).result as WalkForwardReport;
    expect(report.windows.length).toBeGreaterThanOrEqual(3);
    for (const w of report.windows) {
      expect(w.outOfSample.fromTs).toBe(w.inSample.toTs);
      expect(w.inSample.toTs - w.inSample.fromTs).toBe(3 * YEAR);
      expect(w.bestParams['fast']!).toBeLessThan(w.bestParams['slow']!);
      expect(typeof w.outOfSampleMetrics['totalReturnPct']).toBe('number');
    }
    expect(report.equity.ts.length).toBeGreaterThan(100);
    expect(report.equity.ts.length).toBeLessThanOrEqual(2000);
    expect(report.equity.ts[0]).toBeGreaterThanOrEqual(report.windows[0]!.outOfSample.fromTs);
    expect('efficiency' in report).toBe(true);
    expect(report.metrics['finalEquity']).toBeCloseTo(report.equity.equity.at(-1)!, 6);
  }, 120_000);

  it('runs a seeded Monte Carlo on a stored run with histograms for charts', async () => {
    const runs = await call('runs/list');
    const runId = runs.items[0]!.id;
    const a = await call('montecarlo/run', { runId, simulations: 2000, seed: 3 });
    const b = await call('montecarlo/run', { runId, simulations: 2000, seed: 3 });
    expect(b).toEqual(a);
    expect(a.simulations).toBe(2000);
    expect(a.finalEquity.histogram.counts).toHaveLength(40);
    expect(a.finalEquity.histogram.edges).toHaveLength(41);
    expect(a.finalEquity.histogram.counts.reduce((x, y) => x + y, 0)).toBe(2000);
    expect(a.maxDrawdownPct.histogram.counts.reduce((x, y) => x + y, 0)).toBe(2000);
    const p = a.finalEquity.percentiles;
    expect(p.p5).toBeLessThanOrEqual(p.p50);
    expect(p.p50).toBeLessThanOrEqual(p.p95);
    expect(a.maxDrawdownPct.max).toBeLessThanOrEqual(0);
    const shuffled = await call('montecarlo/run', { runId, simulations: 500, method: 'shuffle', bins: 10 });
    expect(shuffled.maxDrawdownPct.histogram.counts).toHaveLength(10);
    expect(await fail('montecarlo/run', { runId, simulations: 100_001 })).toMatchObject({ type: 'ValidationError' });
    expect(await fail('montecarlo/run', { runId: 'no-such-run' })).toMatchObject({ type: 'NotFoundError' });
  });
});

describe('performance monitor', () => {
  it('reports throughput, pool use, cache hit rates and memory after jobs ran', async () => {
    const report = await call('system/performance');
    expect(report.handlers.find((x) => x.name === 'sweeps/start')?.calls).toBeGreaterThan(0);
    expect(Array.isArray(report.slowStatements)).toBe(true);
    expect(report.throughput.backtests.length).toBeGreaterThan(0);
    expect(report.throughput.backtests[0]!.units).toBeGreaterThan(2000);
    expect(report.throughput.barsPerSecond).toBeGreaterThan(0);
    expect(report.throughput.sweeps.length).toBeGreaterThan(0);
    expect(report.throughput.variantsPerSecond).toBeGreaterThan(0);
    const pools = Object.fromEntries(report.pools.map((p) => [p.pool, p]));
    expect(pools['backtest']).toMatchObject({ size: 1, busy: 0, utilization: 0, queued: 0 });
    expect(pools['backtest']!.completed).toBeGreaterThan(0);
    expect(pools['sweep']).toMatchObject({ size: 2, queued: 0 });
    expect(pools['sweep']!.completed).toBeGreaterThan(0);
    const sweepCaches = report.caches.find((c) => c.pool === 'sweep')!;
    expect(sweepCaches.workersReporting).toBe(2);
    // Many variants over the same bars: the bar cache is hit far more than missed.
    expect(sweepCaches.bars.hitRate).toBeGreaterThan(0.5);
    expect(sweepCaches.indicators.hits + sweepCaches.indicators.misses).toBeGreaterThan(0);
    expect(report.memory.main.rssBytes).toBeGreaterThan(report.memory.main.heapUsedBytes);
    expect(report.memory.workers.filter((w) => w.pool === 'sweep')).toHaveLength(2);
    expect(report.memory.workers.every((w) => w.heapUsedBytes > 0)).toBe(true);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
