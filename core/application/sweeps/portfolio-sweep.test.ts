// Sweeps and walk-forward over a portfolio, end to end over the handler table: a real
// SQLite file with the demo basket (ten correlated hourly instruments tagged demo-basket),
// real sweep workers and a real backtest worker. A variant runs the whole universe through
// the same streamed run as a portfolio backtest, so it must equal that run by hash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { all, specOf, trig, v } from '../../domain/test-kit/specs.js';
import type { BacktestJobResult } from '../backtest/contract.js';
import type { HandlerName } from '../contract/handlers.js';
import { seedDemoData } from '../data/seed-demo.js';
import { openHandlerHarness, type HandlerHarness } from '../test-kit/handler-harness.js';
import type { WalkForwardReport } from './contract.js';
import { callHandler, refusedBy } from '../test-kit/dispatch.js';

let harness: HandlerHarness;

const call = <N extends HandlerName>(name: N, args?: unknown) => callHandler(harness.dispatcher, name, args);

const fail = (name: HandlerName, args?: unknown) => refusedBy(harness.dispatcher, name, args);

/** Waits for a job and returns its result. */
async function finished<T>(jobId: string): Promise<T> {
  const job = await harness.jobs.whenFinished(jobId);
  if (job.status !== 'done') throw new Error(`job ${job.status}: ${JSON.stringify(job.error)}`);
  return job.result as T;
}

const FROM = Date.UTC(2024, 2, 1);
const TO = Date.UTC(2024, 5, 1);
const RANK_PERIOD = 'portfolio.ranking.by.params.period';

/** Long above the 50-hour SMA, out below the 100-hour one; three slots, the entries ranked by rate of change. */
const momentum: StrategySpec = specOf({
  name: 'Basket momentum',
  entry: { long: all(trig(v('close'), '>', v('sma', { period: 50 }))) },
  exit: { long: all(trig(v('close'), '<', v('sma', { period: 100 }))) },
  sizing: { kind: 'equalWeight' },
  costs: { commissionPct: 0.05, commissionFixed: 0, slippageBps: 2 },
  initialCash: 100_000,
  portfolio: { maxPositions: 3, ranking: { by: v('roc', { period: 48 }), order: 'desc' } },
});

/** A spec with the given slots and ranking period: what a variant with those values is. */
const withValues = (maxPositions: number, period: number): StrategySpec => ({
  ...momentum,
  portfolio: { maxPositions, ranking: { by: v('roc', { period }), order: 'desc' } },
});

const sweepArgs = (space: unknown[], extra: Record<string, unknown> = {}) => ({
  source: { kind: 'spec', spec: momentum },
  space,
  objective: { metric: 'totalReturnPct' },
  universe: { tag: 'demo-basket' },
  timeframe: '1h',
  fromTs: FROM,
  toTs: TO,
  ...extra,
});

beforeAll(async () => {
  harness = await openHandlerHarness({ prefix: 'bws-portfolio-sweep-', sweepWorkers: 2 });
  seedDemoData(harness.storage.barStore, 2_000);
});

afterAll(async () => {
  await harness.close();
});

