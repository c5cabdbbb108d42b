import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../domain/engine/backtest.js';
import { computeSeries } from '../../domain/indicators/compute.js';
import { barsFromCloses } from '../../domain/test-kit/bars.js';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import { SweepIndicatorCache, type IndicatorPeers, type PeerArray } from './sweep-indicator-cache.js';

const N = 5000;
// A wavy walk: enough crosses for every fast x slow pair to trade.
const bars = barsFromCloses(Array.from({ length: N }, (_, i) => 100 + 10 * Math.sin(i / 40) + 3 * Math.sin(i / 7) + i / 500));
const ARRAY = N * 8;
const instrument = { priceTick: 0.0001, quantityStep: 0.001 };

function run(fast: number, slow: number, series?: Map<string, Float64Array>) {
  return runBacktest({ spec: smaCrossSpec(fast, slow), instrument, timeframe: '1m', bars, ...(series ? { series } : {}) });
}

describe('SweepIndicatorCache', () => {
  it('shares an array between the variants that use it, equal to computing it', () => {
    const cache = new SweepIndicatorCache(10 * ARRAY);
    const a = cache.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'set');
    const b = cache.seriesFor(smaCrossSpec(5, 30), '1m', bars, 'set');
    const key = [...a.keys()].find((k) => k.includes('5'))!;
    expect(b.get(key)).toBe(a.get(key));
    expect(a.get(key)).toEqual(computeSeries(bars, 'sma', { period: 5 }));
    expect(cache.stats()).toMatchObject({ entries: 3, hits: 1, misses: 3, streamed: 0, bytes: 3 * ARRAY });
  });

  it('once full, keeps its arrays and leaves new operands to the engine: the same results bit for bit', () => {
    const cache = new SweepIndicatorCache(2 * ARRAY);
    const grid = [5, 8, 11].flatMap((fast) => [20, 30, 40].map((slow) => [fast, slow] as const));
    for (const [fast, slow] of grid) {
      const series = cache.seriesFor(smaCrossSpec(fast, slow), '1m', bars, 'set');
      const shared = run(fast, slow, series);
      const alone = run(fast, slow);
      expect(shared.metrics).toEqual(alone.metrics);
      expect(shared.equity).toEqual(alone.equity);
    }
    // sma 5 and sma 20 came first and stay (each used by two more variants); the other 12 lookups streamed.
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 2 * ARRAY, misses: 2, evictions: 0, hits: 4, streamed: 12 });
  });

  it('evicts the arrays of another bar set to make room, never those of the set in use', () => {
    const cache = new SweepIndicatorCache(3 * ARRAY);
    cache.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'old');
    // The new set takes the free room, then the old set's arrays, oldest first.
    expect(cache.seriesFor(smaCrossSpec(6, 25), '1m', bars, 'new').size).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1, streamed: 0 });
    expect(cache.seriesFor(smaCrossSpec(6, 35), '1m', bars, 'new').size).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 2, streamed: 0 });
    // Full of the set in use: a new operand of it streams instead of evicting.
    expect(cache.seriesFor(smaCrossSpec(6, 45), '1m', bars, 'new').size).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 2, streamed: 1 });
  });

  it('holds no more than the budget of the call: what the worker has left beside its bars', () => {
    const cache = new SweepIndicatorCache(10 * ARRAY);
    expect(cache.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'set', ARRAY).size).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: ARRAY, streamed: 1 });
  });

  it('drops its arrays on clear and keeps counting', () => {
    const cache = new SweepIndicatorCache(10 * ARRAY);
    cache.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'set');
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, misses: 2 });
    cache.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'set');
    expect(cache.stats()).toMatchObject({ entries: 2, misses: 4, hits: 0 });
  });

  it('never holds an array larger than its whole budget', () => {
    const cache = new SweepIndicatorCache(ARRAY - 1);
    expect(cache.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'set').size).toBe(0);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, streamed: 2 });
  });
});

/** Caches linked as a pool's workers are: what one publishes, every other receives. */
function linkedPeers(count: number): IndicatorPeers[] {
  const inboxes = Array.from({ length: count }, () => [] as PeerArray[]);
  return inboxes.map((inbox, me) => ({
    allocate: (length) => new Float64Array(new SharedArrayBuffer(length * 8)),
    publish: (array) => inboxes.forEach((other, k) => k !== me && other.push(array)),
    receive: () => inbox.splice(0),
  }));
}

describe('SweepIndicatorCache with peers', () => {
  it('takes the arrays another worker computed for the same bars instead of computing them', () => {
    const [pa, pb] = linkedPeers(2);
    const a = new SweepIndicatorCache(10 * ARRAY, pa!);
    const b = new SweepIndicatorCache(10 * ARRAY, pb!);
    const fromA = a.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'set');
    const fromB = b.seriesFor(smaCrossSpec(5, 30), '1m', bars, 'set');
    const key5 = [...fromA.keys()].find((k) => k.includes('5'))!;
    // The same shared memory, not a copy; sma 30 was computed by b and goes the other way.
    expect(fromB.get(key5)).toBe(fromA.get(key5));
    expect(fromB.get(key5)!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b.stats()).toMatchObject({ adopted: 2, misses: 1, hits: 1 });
    a.seriesFor(smaCrossSpec(6, 30), '1m', bars, 'set');
    expect(a.stats()).toMatchObject({ adopted: 1, misses: 3 });
    // Shared arrays give the same runs bit for bit.
    const shared = run(5, 30, fromB);
    expect(shared.metrics).toEqual(run(5, 30).metrics);
    expect(shared.equity).toEqual(run(5, 30).equity);
  });

  it('drops offers for other bar sets, those past its budget, and everything offered once cleared', () => {
    const [pa, pb] = linkedPeers(2);
    const a = new SweepIndicatorCache(10 * ARRAY, pa!);
    const b = new SweepIndicatorCache(ARRAY, pb!);
    b.seriesFor(smaCrossSpec(5, 20), '1m', bars, 'mine', ARRAY);
    a.seriesFor(smaCrossSpec(7, 40), '1m', bars, 'other');
    a.seriesFor(smaCrossSpec(8, 50), '1m', bars, 'mine');
    b.adoptFromPeers();
    // Another set's offers are not kept; the full budget (one array) holds no more.
    expect(b.stats()).toMatchObject({ adopted: 0, entries: 1, bytes: ARRAY });
    b.clear();
    a.seriesFor(smaCrossSpec(9, 60), '1m', bars, 'mine');
    b.clear();
    expect(b.stats()).toMatchObject({ adopted: 0, entries: 0 });
  });
});
