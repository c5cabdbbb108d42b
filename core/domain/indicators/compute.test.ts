import fc from 'fast-check';
import {
  ADX, ATR, AverageGain, AverageLoss, BollingerBands, CCI, EMA, Highest, Lowest, MACD, OBV, ROC, RSI, SMA, Stochastic, VWAP, WMA,
} from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { sliceBars } from '../market/bars.js';
import { VARIABLES } from '../strategy/catalog.js';
import { computeSeries, createSeriesKernel } from './compute.js';
import { randomWalkBars } from './random-walk.js';
import { KERNELS } from './registry.js';

const bars = randomWalkBars(3000, 7);
const closes = Array.from(bars.close);

const highs = Array.from(bars.high);
const lows = Array.from(bars.low);
const volumes = Array.from(bars.volume);
const hlc = { high: highs, low: lows, close: closes };

/**
 * Checks `actual` against a reference aligned at the end (the reference omits the
 * warm-up values, which must be NaN here; `undefined` in the reference means NaN too).
 * `checkWarmUp: false` when our first values are defined where the reference has none.
 */
function expectTailClose(
  actual: Float64Array,
  reference: readonly (number | undefined)[],
  { relTol = 1e-9, absTol = 0, checkWarmUp = true } = {},
): void {
  const offset = actual.length - reference.length;
  expect(offset).toBeGreaterThanOrEqual(0);
  if (checkWarmUp) for (let i = 0; i < offset; i++) if (!Number.isNaN(actual[i])) throw new Error(`warm-up value ${i} is ${actual[i]}, not NaN`);
  let compared = 0;
  for (let k = 0; k < reference.length; k++) {
    const a = actual[offset + k]!;
    const r = reference[k];
    if (r === undefined || Number.isNaN(r)) {
      if (!Number.isNaN(a)) throw new Error(`value ${offset + k}: got ${a}, reference has none`);
      continue;
    }
    if (!(Math.abs(a - r) <= Math.max(absTol, relTol * Math.max(1, Math.abs(r))))) {
      throw new Error(`value ${offset + k}: got ${a}, reference ${r}`);
    }
    compared++;
  }
  expect(compared).toBeGreaterThan(reference.length / 2);
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

  it.each([2, 14, 30])('RSI(%i) from the reference average gain and loss, and its 2-decimal RSI', (period) => {
    const rsi = computeSeries(bars, 'rsi', { period });
    const gain = AverageGain.calculate({ period, values: closes });
    const loss = AverageLoss.calculate({ period, values: closes });
    // technicalindicators rounds its RSI to 2 decimals; rebuild the exact value from its averages too.
    const exact = gain.map((g, k) => 100 - 100 / (1 + g / loss[k]!));
    expectTailClose(rsi, exact);
    expectTailClose(rsi, RSI.calculate({ period, values: closes }), { absTol: 0.0051 });
  });

  it.each([
    [12, 26, 9],
    [3, 10, 16],
  ])('MACD(%i, %i, %i) line, signal and histogram', (fastPeriod, slowPeriod, signalPeriod) => {
    const params = { fast: fastPeriod, slow: slowPeriod, signal: signalPeriod };
    const reference = MACD.calculate({ values: closes, fastPeriod, slowPeriod, signalPeriod, SimpleMAOscillator: false, SimpleMASignal: false });
    expectTailClose(computeSeries(bars, 'macd', params, 'line'), reference.map((r) => r.MACD));
    expectTailClose(computeSeries(bars, 'macd', params, 'signal'), reference.map((r) => r.signal), { checkWarmUp: false });
    expectTailClose(computeSeries(bars, 'macd', params, 'histogram'), reference.map((r) => r.histogram), { checkWarmUp: false });
  });

  it.each([
    [20, 2],
    [5, 1.5],
    [200, 3],
  ])('Bollinger(%i, %f) bands, %b and width', (period, stdDev) => {
    const params = { period, stdDev };
    const reference = BollingerBands.calculate({ period, stdDev, values: closes });
    expectTailClose(computeSeries(bars, 'bollinger', params, 'upper'), reference.map((r) => r.upper));
    expectTailClose(computeSeries(bars, 'bollinger', params, 'middle'), reference.map((r) => r.middle));
    expectTailClose(computeSeries(bars, 'bollinger', params, 'lower'), reference.map((r) => r.lower));
    // technicalindicators gives %b as a fraction; ours is in percent. Width is not in the reference.
    expectTailClose(computeSeries(bars, 'bollinger', params, 'percentB'), reference.map((r) => r.pb * 100), { relTol: 1e-8 });
    expectTailClose(computeSeries(bars, 'bollinger', params, 'width'), reference.map((r) => (100 * (r.upper - r.lower)) / r.middle));
  });

  it('Bollinger stays exact on a large price with a tiny spread (no drift, no cancellation)', () => {
    const n = 50_000;
    const flatBars = randomWalkBars(n, 3);
    for (let i = 0; i < n; i++) flatBars.close[i] = 1e6 + Math.sin(i) * 1e-3;
    const width = computeSeries(flatBars, 'bollinger', { period: 20, stdDev: 2 }, 'upper');
    const reference = BollingerBands.calculate({ period: 20, stdDev: 2, values: Array.from(flatBars.close) });
    expectTailClose(width, reference.map((r) => r.upper), { relTol: 1e-12 });
  });

  it.each([1, 14, 50])('ATR(%i)', (period) => {
    expectTailClose(computeSeries(bars, 'atr', { period }), ATR.calculate({ ...hlc, period }));
  });

  it.each([
    [14, 3],
    [5, 1],
  ])('Stochastic(%i, %i) %K and %D', (period, signalPeriod) => {
    const reference = Stochastic.calculate({ ...hlc, period, signalPeriod });
    const params = { period, signal: signalPeriod };
    expectTailClose(computeSeries(bars, 'stochastic', params, 'k'), reference.map((r) => r.k));
    expectTailClose(computeSeries(bars, 'stochastic', params, 'd'), reference.map((r) => r.d), { checkWarmUp: false });
  });

  it.each([14, 5])('ADX(%i) with +DI and -DI', (period) => {
    const reference = ADX.calculate({ ...hlc, period });
    // The reference only emits bars with an ADX; +DI/-DI exist earlier here (from bar `period`).
    expectTailClose(computeSeries(bars, 'adx', { period }, 'adx'), reference.map((r) => r.adx));
    expectTailClose(computeSeries(bars, 'adx', { period }, 'plusDi'), reference.map((r) => r.pdi), { checkWarmUp: false });
    expectTailClose(computeSeries(bars, 'adx', { period }, 'minusDi'), reference.map((r) => r.mdi), { checkWarmUp: false });
    expect(computeSeries(bars, 'adx', { period }, 'plusDi')[period - 1]).toBeNaN();
    expect(computeSeries(bars, 'adx', { period }, 'plusDi')[period]).not.toBeNaN();
  });

  it.each([20, 3])('CCI(%i)', (period) => {
    expectTailClose(computeSeries(bars, 'cci', { period }), CCI.calculate({ ...hlc, period }));
  });

  it('OBV (0 on the first bar, where the reference emits nothing)', () => {
    const obv = computeSeries(bars, 'obv');
    expect(obv[0]).toBe(0);
    expectTailClose(obv, OBV.calculate({ close: closes, volume: volumes }), { checkWarmUp: false });
  });

  it('VWAP over one UTC day equals the cumulative reference, and resets at midnight', () => {
    const day = 1440;
    const vwap = computeSeries(bars, 'vwap');
    const first = VWAP.calculate({ high: highs.slice(0, day), low: lows.slice(0, day), close: closes.slice(0, day), volume: volumes.slice(0, day) });
    expectTailClose(vwap.subarray(0, day), first);
    const second = VWAP.calculate({
      high: highs.slice(day, 2 * day),
      low: lows.slice(day, 2 * day),
      close: closes.slice(day, 2 * day),
      volume: volumes.slice(day, 2 * day),
    });
    expectTailClose(vwap.subarray(day, 2 * day), second);
  });

  it('VWAP is the typical price until the day has traded volume', () => {
    const quiet = randomWalkBars(3, 5);
    quiet.volume.fill(0);
    quiet.volume[2] = 10;
    const vwap = computeSeries(quiet, 'vwap');
    const typical = computeSeries(quiet, 'typical');
    expect(vwap[0]).toBe(typical[0]);
    expect(vwap[1]).toBe(typical[1]);
    expect(vwap[2]).toBeCloseTo(typical[2]!, 12);
  });

  it.each([1, 20, 55])('highest high and lowest low of %i bars', (period) => {
    expectTailClose(computeSeries(bars, 'highest', { period }), Highest.calculate({ period, values: highs }), { relTol: 0 });
    expectTailClose(computeSeries(bars, 'lowest', { period }), Lowest.calculate({ period, values: lows }), { relTol: 0 });
  });

  it.each([1, 12])('rate of change over %i bars', (period) => {
    // The reference emits one undefined value at bar period - 1 before its first ROC.
    expectTailClose(computeSeries(bars, 'roc', { period }), ROC.calculate({ period, values: closes }));
  });

  it('time of day and day of week (UTC)', () => {
    const ts = [Date.UTC(2024, 0, 7, 0, 0), Date.UTC(2024, 0, 10, 13, 45), Date.UTC(2024, 0, 13, 23, 59), Date.UTC(1969, 11, 31, 23, 0)];
    const calendarBars = randomWalkBars(ts.length, 1);
    calendarBars.ts.set(ts);
    expect(Array.from(computeSeries(calendarBars, 'timeOfDay'))).toEqual([0, 13 * 60 + 45, 1439, 1380]);
    // 2024-01-07 Sunday, 2024-01-10 Wednesday, 2024-01-13 Saturday, 1969-12-31 Wednesday.
    expect(Array.from(computeSeries(calendarBars, 'dayOfWeek'))).toEqual([0, 3, 6, 3]);
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
