/**
 * Reduces series to about one min/max pair per pixel column before drawing, so a chart
 * of a million points costs what a chart of two thousand does and spikes stay visible
 * (a plain stride would drop them). Written by hand: it runs on every zoom and resize
 * over typed arrays, one pass, no allocation per point.
 */

export interface XYSeries {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
}

export interface OhlcSeries {
  readonly xs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/** Returns the index of the first x >= value in an ascending array (binary search). */
export function lowerBound(xs: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Returns the index range [from, to) of the points whose x lies in [xMin, xMax]. */
export function visibleRange(xs: ArrayLike<number>, xMin: number, xMax: number): [number, number] {
  const from = lowerBound(xs, xMin);
  let to = lowerBound(xs, xMax);
  if (to < xs.length && (xs[to] as number) === xMax) to += 1;
  return [from, to];
}

/**
 * Returns at most 2 points per pixel column over [xMin, xMax]: each column keeps its
 * minimum and its maximum, in the order they occur, with their own x. Points outside
 * the range are dropped; the one point either side is kept so lines reach the edges.
 * NaN values (gaps) are kept as they are so the chart can break the line there.
 */
export function downsampleMinMax(series: XYSeries, pixelWidth: number, xMin?: number, xMax?: number): XYSeries {
  const { xs, ys } = series;
  const n = xs.length;
  if (n === 0) return series;
  const lo = xMin ?? (xs[0] as number);
  const hi = xMax ?? (xs[n - 1] as number);
  let [from, to] = visibleRange(xs, lo, hi);
  if (from > 0) from -= 1;
  if (to < n) to += 1;
  const columns = Math.max(1, Math.floor(pixelWidth));
  if (to - from <= columns * 2) return { xs: xs.slice(from, to), ys: ys.slice(from, to) };

  const outX = new Float64Array(columns * 2 + 4);
  const outY = new Float64Array(columns * 2 + 4);
  let out = 0;
  const span = hi - lo || 1;
  let i = from;
  while (i < to) {
    const column = Math.floor((((xs[i] as number) - lo) / span) * columns);
    let minI = i;
    let maxI = i;
    let minV = Infinity;
    let maxV = -Infinity;
    let sawNaN = -1;
    // Consume every point that falls in this column.
    while (i < to && Math.floor((((xs[i] as number) - lo) / span) * columns) === column) {
      const v = ys[i] as number;
      if (v !== v) sawNaN = i;
      else {
        if (v < minV) { minV = v; minI = i; }
        if (v > maxV) { maxV = v; maxI = i; }
      }
      i += 1;
    }
    if (out + 3 > outX.length) break; // Cannot happen for sorted input; guards bad data.
    if (minV === Infinity) {
      outX[out] = xs[sawNaN] as number; outY[out] = NaN; out += 1;
      continue;
    }
    const first = Math.min(minI, maxI);
    const second = Math.max(minI, maxI);
    outX[out] = xs[first] as number; outY[out] = ys[first] as number; out += 1;
    if (second !== first) { outX[out] = xs[second] as number; outY[out] = ys[second] as number; out += 1; }
    if (sawNaN >= 0) { outX[out] = xs[sawNaN] as number; outY[out] = NaN; out += 1; }
  }
  return { xs: outX.subarray(0, out), ys: outY.subarray(0, out) };
}

/**
 * Returns at most one candle per pixel column over [xMin, xMax]: the first open, the
 * highest high, the lowest low and the last close of the bars in the column, at the
 * x of the column's first bar.
 */
export function downsampleOhlc(series: OhlcSeries, pixelWidth: number, xMin?: number, xMax?: number): OhlcSeries {
  const { xs, open, high, low, close } = series;
  const n = xs.length;
  if (n === 0) return series;
  const lo = xMin ?? (xs[0] as number);
  const hi = xMax ?? (xs[n - 1] as number);
  let [from, to] = visibleRange(xs, lo, hi);
  if (from > 0) from -= 1;
  if (to < n) to += 1;
  const columns = Math.max(1, Math.floor(pixelWidth));
  if (to - from <= columns) {
    return { xs: xs.slice(from, to), open: open.slice(from, to), high: high.slice(from, to), low: low.slice(from, to), close: close.slice(from, to) };
  }
  const size = columns + 2;
  const oX = new Float64Array(size);
  const oO = new Float64Array(size);
  const oH = new Float64Array(size);
  const oL = new Float64Array(size);
  const oC = new Float64Array(size);
  let out = 0;
  const span = hi - lo || 1;
  let i = from;
  while (i < to && out < size) {
    const column = Math.floor((((xs[i] as number) - lo) / span) * columns);
    oX[out] = xs[i] as number;
    oO[out] = open[i] as number;
    let h = -Infinity;
    let l = Infinity;
    let c = close[i] as number;
    while (i < to && Math.floor((((xs[i] as number) - lo) / span) * columns) === column) {
      const hv = high[i] as number;
      const lv = low[i] as number;
      if (hv > h) h = hv;
      if (lv < l) l = lv;
      c = close[i] as number;
      i += 1;
    }
    oH[out] = h;
    oL[out] = l;
    oC[out] = c;
    out += 1;
  }
  return { xs: oX.subarray(0, out), open: oO.subarray(0, out), high: oH.subarray(0, out), low: oL.subarray(0, out), close: oC.subarray(0, out) };
}

/**
 * A column of values over `xs` (an indicator beside the bars) for the points a reduction
 * kept (`picked`, ascending, each one of `xs`): with `at: 'point'` the value at that very
 * point (downsampleMinMax keeps points), with `at: 'lastOfColumn'` the value at the last
 * point before the next picked one (downsampleOhlc keeps a column's first x and its last
 * close). Null where the value is missing.
 */
export function pickColumn(xs: ArrayLike<number>, values: readonly (number | null)[], picked: ArrayLike<number>, at: 'point' | 'lastOfColumn'): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(picked.length);
  for (let k = 0; k < picked.length; k++) {
    let index: number;
    if (at === 'point') index = lowerBound(xs, picked[k] as number);
    else index = k + 1 < picked.length ? lowerBound(xs, picked[k + 1] as number) - 1 : xs.length - 1;
    out[k] = values[index] ?? null;
  }
  return out;
}

/** Several series over one x column (uPlot's aligned data): a chart of each instrument's PnL. */
export interface AlignedSeries {
  readonly xs: Float64Array;
  readonly ys: readonly Float64Array[];
}

/**
 * Returns aligned series at most 2 points per pixel column: each column keeps two x
 * values (its first and its last) and every series its minimum and maximum there, in the
 * order they occur, so each line's spikes stay visible while the series still share one x
 * column. A column of one point keeps it as it is.
 */
export function downsampleAlignedMinMax(series: AlignedSeries, pixelWidth: number): AlignedSeries {
  const { xs, ys } = series;
  const n = xs.length;
  const columns = Math.max(1, Math.floor(pixelWidth));
  if (n <= columns * 2) return series;
  const lo = xs[0] as number;
  const span = (xs[n - 1] as number) - lo || 1;
  const outX = new Float64Array(columns * 2 + 2);
  const outYs = ys.map(() => new Float64Array(columns * 2 + 2));
  let out = 0;
  let i = 0;
  while (i < n && out + 2 <= outX.length) {
    const column = Math.floor((((xs[i] as number) - lo) / span) * columns);
    const from = i;
    while (i < n && Math.floor((((xs[i] as number) - lo) / span) * columns) === column) i += 1;
    const last = i - 1;
    outX[out] = xs[from] as number;
    if (last > from) outX[out + 1] = xs[last] as number;
    for (let s = 0; s < ys.length; s++) {
      const values = ys[s]!;
      let minI = from;
      let maxI = from;
      for (let k = from + 1; k <= last; k++) {
        if ((values[k] as number) < (values[minI] as number)) minI = k;
        if ((values[k] as number) > (values[maxI] as number)) maxI = k;
      }
      const target = outYs[s]!;
      target[out] = values[Math.min(minI, maxI)] as number;
      if (last > from) target[out + 1] = values[Math.max(minI, maxI)] as number;
    }
    out += last > from ? 2 : 1;
  }
  return { xs: outX.subarray(0, out), ys: outYs.map((y) => y.subarray(0, out)) };
}
