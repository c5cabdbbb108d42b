import { describe, expect, it } from 'vitest';
import type { BacktestMetrics } from '../engine/metrics.js';
import { efficiencyRatio, stitchOutOfSample, walkForwardWindows } from './walk-forward.js';

const DAY = 86_400_000;

describe('walk-forward windows', () => {
  it('rolling: fixed in-sample length, out-of-sample right after, tiling to the end', () => {
    const w = walkForwardWindows(0, 100 * DAY, { inSampleMs: 30 * DAY, outOfSampleMs: 20 * DAY, anchored: false });
    expect(w.map((x) => [x.inSample.fromTs / DAY, x.inSample.toTs / DAY, x.outOfSample.fromTs / DAY, x.outOfSample.toTs / DAY])).toEqual([
      [0, 30, 30, 50],
      [20, 50, 50, 70],
      [40, 70, 70, 90],
      [60, 90, 90, 100],
    ]);
    for (const x of w) expect(x.inSample.toTs).toBeLessThanOrEqual(x.outOfSample.fromTs);
  });

  it('anchored: in-sample always starts at the first bar', () => {
    const w = walkForwardWindows(0, 100 * DAY, { inSampleMs: 30 * DAY, outOfSampleMs: 20 * DAY, anchored: true, stepMs: 35 * DAY });
    expect(w.map((x) => [x.inSample.fromTs / DAY, x.inSample.toTs / DAY, x.outOfSample.toTs / DAY])).toEqual([
      [0, 30, 50],
      [0, 65, 85],
    ]);
  });

  it('rejects data shorter than one window, saying what one needs', () => {
    expect(() => walkForwardWindows(0, 10 * DAY, { inSampleMs: 30 * DAY, outOfSampleMs: 5 * DAY, anchored: false })).toThrow(
      'The data spans 10 days, shorter than one window: 30 days in-sample plus at least 2.5 days out-of-sample',
    );
    // A year of data, a year in-sample: the 10 hours left are not an out-of-sample test.
    expect(() => walkForwardWindows(0, 365 * DAY + 10 * 3_600_000, { inSampleMs: 365 * DAY, outOfSampleMs: 90 * DAY, anchored: false })).toThrow(/shorter than one window/);
  });

  it('drops a last out-of-sample range the data cuts below half its length, keeps one of half or more', () => {
    const ends = (endDays: number) => walkForwardWindows(0, endDays * DAY, { inSampleMs: 30 * DAY, outOfSampleMs: 20 * DAY, anchored: false }).map((x) => x.outOfSample.toTs / DAY);
    expect(ends(99)).toEqual([50, 70, 90]); // 90 -> 99: 9 days of 20, dropped
    expect(ends(100)).toEqual([50, 70, 90, 100]); // 10 of 20: kept
    expect(ends(109)).toEqual([50, 70, 90, 109]);
  });
});

describe('stitching', () => {
  const metrics = (exposurePct: number) => ({ exposurePct, totalFees: 0, buyAndHoldReturnPct: 0 }) as unknown as BacktestMetrics;
  it('chains each segment from the previous ending equity', () => {
    const a = { ts: Float64Array.of(0, DAY), equity: Float64Array.of(1100, 1200), trades: [], metrics: metrics(0) };
    const b = { ts: Float64Array.of(2 * DAY, 3 * DAY), equity: Float64Array.of(900, 1500), trades: [], metrics: metrics(0) };
    const s = stitchOutOfSample([a, b], 1000, DAY);
    expect(Array.from(s.equity)).toEqual([1100, 1200, 1080, 1800]);
    expect(s.metrics.totalReturnPct).toBeCloseTo(80, 9);
    expect(s.metrics.maxDrawdownPct).toBeCloseTo(-10, 9);
  });

  it('efficiency ratio is OOS / IS annualized, null when IS is not positive', () => {
    expect(efficiencyRatio(10, 20)).toBe(0.5);
    expect(efficiencyRatio(10, 0)).toBeNull();
    expect(efficiencyRatio(null, 5)).toBeNull();
  });
});
