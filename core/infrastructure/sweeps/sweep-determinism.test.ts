// A sweep's variants on the worker pool give exactly what each variant gives run alone,
// whatever worker runs it, after whatever other variants, in a fresh worker or a warm one.
// Each round starts a fresh pool: the failure this guards against came from V8 tiering up
// computeMetrics (on-stack replacement) early in a worker's life, so a fresh worker is a
// new chance to meet it (see EquityCurveStats in core/domain/engine/metrics.ts). Before the fix
// about one sweep in 30 had one variant holding the next variant's equity figures: this
// file meets it only rarely (docs/ENGINE.md). Every round also checks the workers' bar
// and indicator caches and batch order against uncached runs in this thread.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBacktest } from '../../domain/engine/backtest.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { resampleBars } from '../../domain/market/resample.js';
import type { Storage } from '../sqlite/storage.js';
import { seedStore } from '../test-kit/bar-fixture.js';
import { tempDir } from '../test-kit/temp-db.js';
import type { EvaluateRequest } from '../../application/sweeps/ports.js';
import { WorkerVariantEvaluator } from './worker-variant-evaluator.js';

const BARS = 120_000;
const ROUNDS = 4;

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let instrument: Instrument;
const variants: { index: number; spec: StrategySpec }[] = [];
const alone = new Map<number, BacktestMetrics>();

beforeAll(() => {
  dir = tempDir('bws-determinism-');
  ({ storage, instrument } = seedStore(dir.dir, BARS, 'DET'));
  // fast 2..13 x slow 20..60 step 10: 60 variants, several of them sharing each indicator.
  for (let fast = 2; fast <= 13; fast++) for (let slow = 20; slow <= 60; slow += 10) variants.push({ index: variants.length, spec: smaCrossSpec(fast, slow) });
  const bars = storage.barStore.readBars(instrument.id, '1m');
  for (const v of variants) alone.set(v.index, runBacktest({ spec: v.spec, instrument, timeframe: '1m', bars }).metrics);
});

afterAll(() => {
  storage.close();
  dir.cleanup();
});

/** Runs `batch` on a fresh pool: each variant's metrics by index, and the workers' indicator cache figures before the pool closed. */
async function sweepOnPool(options: { size: number; indicatorCacheMb?: number }, data: EvaluateRequest['data'], batch: readonly { index: number; spec: StrategySpec }[]) {
  const evaluator = new WorkerVariantEvaluator({ dbFile: storage.file, ...options });
  const got = new Map<number, BacktestMetrics | null>();
  try {
    await evaluator.evaluate({ data, variants: batch }, { onBatch: (items) => items.forEach((i) => got.set(i.index, i.metrics)) });
    const stats = (await evaluator.workerStats()).map((s) => s.value);
    return { got, indicators: stats.map((s) => s.indicators), bars: stats.map((s) => s.bars) };
  } finally {
    await evaluator.close();
  }
}

it('every variant of every round equals its own run alone, metric for metric', async () => {
  const differing: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // One worker: the same order every round, so only the worker's own history differs.
    const { got } = await sweepOnPool({ size: round % 3 === 2 ? 2 : 1 }, { instrumentId: instrument.id, timeframe: '1m' }, variants);
    expect(got.size).toBe(variants.length);
    for (const [index, metrics] of got) {
      if (JSON.stringify(metrics) !== JSON.stringify(alone.get(index))) {
        differing.push(`round ${round} variant #${index}: exposure ${metrics?.exposurePct} vs ${alone.get(index)!.exposurePct}, final equity ${metrics?.finalEquity} vs ${alone.get(index)!.finalEquity}`);
      }
    }
  }
  expect(differing).toEqual([]);
}, 180_000);

it('a budget that holds a few indicator arrays streams the rest and gives the same metrics', async () => {
  // 120,000 bars: 0.96 MB an array, so 3 MB holds three of the sweep's 17 SMAs.
  const { got, indicators } = await sweepOnPool({ size: 1, indicatorCacheMb: 3 }, { instrumentId: instrument.id, timeframe: '1m' }, variants);
  expect(indicators[0]).toMatchObject({ entries: 3, evictions: 0 });
  expect(indicators[0]!.streamed).toBeGreaterThan(variants.length);
  expect(got.size).toBe(variants.length);
  for (const [index, metrics] of got) expect(metrics).toEqual(alone.get(index));
}, 60_000);

