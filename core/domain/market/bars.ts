import { DomainError } from '../errors.js';

/**
 * Bars as columns: one typed array per field, all of one length. Timestamps are the
 * bar's open time in epoch milliseconds UTC (exact in a float64 up to year 287,396).
 * Columnar arrays move between threads as transferables and feed the engine without
 * allocating one object per bar.
 */
export interface BarColumns {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export const BAR_FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BarField = (typeof BAR_FIELDS)[number];

/** The bytes the columns' values take (what a cache of them holds). */
export function barBytes(bars: BarColumns): number {
  return BAR_FIELDS.reduce((n, f) => n + bars[f].byteLength, 0);
}

/** Returns zero-filled columns for `length` bars. */
export function allocateBars(length: number): BarColumns {
  return {
    ts: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

export function barCount(bars: BarColumns): number {
  return bars.ts.length;
}

/** Returns a view (no copy) of bars [start, end). */
export function sliceBars(bars: BarColumns, start: number, end: number): BarColumns {
  return {
    ts: bars.ts.subarray(start, end),
    open: bars.open.subarray(start, end),
    high: bars.high.subarray(start, end),
    low: bars.low.subarray(start, end),
    close: bars.close.subarray(start, end),
    volume: bars.volume.subarray(start, end),
  };
}

/** Concatenates column sets in order into fresh arrays. */
export function concatBars(parts: readonly BarColumns[]): BarColumns {
  const total = parts.reduce((n, p) => n + p.ts.length, 0);
  const out = allocateBars(total);
  let offset = 0;
  for (const part of parts) {
    for (const field of BAR_FIELDS) out[field].set(part[field], offset);
    offset += part.ts.length;
  }
  return out;
}

/** Index of the first bar with ts >= `ts` (binary search over sorted timestamps). */
export function lowerBound(ts: Float64Array, value: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Returns the view of bars with fromTs <= ts < toTs. */
export function rangeOf(bars: BarColumns, fromTs: number, toTs: number): BarColumns {
  return sliceBars(bars, lowerBound(bars.ts, fromTs), lowerBound(bars.ts, toTs));
}

/**
 * Describes what is wrong with one bar, or returns null when it is sound: finite
 * positive prices, low <= min(open, close), high >= max(open, close), volume >= 0.
 */
export function barProblem(open: number, high: number, low: number, close: number, volume: number): string | null {
  if (!Number.isFinite(open) || open <= 0) return `open must be a finite positive price, got ${open}`;
  if (!Number.isFinite(high) || high <= 0) return `high must be a finite positive price, got ${high}`;
  if (!Number.isFinite(low) || low <= 0) return `low must be a finite positive price, got ${low}`;
  if (!Number.isFinite(close) || close <= 0) return `close must be a finite positive price, got ${close}`;
  if (!Number.isFinite(volume) || volume < 0) return `volume must be finite and >= 0, got ${volume}`;
  if (low > Math.min(open, close)) return `low ${low} is above min(open, close) ${Math.min(open, close)}`;
  if (high < Math.max(open, close)) return `high ${high} is below max(open, close) ${Math.max(open, close)}`;
  return null;
}

/** Throws unless the columns are of equal length, strictly increasing in time and sound. */
export function assertValidBars(bars: BarColumns): void {
  const n = bars.ts.length;
  for (const field of BAR_FIELDS) {
    if (bars[field].length !== n) throw new DomainError(`Bar column ${field} has ${bars[field].length} values, expected ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const ts = bars.ts[i] as number;
    if (!Number.isInteger(ts)) throw new DomainError(`Bar ${i}: timestamp ${ts} is not an integer millisecond`);
    if (i > 0 && ts <= (bars.ts[i - 1] as number)) {
      throw new DomainError(`Bar ${i}: timestamp ${ts} is not after the previous bar's ${bars.ts[i - 1]}`);
    }
    const problem = barProblem(
      bars.open[i] as number,
      bars.high[i] as number,
      bars.low[i] as number,
      bars.close[i] as number,
      bars.volume[i] as number,
    );
    if (problem) throw new DomainError(`Bar ${i} at ${new Date(ts).toISOString()}: ${problem}`);
  }
}
