import { timeframeMs, type Timeframe } from '../../../../core/domain/market/timeframe.js';

/**
 * How many bars of the chosen timeframe the builder previews: enough for a slow average to
 * warm up and cross a few times on any timeframe, few enough to answer while typing. A
 * fixed 30 days was 43,200 minute bars but 22 daily ones (no SMA 10/30 cross could show).
 */
export const PREVIEW_BARS = 500;

/**
 * Returns the range the signal preview covers: the last PREVIEW_BARS bar lengths of the
 * series up to its last bar, never before its first (fewer bars where the market closes).
 */
export function previewRange(series: { readonly timeframe: Timeframe; readonly firstTs: number | null; readonly lastTs: number | null }): { fromTs: number; toTs: number } | null {
  if (series.lastTs === null) return null;
  const fromTs = Math.max(series.firstTs ?? series.lastTs, series.lastTs - (PREVIEW_BARS - 1) * timeframeMs(series.timeframe));
  return { fromTs, toTs: series.lastTs };
}
