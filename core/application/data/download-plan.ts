import { bucketCeil, bucketStart, timeframeMs, type Timeframe } from '../../domain/market/timeframe.js';

/** A half-open span of open times [fromTs, toTs). */
export interface Span {
  readonly fromTs: number;
  readonly toTs: number;
}

/** What a download fetches and what it leaves alone. */
export interface DownloadPlan {
  /** The range asked for, on the timeframe's grid, ending at the last closed candle at the latest. */
  readonly range: Span;
  /** The spans to fetch, oldest first. */
  readonly fetch: readonly Span[];
  /** The stored span inside the range that is not fetched again (resume), or null. */
  readonly alreadyStored: Span | null;
}

/**
 * Plans a download of [fromTs, toTs) (toTs defaults to now): only closed candles (the one
 * forming at `now` is left for a later update), and, unless `wholeRange`, only what lies
 * before the first or after the last stored bar, so that a second download continues
 * where the first stopped and an update fetches what is new. Holes inside the stored
 * span are filled by asking for their range with `wholeRange`.
 */
export function planDownload(args: {
  readonly timeframe: Timeframe;
  readonly fromTs: number;
  readonly toTs: number | undefined;
  readonly now: number;
  readonly stored: { readonly firstTs: number; readonly lastTs: number } | null;
  readonly wholeRange: boolean;
}): DownloadPlan {
  const step = timeframeMs(args.timeframe);
  const fromTs = bucketCeil(args.fromTs, args.timeframe);
  // Candles opening before this are closed; a candle opening at bucketStart(now) is still forming.
  const closedEnd = bucketStart(args.now, args.timeframe);
  const toTs = Math.min(args.toTs === undefined ? closedEnd : bucketCeil(args.toTs, args.timeframe), closedEnd);
  const range = { fromTs, toTs: Math.max(fromTs, toTs) };
  if (range.toTs <= range.fromTs) return { range, fetch: [], alreadyStored: null };
  const stored = args.stored;
  if (args.wholeRange || stored === null || stored.lastTs < range.fromTs || stored.firstTs >= range.toTs) {
    return { range, fetch: [range], alreadyStored: null };
  }
  const fetch: Span[] = [];
  if (range.fromTs < stored.firstTs) fetch.push({ fromTs: range.fromTs, toTs: stored.firstTs });
  if (stored.lastTs + step < range.toTs) fetch.push({ fromTs: stored.lastTs + step, toTs: range.toTs });
  const alreadyStored = { fromTs: Math.max(range.fromTs, stored.firstTs), toTs: Math.min(range.toTs, stored.lastTs + step) };
  return { range, fetch, alreadyStored };
}
