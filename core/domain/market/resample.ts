import { allocateBars, type BarColumns } from './bars.js';
import { bucketStart, timeframeMs, type Timeframe } from './timeframe.js';

export interface ResampledBars {
  readonly bars: BarColumns;
  /** True when the last bucket's span reaches past the last source bar (still forming). */
  readonly lastIncomplete: boolean;
}

/**
 * Aggregates bars into UTC-aligned buckets of `target`: open of the first bar, max high,
 * min low, close of the last bar, summed volume. Buckets with no source bars are absent.
 * `sourceTf` is the source spacing, used to tell whether the trailing bucket is complete.
 */
export function resampleBars(source: BarColumns, sourceTf: Timeframe, target: Timeframe): ResampledBars {
  const n = source.ts.length;
  if (n === 0) return { bars: allocateBars(0), lastIncomplete: false };
  const { ts, open, high, low, close, volume } = source;
  // First pass counts buckets so the output is allocated once.
  let buckets = 0;
  let current = Number.NaN;
  for (let i = 0; i < n; i++) {
    const b = bucketStart(ts[i] as number, target);
    if (b !== current) {
      buckets++;
      current = b;
    }
  }
  const out = allocateBars(buckets);
  let k = -1;
  current = Number.NaN;
  for (let i = 0; i < n; i++) {
    const b = bucketStart(ts[i] as number, target);
    if (b !== current) {
      k++;
      current = b;
      out.ts[k] = b;
      out.open[k] = open[i] as number;
      out.high[k] = high[i] as number;
      out.low[k] = low[i] as number;
      out.volume[k] = 0;
    } else {
      if ((high[i] as number) > (out.high[k] as number)) out.high[k] = high[i] as number;
      if ((low[i] as number) < (out.low[k] as number)) out.low[k] = low[i] as number;
    }
    out.close[k] = close[i] as number;
    out.volume[k] = (out.volume[k] as number) + (volume[i] as number);
  }
  const lastSourceEnd = (ts[n - 1] as number) + timeframeMs(sourceTf);
  const lastBucketEnd = (out.ts[buckets - 1] as number) + timeframeMs(target);
  return { bars: out, lastIncomplete: lastBucketEnd > lastSourceEnd };
}