const total = (stats: readonly { adopted: number; misses: number }[], field: 'adopted' | 'misses') => stats.reduce((sum, s) => sum + s[field], 0);

it('two workers read the bars once and compute each array about once between them, taking the rest from each other', async () => {
  const { got, indicators, bars } = await sweepOnPool({ size: 2 }, { instrumentId: instrument.id, timeframe: '1m' }, variants);
  // One read, in shared memory: the other worker took it instead of holding a copy.
  expect(bars).toHaveLength(2);
  expect(total(bars, 'misses')).toBe(1);
  expect(total(bars, 'adopted')).toBe(1);
  // 17 distinct SMAs: each alone, the two workers computed ~30 (each needs most of them).
  expect(total(indicators, 'adopted')).toBeGreaterThan(0);
  expect(total(indicators, 'misses')).toBeLessThan(25);
  expect(got.size).toBe(variants.length);
  for (const [index, metrics] of got) expect(metrics).toEqual(alone.get(index));
}, 60_000);

it("two calls over the same bars at once (a sweep's chunks in flight together) read them once between the workers", async () => {
  const evaluator = new WorkerVariantEvaluator({ dbFile: storage.file, size: 2 });
  try {
    const data = { instrumentId: instrument.id, timeframe: '1m' as const };
    const got = new Map<number, BacktestMetrics | null>();
    const onBatch = (items: readonly { index: number; metrics: BacktestMetrics | null }[]) => items.forEach((i) => got.set(i.index, i.metrics));
    await Promise.all([evaluator.evaluate({ data, variants: variants.slice(0, 30) }, { onBatch }), evaluator.evaluate({ data, variants: variants.slice(30) }, { onBatch })]);
    const bars = (await evaluator.workerStats()).map((s) => s.value.bars);
    expect(total(bars, 'misses')).toBe(1);
    expect(got.size).toBe(variants.length);
    for (const [index, metrics] of got) expect(metrics).toEqual(alone.get(index));
  } finally {
    await evaluator.close();
  }
}, 60_000);

it("over a range with warm-up, every batch reads the sweep's longest warm-up: one read for both workers, the same metrics as one worker", async () => {
  // Slow SMAs 20..60 need different warm-ups; batches of 8 hold different mixes of them.
  const data = { instrumentId: instrument.id, timeframe: '1m' as const, fromTs: Date.UTC(2024, 0, 1) + 30_000 * 60_000 };
  const one = await sweepOnPool({ size: 1 }, data, variants);
  const two = await sweepOnPool({ size: 2 }, data, variants);
  expect(total(two.bars, 'misses')).toBe(1);
  expect(total(two.bars, 'adopted')).toBe(1);
  expect(two.got.size).toBe(variants.length);
  for (const [index, metrics] of two.got) expect(metrics).toEqual(one.got.get(index));
}, 60_000);

it('on a timeframe resampled from the minutes, with the magnifier (one by one) and without (in lockstep), each variant equals its run alone', async () => {
  const minutes = storage.barStore.readBars(instrument.id, '1m');
  const bars15 = resampleBars(minutes, '1m', '15m').bars;
  const stops: StrategySpec['management'] = { stopLoss: { kind: 'percent', value: 0.05 }, takeProfit: { kind: 'percent', value: 0.05 } };
  const specs = [3, 5, 8].flatMap((fast) => [20, 40].map((slow) => smaCrossSpec(fast, slow, { management: stops })));
  const batch = specs.map((spec, index) => ({ index, spec }));
  const finalEquity: Record<string, number[]> = {};
  for (const magnifier of [true, false]) {
    const { got } = await sweepOnPool({ size: 2 }, { instrumentId: instrument.id, timeframe: '15m', magnifier }, batch);
    expect(got.size).toBe(specs.length);
    for (const { index, spec } of batch) {
      const alone = runBacktest({ spec, instrument, timeframe: '15m', bars: bars15, magnifier, ...(magnifier ? { magnifierBars: minutes } : {}) });
      expect(got.get(index), `variant ${index}, magnifier ${magnifier}`).toEqual(alone.metrics);
    }
    finalEquity[String(magnifier)] = batch.map(({ index }) => got.get(index)!.finalEquity);
  }
  // The stops resolve differently on the minutes: the two paths were both exercised.
  expect(finalEquity['true']).not.toEqual(finalEquity['false']);
}, 60_000);
