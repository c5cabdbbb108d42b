import { TIMEFRAMES, timeframeMs, type Timeframe } from './timeframe.js';

/** The spacing of a sample of bars: what a timeframe check compares the chosen timeframe with. */
export interface BarSpacing {
  /** The most common step between consecutive distinct timestamps, in ms. */
  readonly spacingMs: number;
  /** The timeframe whose bar length is `spacingMs`, or null when no stored timeframe has it. */
  readonly timeframe: Timeframe | null;
  /** Timestamps the spacing was measured on. */
  readonly sampleSize: number;
  /** Steps (of sampleSize - 1 at most) equal to `spacingMs`. */
  readonly share: number;
}

/**
 * Returns the typical spacing of `count` timestamps (in any order): the most common
 * step between consecutive distinct sorted timestamps, the smaller one on a tie. The
 * most common step, not the smallest or the mean: daily bars have weekend and holiday
 * steps, minute bars have session gaps, and both leave the bar length the most common
 * step. Null when fewer than two distinct timestamps are given.
 */
export function typicalSpacing(ts: ArrayLike<number>, count = ts.length): BarSpacing | null {
  const sorted = Float64Array.from({ length: count }, (_, i) => ts[i]!).sort();
  const steps = new Map<number, number>();
  let total = 0;
  for (let i = 1; i < sorted.length; i++) {
    const step = sorted[i]! - sorted[i - 1]!;
    if (!(step > 0)) continue;
    steps.set(step, (steps.get(step) ?? 0) + 1);
    total++;
  }
  if (total === 0) return null;
  let best = 0;
  let bestCount = 0;
  for (const [step, seen] of steps) {
    if (seen > bestCount || (seen === bestCount && step < best)) {
      best = step;
      bestCount = seen;
    }
  }
  return { spacingMs: best, timeframe: timeframeOfLength(best), sampleSize: sorted.length, share: bestCount / total };
}

/** Returns the timeframe whose bars last `ms`, or null. */
export function timeframeOfLength(ms: number): Timeframe | null {
  return TIMEFRAMES.find((tf) => timeframeMs(tf) === ms) ?? null;
}

/** Words a spacing for a message: '1d', '3h', '90m', '30s', or ms when it is not whole seconds. */
export function describeSpacing(ms: number): string {
  const units: readonly [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms} ms`;
}
