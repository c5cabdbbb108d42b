import { lowerBound } from '../../domain/market/bars.js';
import { EQUITY_OVERVIEW_POINTS, type EquityCurve, type EquityOverview } from '../runs/run-store.js';

/**
 * Downsampling for charts. A chart a few thousand pixels wide cannot show more than one
 * value per pixel column, so series are reduced on the server to about `maxPoints` points
 * before they cross the transport, keeping each column's extremes so spikes stay visible.
 */

/** Index range [start, end) of sorted `ts` within [fromTs, toTs). */
export function indexRange(ts: Float64Array, fromTs?: number, toTs?: number): [number, number] {
  const start = fromTs === undefined ? 0 : lowerBound(ts, fromTs);
  const end = toTs === undefined ? ts.length : lowerBound(ts, toTs);
  return [start, Math.max(start, end)];
}

/**
 * Calls `visit(from, to)` for each of `buckets` runs of bars of equal count over
 * [start, end) (the last takes the remainder; an empty run is skipped). Every
 * downsampler here cuts its buckets with it, so their buckets line up (lastPerBucket
 * draws indicator lines on the candles downsampleOhlc makes).
 */
export function forEachBucket(start: number, end: number, buckets: number, visit: (from: number, to: number) => void): void {
  const size = (end - start) / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = start + Math.floor(b * size);
    const to = b === buckets - 1 ? end : start + Math.floor((b + 1) * size);
    if (to > from) visit(from, to);
  }
}

export interface OhlcvColumns {
  readonly ts: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
}

export interface OhlcvArrays {
  ts: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/**
 * Aggregates bars [start, end) into at most `buckets` bars of equal bar count: first open,
 * highest high, lowest low, last close, summed volume, the first bar's ts. With
 * `buckets` >= the bar count the bars are copied unchanged.
 */
export function downsampleOhlc(bars: OhlcvColumns, start: number, end: number, buckets: number): OhlcvArrays {
  const count = end - start;
  const out: OhlcvArrays = { ts: [], open: [], high: [], low: [], close: [], volume: [] };
  if (count <= 0) return out;
  if (count <= buckets) {
    for (let i = start; i < end; i++) {
      out.ts.push(bars.ts[i]!);
      out.open.push(bars.open[i]!);
      out.high.push(bars.high[i]!);
      out.low.push(bars.low[i]!);
      out.close.push(bars.close[i]!);
      out.volume.push(bars.volume[i]!);
    }
    return out;
  }
  forEachBucket(start, end, buckets, (from, to) => {
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let i = from; i < to; i++) {
      const h = bars.high[i]!;
      const l = bars.low[i]!;
      if (h > high) high = h;
      if (l < low) low = l;
      volume += bars.volume[i]!;
    }
    out.ts.push(bars.ts[from]!);
    out.open.push(bars.open[from]!);
    out.high.push(high);
    out.low.push(low);
    out.close.push(bars.close[to - 1]!);
    out.volume.push(volume);
  });
  return out;
}

/**
 * Picks the indices of [start, end) to draw `values` with about `maxPoints` points: per
 * bucket the index of its minimum and of its maximum, in time order (one index when they
 * coincide). Returns every index when the range already fits.
 */
export function minMaxIndices(values: ArrayLike<number>, start: number, end: number, maxPoints: number): number[] {
  const count = end - start;
  const out: number[] = [];
  if (count <= 0) return out;
  if (count <= maxPoints) {
    for (let i = start; i < end; i++) out.push(i);
    return out;
  }
  forEachBucket(start, end, Math.max(1, Math.floor(maxPoints / 2)), (from, to) => {
    let minAt = from;
    let maxAt = from;
    for (let i = from + 1; i < to; i++) {
      const v = values[i]!;
      if (v < values[minAt]!) minAt = i;
      if (v > values[maxAt]!) maxAt = i;
    }
    if (minAt === maxAt) out.push(minAt);
    else if (minAt < maxAt) out.push(minAt, maxAt);
    else out.push(maxAt, minAt);
  });
  return out;
}

/** Drawdown from the running peak in percent (<= 0) for each value. */
export function drawdownPct(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const v = equity[i]!;
    if (v > peak) peak = v;
    out[i] = peak > 0 ? ((v - peak) / peak) * 100 : 0;
  }
  return out;
}

/** Reduces a run's whole equity curve to its overview (see EquityOverview). */
export function equityOverview(curve: EquityCurve): EquityOverview {
  const equity = curve.equity;
  const picks = minMaxIndices(equity, 0, equity.length, EQUITY_OVERVIEW_POINTS);
  const out = { ts: new Float64Array(picks.length), equity: new Float64Array(picks.length), drawdown: new Float64Array(picks.length) };
  // The drawdown (as drawdownPct computes it) at the picked points only, from one pass
  // with the running peak: no whole-curve array (42 MB for ten years of minutes).
  let peak = -Infinity;
  let i = 0;
  for (let k = 0; k < picks.length; k++) {
    const at = picks[k]!;
    for (; i <= at; i++) if (equity[i]! > peak) peak = equity[i]!;
    const v = equity[at]!;
    out.ts[k] = curve.ts[at]!;
    out.equity[k] = v;
    out.drawdown[k] = peak > 0 ? ((v - peak) / peak) * 100 : 0;
  }
  return { ...out, sourcePoints: equity.length };
}
