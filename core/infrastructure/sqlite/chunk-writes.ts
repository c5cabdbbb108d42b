// Chunks on their way into the store: split, measured and packed before a transaction
// opens, and merged with the stored chunks they overlap. Shared by the one-transaction
// merge (SqliteBarStore.mergeBars) and an import's staged writes.
import { allocateBars, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import { timeframeMs, type Timeframe } from '../../domain/market/timeframe.js';
import { DEFAULT_GAP_THRESHOLD_BARS, encodeChunk, spacingStats } from './chunk-codec.js';

/** A chunk ready to write: its metadata and packed BLOB (encoded before any transaction opens). */
export interface EncodedChunk {
  readonly startTs: number;
  readonly endTs: number;
  readonly barCount: number;
  readonly gapCount: number;
  readonly maxStepMs: number;
  readonly weekendClosures: number;
  readonly saturdayBars: number;
  readonly sessionClosures: number;
  readonly hourMask: number;
  readonly data: Buffer;
}

/** Splits sorted bars into chunks of `chunkBars`, each measured and packed. */
export function encodeChunks(bars: BarColumns, timeframe: Timeframe, chunkBars: number): EncodedChunk[] {
  const step = timeframeMs(timeframe);
  const limit = (DEFAULT_GAP_THRESHOLD_BARS + 1) * step;
  const n = bars.ts.length;
  const out: EncodedChunk[] = [];
  for (let start = 0; start < n; start += chunkBars) {
    const end = Math.min(n, start + chunkBars);
    const stats = spacingStats(bars.ts, start, end, limit, step);
    out.push({ startTs: bars.ts[start]!, endTs: bars.ts[end - 1]!, barCount: end - start, ...stats, data: encodeChunk(bars, start, end) });
  }
  return out;
}

/** The metadata columns of a chunk, in bar_chunks' order from start_ts to hour_mask. */
export function chunkMetaValues(c: EncodedChunk): [number, number, number, number, number, number, number, number, number] {
  return [c.startTs, c.endTs, c.barCount, c.gapCount, c.maxStepMs, c.weekendClosures, c.saturdayBars, c.sessionClosures, c.hourMask];
}

/**
 * Merges stored chunks (in order, non-overlapping) with incoming sorted bars; on equal
 * timestamps the incoming bar wins. With nothing stored, returns `incoming` as is.
 */
export function mergeSorted(stored: readonly BarColumns[], incoming: BarColumns): { merged: BarColumns; replaced: number } {
  if (stored.length === 0) return { merged: incoming, replaced: 0 };
  const storedCount = stored.reduce((s, c) => s + c.ts.length, 0);
  const out = allocateBars(storedCount + incoming.ts.length);
  const n = incoming.ts.length;
  let j = 0; // next incoming bar
  let k = 0; // next output slot
  let replaced = 0;
  const take = (src: BarColumns, i: number) => {
    out.ts[k] = src.ts[i]!;
    out.open[k] = src.open[i]!;
    out.high[k] = src.high[i]!;
    out.low[k] = src.low[i]!;
    out.close[k] = src.close[i]!;
    out.volume[k] = src.volume[i]!;
    k++;
  };
  for (const chunk of stored) {
    for (let i = 0; i < chunk.ts.length; i++) {
      const t = chunk.ts[i]!;
      while (j < n && incoming.ts[j]! < t) take(incoming, j++);
      if (j < n && incoming.ts[j] === t) {
        take(incoming, j++);
        replaced++;
      } else take(chunk, i);
    }
  }
  while (j < n) take(incoming, j++);
  return { merged: sliceBars(out, 0, k), replaced };
}
