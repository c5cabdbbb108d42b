import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSeries } from '../indicators/compute.js';
import { randomWalkBars } from '../indicators/random-walk.js';
import { allocateBars, type BarColumns } from '../market/bars.js';
import { resampleBars } from '../market/resample.js';
import { timeframeMs, type Timeframe } from '../market/timeframe.js';
import { v } from '../test-kit/specs.js';
import { createSeriesSource, operandKey } from './operands.js';

/** The reference: resample, compute on the HTF bars, map back to the HTF bars completed by each base close. */
function reference(bars: BarColumns, base: Timeframe, htf: Timeframe, variable: string, params: Record<string, number>): Float64Array {
  const higher = resampleBars(bars, base, htf).bars;
  const values = computeSeries(higher, variable, params);
  const out = new Float64Array(bars.ts.length).fill(Number.NaN);
  let k = -1;
  for (let t = 0; t < bars.ts.length; t++) {
    const closeTime = bars.ts[t]! + timeframeMs(base);
    while (k + 1 < higher.ts.length && higher.ts[k + 1]! + timeframeMs(htf) <= closeTime) k++;
    if (k >= 0) out[t] = values[k]!;
  }
  return out;
}

/** Drops bars where keep() says so (gaps), keeping order. */
function withGaps(bars: BarColumns, keep: (i: number) => boolean): BarColumns {
  const idx = Array.from({ length: bars.ts.length }, (_, i) => i).filter(keep);
  const out = allocateBars(idx.length);
  idx.forEach((src, i) => {
    for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) out[f][i] = bars[f][src]!;
  });
  return out;
}

function streamed(bars: BarColumns, base: Timeframe, htf: Timeframe, variable: string, params: Record<string, number>, cuts: number[]): Float64Array {
  const source = createSeriesSource(v(variable, params, { timeframe: htf }), base, undefined);
  const out = new Float64Array(bars.ts.length);
  const bounds = [0, ...cuts, bars.ts.length];
  for (let c = 0; c + 1 < bounds.length; c++) {
    const from = bounds[c]!;
    const to = bounds[c + 1]!;
    const chunk = { ts: bars.ts.subarray(from, to), open: bars.open.subarray(from, to), high: bars.high.subarray(from, to), low: bars.low.subarray(from, to), close: bars.close.subarray(from, to), volume: bars.volume.subarray(from, to) };
    // Feed the chunk in blocks of up to 100 bars, as the engine does.
    for (let b = 0; b < to - from; b += 100) {
      const e = Math.min(to - from, b + 100);
      source.advance(chunk, b, e, from);
      for (let i = b; i < e; i++) out[from + i] = source.current.values[source.current.offset + i]!;
    }
  }
  return out;
}

describe('higher-timeframe operands', () => {
  it('see only completed HTF bars: equal to resampleBars + computeSeries mapped by close time, with gaps and chunks', () => {
    const minutes = randomWalkBars(2000, 3);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom('5m' as const, '15m' as const, '1h' as const), fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { maxLength: 5 }), (seed, htf, rawCuts) => {
        const bars = withGaps(minutes, (i) => ((i * 2654435761 + seed) >>> 0) % 7 !== 0);
        const cuts = rawCuts.filter((c) => c < bars.ts.length).sort((a, b) => a - b);
        for (const [variable, params] of [
          ['sma', { period: 3 }],
          ['rsi', { period: 5 }],
          ['close', {}],
        ] as const) {
          const want = reference(bars, '1m', htf, variable, params);
          const got = streamed(bars, '1m', htf, variable, params, cuts);
          expect(Array.from(got)).toEqual(Array.from(want));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a 15m close becomes visible at the close of the bucket\'s last minute, not before', () => {
    const bars = randomWalkBars(40, 9);
    const got = streamed(bars, '1m', '15m', 'close', {}, []);
    expect(got[13]).toBeNaN();
    expect(got[14]).toBe(bars.close[14]);
    expect(got[28]).toBe(bars.close[14]);
    expect(got[29]).toBe(bars.close[29]);
  });

  it('keys operands canonically: defaults filled, params sorted, run timeframe omitted', () => {
    expect(operandKey(v('sma'))).toBe(operandKey(v('sma', { period: 20 })));
    expect(operandKey(v('macd', { slow: 26, fast: 12 }), '1m')).toBe(operandKey(v('macd', { fast: 12, slow: 26, signal: 9 }, { output: 'line' }), '1m'));
    expect(operandKey(v('close', undefined, { timeframe: '1m' }), '1m')).toBe(operandKey(v('close'), '1m'));
    expect(operandKey(v('close', undefined, { timeframe: '1h' }), '1m')).not.toBe(operandKey(v('close'), '1m'));
  });
});
