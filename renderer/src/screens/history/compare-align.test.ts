import { describe, expect, it } from 'vitest';
import { curvesOverlap, defaultAlign, overlayCurves } from './compare-align.js';

const DAY = 86_400_000;

/** A daily equity curve of `days` points from `start` (epoch ms), rising by `step` a day. */
const curve = (start: number, days: number, step = 1) => ({
  ts: Array.from({ length: days }, (_, i) => start + i * DAY),
  equity: Array.from({ length: days }, (_, i) => 10_000 + i * step),
});

describe('compare alignment', () => {
  const y2024 = curve(Date.UTC(2024, 0, 1), 30);
  const y2025 = curve(Date.UTC(2025, 0, 1), 20, 2);
  const lateJan2024 = curve(Date.UTC(2024, 0, 20), 30);

  it('opens by date where the runs share time and from start where they do not', () => {
    expect(curvesOverlap([y2024, lateJan2024])).toBe(true);
    expect(defaultAlign([y2024, lateJan2024])).toBe('date');
    expect(curvesOverlap([y2024, y2025])).toBe(false);
    expect(defaultAlign([y2024, y2025])).toBe('start');
    // Three runs: two overlap, the third shares no time with the first: no common stretch.
    expect(defaultAlign([y2024, lateJan2024, y2025])).toBe('start');
    // A run ending on the bar before another's first touches it, no more.
    expect(curvesOverlap([curve(Date.UTC(2024, 0, 1), 10), curve(Date.UTC(2024, 0, 11), 10)])).toBe(false);
    expect(curvesOverlap([y2024, { ts: [], equity: [] }])).toBe(true);
  });

  it('by date lays both on one calendar: a year apart, nothing overlaps', () => {
    const [xs, a, b] = overlayCurves([y2024, y2025], 1200, 'date');
    expect(xs).toHaveLength(50);
    expect(xs[0]).toBe(Date.UTC(2024, 0, 1) / 1000); // seconds, uPlot's time scale
    expect(Array.from(a!).filter((v) => v !== null)).toHaveLength(30);
    expect(Array.from(b!).slice(0, 30).every((v) => v === null)).toBe(true);
  });

  it("from start puts each run's first bar at day 0, x in days, so runs of different years overlap", () => {
    const [xs, a, b] = overlayCurves([y2024, y2025], 1200, 'start');
    expect(Array.from(xs)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(a).toEqual(y2024.equity);
    expect(b!.slice(0, 20)).toEqual(y2025.equity);
    expect(Array.from(b!).slice(20).every((v) => v === null)).toBe(true);
    // Minute bars starting at different times of day still share day 0.
    const minutes = (start: number) => ({ ts: [start, start + 60_000, start + 120_000], equity: [1, 2, 3] });
    const [mxs, m1, m2] = overlayCurves([minutes(Date.UTC(2024, 5, 3, 9, 30)), minutes(Date.UTC(2025, 5, 3, 14, 0))], 1200, 'start');
    expect(Array.from(mxs)).toEqual([0, 60_000 / DAY, 120_000 / DAY]);
    expect([m1, m2]).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });
});