describe('sweeps over a portfolio', () => {
  it('sweeps maxPositions and a ranking parameter; every variant equals its portfolio run alone by hash and metrics', async () => {
    const { jobId, sweepId } = await call('sweeps/start', sweepArgs([{ name: 'portfolio.maxPositions', min: 1, max: 3, step: 1 }, { name: RANK_PERIOD, values: [24, 96] }]));
    await finished(jobId);
    const sweep = await call('sweeps/get', { sweepId });
    expect(sweep.status).toBe('completed');
    expect(sweep.counts).toMatchObject({ planned: 6, done: 6, failed: 0, invalid: 0 });
    expect(sweep.universe?.tag).toBe('demo-basket');
    expect(sweep.universe?.symbols).toHaveLength(10);
    expect(sweep.symbol).toBe(sweep.universe!.symbols[0]);

    const variants = (await call('sweeps/variants', { sweepId, sort: { by: 'index' }, order: 'asc' })).items;
    expect(variants).toHaveLength(6);
    // Different slots and rankings give different runs.
    expect(new Set(variants.map((x) => x.hash)).size).toBe(6);
    expect(new Set(variants.map((x) => x.metrics!.totalReturnPct)).size).toBeGreaterThan(1);

    const { id } = await call('strategies/create', { spec: momentum });
    // Two variants (the last parameter varies fastest: #1 is 1 slot / period 96, #4 is 3 slots / period 24) run alone as full portfolio runs.
    for (const variant of [variants[1]!, variants[4]!]) {
      const spec = withValues(variant.params['portfolio.maxPositions']!, variant.params[RANK_PERIOD]!);
      const started = await call('backtest/start', { strategyId: id, spec, universe: { tag: 'demo-basket' }, timeframe: '1h', fromTs: FROM, toTs: TO });
      const alone = await finished<BacktestJobResult>(started.jobId);
      expect(variant.hash).toBe(alone.hash);
      const run = await call('runs/get', { id: alone.runId });
      expect(variant.metrics).toEqual(run.metrics);
    }

    // The best variant opened: a full portfolio run of the sweep's universe, with the variant's hash.
    const best = sweep.best!;
    const opened = await call('sweeps/openVariant', { sweepId, index: best.index });
    expect(opened.jobId).not.toBeNull();
    const done = await finished<{ runId: string; hash: string }>(opened.jobId!);
    expect(done.hash).toBe(best.hash);
    const run = await call('runs/get', { id: done.runId });
    expect(run.universe).toMatchObject({ tag: 'demo-basket', symbols: sweep.universe!.symbols });
    expect(run.metrics).toEqual(best.metrics);
  });

  it('refuses a maxPositions axis that is no positive whole range, bad ranking parameters and bad universes, and stores nothing', async () => {
    const before = (await call('sweeps/list')).total;
    const cases: [unknown, string][] = [
      [sweepArgs([{ name: 'portfolio.maxPositions', min: 0, max: 2, step: 1 }]), 'Parameter "portfolio.maxPositions"'],
      [sweepArgs([{ name: 'portfolio.maxPositions', values: [1, 2.5] }]), 'whole number, got 2.5'],
      [sweepArgs([{ name: RANK_PERIOD, values: [0, 10] }]), `Parameter "${RANK_PERIOD}"`],
      [sweepArgs([{ name: 'portfolio.ranking.by.params.length', values: [5] }]), 'portfolio.ranking.by.params.length'],
      [
        { ...sweepArgs([{ name: 'portfolio.maxPositions', values: [1, 2] }]), source: { kind: 'spec', spec: { ...momentum, portfolio: { maxPositions: 2, ranking: { by: v('momentumz'), order: 'desc' } } } } },
        'portfolio.ranking.by',
      ],
      [sweepArgs([{ name: 'portfolio.maxPositions', values: [1, 2] }], { universe: { tag: 'no-such-tag' } }), 'No instrument has the tag "no-such-tag"'],
      [sweepArgs([{ name: 'portfolio.maxPositions', values: [1, 2] }], { symbol: 'DEMO-ALFA' }), 'not both'],
    ];
    for (const [args, words] of cases) {
      const error = await fail('sweeps/start', args);
      expect(error.message).toContain(words);
      const walk = await fail('walkforward/start', { ...(args as object), schedule: { inSampleMs: 30 * 86_400_000, outOfSampleMs: 15 * 86_400_000, anchored: false } });
      expect(walk.message).toContain(words);
    }
    expect((await call('sweeps/list')).total).toBe(before);
  });

  it('walks forward over the universe: each window optimizes in sample only and runs its best on the whole universe out of sample', async () => {
    const DAY = 86_400_000;
    const { jobId } = await call('walkforward/start', {
      ...sweepArgs([{ name: 'portfolio.maxPositions', values: [1, 3] }]),
      schedule: { inSampleMs: 30 * DAY, outOfSampleMs: 15 * DAY, anchored: false },
    });
    const report = await finished<WalkForwardReport>(jobId);
    expect(report.symbols).toHaveLength(10);
    expect(report.windows.length).toBe(4);
    const { id } = await call('strategies/create', { spec: momentum });
    const window = report.windows[1]!;
    // The window's in-sample and out-of-sample figures are its best variant run alone over the universe on each range.
    const aloneOn = async (range: { fromTs: number; toTs: number }) => {
      const spec = withValues(window.bestParams['portfolio.maxPositions']!, 48);
      const started = await call('backtest/start', { strategyId: id, spec, universe: { tag: 'demo-basket' }, timeframe: '1h', ...range });
      const alone = await finished<BacktestJobResult>(started.jobId);
      return (await call('runs/get', { id: alone.runId })).metrics;
    };
    expect(window.inSampleMetrics).toEqual(await aloneOn(window.inSample));
    expect(window.outOfSampleMetrics).toEqual(await aloneOn(window.outOfSample));
    expect(report.metrics.tradeCount).toBe(report.windows.reduce((n, w) => n + w.outOfSampleMetrics.tradeCount, 0));
  });
});
