import type uPlot from 'uplot';
import { downsampleMinMax } from '../../charts/downsample.js';

/** How compare lays runs over each other: on one calendar ('date'), or each from its own first bar ('start'). */
export type CompareAlign = 'date' | 'start';

export const isCompareAlign = (value: unknown): value is CompareAlign => value === 'date' || value === 'start';

/** An equity curve as runs/compare answers it: bar open times (epoch ms UTC) and equity. */
export interface CompareCurve {
  readonly ts: readonly number[];
  readonly equity: readonly number[];
}

const DAY_MS = 86_400_000;

/**
 * Whether the curves share a stretch of time: the latest first bar is not after the
 * earliest last bar. Curves without points do not count.
 */
export function curvesOverlap(curves: readonly CompareCurve[]): boolean {
  const spans = curves.filter((c) => c.ts.length > 0).map((c) => [c.ts[0]!, c.ts[c.ts.length - 1]!] as const);
  if (spans.length < 2) return true;
  return Math.max(...spans.map(([first]) => first)) <= Math.min(...spans.map(([, last]) => last));
}

/**
 * The alignment compare opens with: by date where the runs share time, from start where
 * they do not (2024 beside 2025 on one calendar overlaps nothing: two half-empty charts).
 */
export function defaultAlign(curves: readonly CompareCurve[]): CompareAlign {
  return curvesOverlap(curves) ? 'date' : 'start';
}

/**
 * Merges equity curves onto one x axis (the union of their xs, each curve reduced to the
 * pixels first) with gaps as null, as uPlot's aligned data wants. By date x is the bar
 * time in seconds (uPlot's time scale); from start it is days since the curve's own first
 * point (the series come min/max-downsampled, so that point is the first bar or at most
 * one pixel column after it).
 */
export function overlayCurves(curves: readonly CompareCurve[], width: number, align: CompareAlign): uPlot.AlignedData {
  const reduced = curves.map((c) => {
    const first = c.ts[0] ?? 0;
    const xs = align === 'date' ? Float64Array.from(c.ts, (t) => t / 1000) : Float64Array.from(c.ts, (t) => (t - first) / DAY_MS);
    return downsampleMinMax({ xs, ys: Float64Array.from(c.equity) }, width);
  });
  const xs = [...new Set(reduced.flatMap((r) => Array.from(r.xs)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = reduced.map((r) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    r.xs.forEach((x, i) => (column[index.get(x)!] = r.ys[i]!));
    return column;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}
