import { describe, expect, it } from 'vitest';
import { downsampleAlignedMinMax, downsampleMinMax, downsampleOhlc, lowerBound, pickColumn, visibleRange } from './downsample.js';

const ramp = (n: number, f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));

describe('downsampleMinMax', () => {
  it('keeps at most two points per pixel column plus the edges', () => {
    const xs = ramp(1_000_000, (i) => i);
    const ys = ramp(1_000_000, (i) => Math.sin(i / 1000));
    const out = downsampleMinMax({ xs, ys }, 800);
    expect(out.xs.length).toBeLessThanOrEqual(2 * 800 + 4);
    expect(out.xs.length).toBeGreaterThan(800);
  });

  it('keeps a one-point spike that a stride would drop', () => {
    const xs = ramp(100_000, (i) => i);
    const ys = ramp(100_000, () => 1);
    ys[54_321] = 1_000;
    ys[12_345] = -500;
    const out = downsampleMinMax({ xs, ys }, 300);
    expect(Math.max(...out.ys)).toBe(1_000);
    expect(Math.min(...out.ys)).toBe(-500);
    expect(Array.from(out.xs)).toContain(54_321);
  });

  it('returns x values in ascending order', () => {
    const xs = ramp(50_000, (i) => i * 60);
    const ys = ramp(50_000, (i) => ((i * 7919) % 101) - 50);
    const out = downsampleMinMax({ xs, ys }, 123);
    for (let i = 1; i < out.xs.length; i += 1) expect(out.xs[i]!).toBeGreaterThan(out.xs[i - 1]!);
  });

  it('restricts to the visible range, keeping one point beyond each edge', () => {
    const xs = ramp(10_000, (i) => i);
    const ys = ramp(10_000, (i) => i);
    const out = downsampleMinMax({ xs, ys }, 1000, 2000, 2500);
    expect(out.xs[0]).toBe(1999);
    expect(out.xs[out.xs.length - 1]).toBe(2501);
    expect(out.xs.length).toBe(503); // fewer points than pixels: full detail
  });

  it('keeps gaps (NaN) so the line breaks there', () => {
    const xs = ramp(10_000, (i) => i);
    const ys = ramp(10_000, (i) => (i >= 5000 && i < 5100 ? NaN : i));
    const out = downsampleMinMax({ xs, ys }, 100);
    expect(Array.from(out.ys).some((v) => Number.isNaN(v))).toBe(true);
  });
});

describe('downsampleOhlc', () => {
  it('merges the bars of a column into one candle', () => {
    const n = 10_000;
    const xs = ramp(n, (i) => i);
    const open = ramp(n, (i) => i);
    const close = ramp(n, (i) => i + 0.5);
    const high = ramp(n, (i) => i + 1);
    const low = ramp(n, (i) => i - 1);
    high[42] = 99_999;
    const out = downsampleOhlc({ xs, open, high, low, close }, 100);
    expect(out.xs.length).toBeLessThanOrEqual(102);
    expect(out.open[0]).toBe(0);
    expect(out.low[0]).toBe(-1);
    expect(Math.max(...out.high)).toBe(99_999);
    expect(out.close[out.close.length - 1]).toBe(n - 1 + 0.5);
  });
});

describe('search helpers', () => {
  it('finds bounds in an ascending array', () => {
    const xs = [1, 3, 3, 5, 9];
    expect(lowerBound(xs, 3)).toBe(1);
    expect(lowerBound(xs, 4)).toBe(3);
    expect(lowerBound(xs, 10)).toBe(5);
    expect(visibleRange(xs, 3, 5)).toEqual([1, 4]);
  });
});

describe('pickColumn', () => {
  const xs = Float64Array.from({ length: 10 }, (_, i) => i * 60);
  const values = [null, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  it('takes the value at each kept point of a min/max line', () => {
    expect(pickColumn(xs, values, [0, 120, 540], 'point')).toEqual([null, 2, 9]);
  });
  it("takes the value at the last point of each candle's column", () => {
    expect(pickColumn(xs, values, [0, 180, 360], 'lastOfColumn')).toEqual([2, 5, 9]);
  });
});

describe('downsampleAlignedMinMax', () => {
  it('keeps every series on one x column, at most two points per pixel column, with each series its own spikes', () => {
    const xs = ramp(100_000, (i) => i * 60);
    const a = ramp(100_000, () => 1);
    const b = ramp(100_000, (i) => i / 1000);
    a[54_321] = 1_000;
    b[12_345] = -500;
    const out = downsampleAlignedMinMax({ xs, ys: [a, b] }, 300);
    expect(out.xs.length).toBeLessThanOrEqual(2 * 300 + 2);
    expect(out.ys.every((y) => y.length === out.xs.length)).toBe(true);
    expect(Math.max(...out.ys[0]!)).toBe(1_000);
    expect(Math.min(...out.ys[1]!)).toBe(-500);
    // The last point (the final value) stays.
    expect(out.xs[out.xs.length - 1]).toBe(xs[xs.length - 1]);
    expect(out.ys[1]![out.xs.length - 1]).toBe(b[b.length - 1]);
    for (let i = 1; i < out.xs.length; i += 1) expect(out.xs[i]!).toBeGreaterThan(out.xs[i - 1]!);
  });

  it('returns series that already fit unchanged', () => {
    const xs = ramp(10, (i) => i);
    const series = { xs, ys: [ramp(10, (i) => i * 2)] };
    expect(downsampleAlignedMinMax(series, 300)).toBe(series);
  });
});
