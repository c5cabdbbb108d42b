import type { BarColumns } from '../../domain/market/bars.js';
import type { InstrumentId } from '../../domain/market/ids.js';
import { resampleBars } from '../../domain/market/resample.js';
import { bucketCeil, bucketStart, type Timeframe } from '../../domain/market/timeframe.js';
import type { BarStore } from './bar-store.js';

/** Where a timeframe's bars come from: its stored series, or the 1m series resampled. */
export interface SeriesSource {
  readonly timeframe: Timeframe;
  readonly resampled: boolean;
  /** The source series' version: a cache key for answers derived from it. */
  readonly version: number;
}

/**
 * The rule the backtest worker follows (workers/lib/bar-source.ts), so a chart shows the
 * bars a run traded on: the stored series of that timeframe when there is one, else
 * (above 1m) the 1m bars resampled into whole buckets.
 */
export function seriesSource(store: Pick<BarStore, 'seriesVersion'>, instrumentId: InstrumentId, timeframe: Timeframe): SeriesSource {
  const stored = store.seriesVersion(instrumentId, timeframe);
  if (stored !== 0 || timeframe === '1m') return { timeframe, resampled: false, version: stored };
  return { timeframe: '1m', resampled: true, version: store.seriesVersion(instrumentId, '1m') };
}

/** The bars of [fromTs, toTs) by `seriesSource`'s rule: resampled buckets are those whose open lies in the range. */
export function readSeriesBars(store: BarStore, instrumentId: InstrumentId, timeframe: Timeframe, source: SeriesSource, fromTs?: number, toTs?: number): BarColumns {
  if (!source.resampled) return store.readBars(instrumentId, timeframe, fromTs, toTs);
  const from = fromTs === undefined ? undefined : bucketCeil(fromTs, timeframe);
  const to = toTs === undefined ? undefined : bucketCeil(toTs, timeframe);
  return resampleBars(store.readBars(instrumentId, source.timeframe, from, to), source.timeframe, timeframe).bars;
}

/**
 * Where to read from so that `warmUpBars` bars of the series lie before `fromTs` (whole
 * buckets when resampled), by the rule the backtest worker's warm-up follows
 * (workers/lib/bar-source.ts); `fromTs` itself when there is nothing to warm up on.
 */
export function warmUpStart(store: BarStore, instrumentId: InstrumentId, timeframe: Timeframe, source: SeriesSource, fromTs: number | undefined, warmUpBars: number): number | undefined {
  if (fromTs === undefined || !(warmUpBars > 0)) return fromTs;
  const start = source.resampled
    ? store.startOfBarsBefore(instrumentId, source.timeframe, bucketCeil(fromTs, timeframe), warmUpBars, (ts) => bucketStart(ts, timeframe))
    : store.startOfBarsBefore(instrumentId, timeframe, fromTs, warmUpBars);
  return start === null || start >= fromTs ? fromTs : start;
}
