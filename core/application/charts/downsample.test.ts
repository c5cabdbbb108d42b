import { describe, expect, it } from 'vitest';
import { barsFromCloses } from '../../domain/test-kit/bars.js';
import { EQUITY_OVERVIEW_POINTS } from '../runs/run-store.js';
import { downsampleOhlc, drawdownPct, equityOverview, indexRange, minMaxIndices } from './downsample.js';

describe('downsampling for charts', () => {
  it('aggregates OHLC buckets keeping first open, extremes, last close and summed volume', () => {
    const bars = barsFromCloses([10, 12, 8, 11, 30, 9, 10, 10, 10, 10]);
    const out = downsampleOhlc(bars, 0, 10, 3);
    expect(out.ts).toEqual([bars.ts[0], bars.ts[3], bars.ts[6]]);
    expect(out.open).toEqual([bars.open[0], bars.open[3], bars.open[6]]);
    expect(out.high[1]).toBe(Math.max(bars.high[3]!, bars.high[4]!, bars.high[5]!));
    expect(out.low[0]).toBe(Math.min(bars.low[0]!, bars.low[1]!, bars.low[2]!));
    expect(out.close).toEqual([bars.close[2], bars.close[5], bars.close[9]]);
    expect(out.volume[2]).toBe(bars.volume[6]! + bars.volume[7]! + bars.volume[8]! + bars.volume[9]!);
    expect(downsampleOhlc(bars, 2, 5, 10).close).toEqual([8, 11, 30]);
  });

  it('keeps each bucket minimum and maximum in time order within the point budget', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50));
    values[4321] = 100;
    values[7777] = -100;
    const picks = minMaxIndices(values, 0, values.length, 400);
    expect(picks.length).toBeLessThanOrEqual(400);
    expect(picks).toContain(4321);
    expect(picks).toContain(7777);
    expect(picks).toEqual([...picks].sort((a, b) => a - b));
    expect(minMaxIndices(values, 10, 15, 400)).toEqual([10, 11, 12, 13, 14]);
  });

  it('finds index ranges and drawdowns', () => {
    const ts = Float64Array.from([0, 10, 20, 30]);
    expect(indexRange(ts, 10, 30)).toEqual([1, 3]);
    expect(indexRange(ts, 40, 50)).toEqual([4, 4]);
    expect(Array.from(drawdownPct([100, 120, 90, 130]))).toEqual([0, 0, -25, 0]);
  });

  it('gives an equity overview whose drawdown is the whole curve\'s at each picked point, bit for bit', () => {
    // A walk that falls below its first value and recovers: peaks set early and late.
    let x = 1000;
    const equity = Float64Array.from({ length: 50_000 }, (_, i) => (x += Math.sin(i * 0.37) * 7 + Math.cos(i * 0.011) * 3));
    const ts = Float64Array.from({ length: equity.length }, (_, i) => i * 60_000);
    const overview = equityOverview({ ts, equity });
    const whole = drawdownPct(equity);
    const picks = minMaxIndices(equity, 0, equity.length, EQUITY_OVERVIEW_POINTS);
    expect(overview.ts.length).toBeLessThan(equity.length);
    expect(Array.from(overview.ts)).toEqual(picks.map((i) => ts[i]));
    expect(Array.from(overview.drawdown)).toEqual(picks.map((i) => whole[i]));
    expect(Math.min(...overview.drawdown)).toBeLessThan(-1);
  });
});
