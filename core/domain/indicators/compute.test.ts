import fc from 'fast-check';
import { SMA, EMA, WMA } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { sliceBars } from '../market/bars.js';
import { VARIABLES } from '../strategy/catalog.js';
import { computeSeries, createSeriesKernel } from './compute.js';
import { randomWalkBars } from './random-walk.js';
import { KERNELS } from './registry.js';

const bars = randomWalkBars(3000, 7);
const closes = Array.from(bars.close);

/** Checks `actual` against a reference aligned at the end (the reference omits warm-up values). */
function expectTailClose(actual: Float64Array, reference: readonly number[], relTol = 1e-9): void {
  const offset = actual.length - reference.length;
  expect(offset).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < offset; i++) expect(actual[i]).toBeNaN();
  for (let k = 0; k < reference.length; k++) {
    const a = actual[offset + k]!;
    const r = reference[k]!;
    if (Math.abs(a - r) > relTol * Math.max(1, Math.abs(r))) {
      throw new Error(`value ${offset + k}: got ${a}, reference ${r}`);
    }
  }
}

describe('computeSeries against technicalindicators', () => {
  it('price fields and typical price', () => {
    expect(computeSeries(bars, 'close')).toEqual(bars.close);
    expect(computeSeries(bars, 'volume')).toEqual(bars.volume);
    const typical = computeSeries(bars, 'typical');
    expect(typical[5]).toBeCloseTo((bars.high[5]! + bars.low[5]! + bars.close[5]!) / 3, 12);
  });

  it.each([1, 2, 20, 200])('SMA(%i)', (period) => {
    expectTailClose(computeSeries(bars, 'sma', { period }), SMA.calculate({ period, values: closes }));
  });

  it.each([1, 2, 12, 50])('EMA(%i)', (period) => {
    expectTailClose(computeSeries(bars, 'ema', { period }), EMA.calculate({ period, values: closes }));
  });

  it.each([1, 3, 20, 100])('WMA(%i)', (period) => {
    expectTailClose(computeSeries(bars, 'wma', { period }), WMA.calculate({ period, values: closes }));
  });

  it('takes catalog defaults for missing params', () => {
    expect(computeSeries(bars, 'sma')).toEqual(computeSeries(bars, 'sma', { period: 20 }));
  });

  it('rejects unknown variables and outputs, and position-state variables', () => {
    expect(() => computeSeries(bars, 'nope')).toThrow(/Unknown variable "nope"/);
    expect(() => computeSeries(bars, 'sma', {}, 'upper')).toThrow(/no output "upper"/);
    expect(() => computeSeries(bars, 'barsInTrade')).toThrow(/computed by the engine/);
    expect(() => computeSeries(bars, 'sma', { period: 2.5 })).toThrow(/integer/);
  });
});

describe('chunked computation', () => {
  const small = randomWalkBars(400, 11);
  const computable = VARIABLES.filter((v) => v.id in KERNELS);
  const cases = computable.flatMap((v) => v.outputs.map((o) => ({ variable: v.id, output: o.id })));

  it('equals whole computation for any split points, with update or fill', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.uniqueArray(fc.integer({ min: 1, max: 399 }), { maxLength: 6 }),
        fc.boolean(),
        ({ variable, output }, cuts, perBar) => {
          const whole = computeSeries(small, variable, {}, output);
          const kernel = createSeriesKernel(variable, {}, output);
          const points = [0, ...cuts.sort((a, b) => a - b), 400];
          const got = new Float64Array(400);
          for (let c = 0; c + 1 < points.length; c++) {
            const from = points[c]!;
            const to = points[c + 1]!;
            // Each chunk is its own view with indexes from 0, as the engine feeds them.
            const chunk = sliceBars(small, from, to);
            if (perBar) for (let i = 0; i < to - from; i++) got[from + i] = kernel.update(chunk, i);
            else kernel.fill(chunk, 0, to - from, got, from);
          }
          expect(got).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('registry', () => {
  it('has a kernel for every computable catalog entry and nothing else', () => {
    const computableIds = VARIABLES.filter((v) => v.kind !== 'position').map((v) => v.id).sort();
    expect(Object.keys(KERNELS).sort()).toEqual(computableIds);
  });
});
