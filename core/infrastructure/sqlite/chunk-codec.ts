/**
 * Packing a chunk of bars into one BLOB and back. The BLOB holds the six columns back to
 * back in BAR_FIELDS order (ts, open, high, low, close, volume), each `count` little-endian
 * float64s, so encoding is six memcpys and decoding is a view or one memcpy per column:
 * no per-element work on the read path.
 */
import { BAR_FIELDS, type BarColumns } from '../../domain/market/bars.js';
import { addBarHours, isSessionClosure, SESSION_EVIDENCE_MS } from '../../domain/market/session-closures.js';
import { isSaturdayUtc, isWeekendClosure } from '../../domain/market/weekend-closures.js';

const FIELDS = BAR_FIELDS.length;

/** Packs bars [start, end) into a fresh chunk BLOB. */
export function encodeChunk(bars: BarColumns, start: number, end: number): Buffer {
  const count = end - start;
  const packed = new Float64Array(count * FIELDS);
  for (let f = 0; f < FIELDS; f++) packed.set(bars[BAR_FIELDS[f]!].subarray(start, end), f * count);
  return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
}

/**
 * Returns the columns of a chunk BLOB. Views when the bytes sit in a buffer of their own
 * (better-sqlite3 gives each BLOB one, and 8-byte alignment is needed for Float64Array);
 * otherwise a copy, so callers may keep or transfer the result either way.
 */
export function decodeChunk(blob: Buffer, count: number): BarColumns {
  let packed: Float64Array;
  if (blob.byteOffset === 0 && blob.buffer.byteLength === blob.byteLength) {
    packed = new Float64Array(blob.buffer, 0, count * FIELDS);
  } else {
    packed = new Float64Array(count * FIELDS);
    new Uint8Array(packed.buffer).set(blob.subarray(0, count * FIELDS * 8));
  }
  const column = (f: number) => packed.subarray(f * count, (f + 1) * count);
  return { ts: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
}

/**
 * Fresh columns of `length` bars over one uninitialised ArrayBuffer, each column its own
 * Float64Array view. The caller must write every element before handing them out.
 * Why not allocateBars: on the read path six zero-filled allocations cost about 3 ms
 * per year of minutes (zeroing, or page faults on freshly mapped memory) that a buffer
 * we overwrite entirely does not need (bench/store.ts, docs/STORAGE.md). One buffer for
 * the six columns also means transferring one column's `.buffer` moves all six.
 */
export function allocateUninitialisedBars(length: number): BarColumns {
  const buffer = Buffer.allocUnsafeSlow(length * FIELDS * 8).buffer as ArrayBuffer;
  const column = (f: number) => new Float64Array(buffer, f * length * 8, length);
  return { ts: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
}

/**
 * Columns reused from read to read (a portfolio's windows): `take(n)` returns views of n
 * bars over one buffer, grown only when n outgrows it, so a run's hundreds of windows
 * allocate a few MB once instead of ~250 MB of short-lived buffers (each a push towards a
 * full garbage collection: V8 collects when external memory grows, bench/portfolio.ts).
 * The views of one take are overwritten by the next.
 */
/** Where a read puts its bars: `take(n)` returns columns of n bars to overwrite entirely. */
export interface BarsAllocator {
  take(length: number): BarColumns;
}

/**
 * Fresh columns over one SharedArrayBuffer, as allocateUninitialisedBars lays them out:
 * bars other threads can read without a copy (a sweep's workers share one read).
 * Zero-filled by the runtime; the read overwrites every element anyway.
 */
export const sharedBarsAllocator: BarsAllocator = {
  take(length) {
    const buffer = new SharedArrayBuffer(length * FIELDS * 8);
    const column = (f: number) => new Float64Array(buffer, f * length * 8, length);
    return { ts: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
  },
};

export class ReusableBars implements BarsAllocator {
  private buffer = new ArrayBuffer(0);
  private capacity = 0;

  take(length: number): BarColumns {
    if (length > this.capacity) {
      this.capacity = Math.max(length, Math.ceil(this.capacity * 1.5));
      this.buffer = Buffer.allocUnsafeSlow(this.capacity * FIELDS * 8).buffer as ArrayBuffer;
    }
    const column = (f: number) => new Float64Array(this.buffer, f * this.capacity * 8, length);
    return { ts: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
  }
}

/**
 * Frees a chunk BLOB's memory now (its bytes were copied out) instead of at the next full
 * garbage collection: detaching the ArrayBuffer it owns (ES2024 transfer) releases the
 * memory and V8's count of external bytes at once, and that count is what starts full
 * collections (a portfolio run reads ~250 MB of BLOBs: 7-8 collections of 50-200 ms
 * each before, bench/portfolio.ts). A BLOB that shares its buffer is left alone.
 */
export function releaseChunk(blob: Buffer): void {
  const buffer = blob.buffer;
  if (buffer instanceof ArrayBuffer && blob.byteOffset === 0 && buffer.byteLength === blob.byteLength) buffer.transfer(0);
}

/** Copies bars [from, to) of every column of a chunk BLOB into `target` at `offset`. */
export function copyChunkRange(blob: Buffer, count: number, from: number, to: number, target: BarColumns, offset: number): void {
  if ((blob.byteOffset & 7) === 0) {
    // better-sqlite3 hands each BLOB a malloc'd buffer of its own, so this is the usual
    // case: Float64Array.set between two float64 views is a plain memmove.
    const packed = new Float64Array(blob.buffer, blob.byteOffset, count * FIELDS);
    for (let f = 0; f < FIELDS; f++) target[BAR_FIELDS[f]!].set(packed.subarray(f * count + from, f * count + to), offset);
    return;
  }
  // Byte copies work whatever the Buffer's alignment, and compile to memcpy.
  for (let f = 0; f < FIELDS; f++) {
    const column = target[BAR_FIELDS[f]!];
    const base = f * count;
    new Uint8Array(column.buffer, column.byteOffset + offset * 8, (to - from) * 8).set(blob.subarray((base + from) * 8, (base + to) * 8));
  }
}

/** Index of the first timestamp >= `value` in a chunk BLOB (timestamps are its first column). */
export function lowerBoundInChunk(blob: Buffer, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blob.readDoubleLE(mid * 8) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Stored gap counts count a gap when more than this many bars are missing (the coverage default). */
export const DEFAULT_GAP_THRESHOLD_BARS = 1;

export interface SpacingStats {
  /** Spacings larger than `limitMs`. */
  readonly gapCount: number;
  /** Of those, the ones shaped like a weekday market's weekend closure (domain/market/weekend-closures.ts). */
  readonly weekendClosures: number;
  /** Of those, the ones in the closed hours of the chunk's own open hours (domain/market/session-closures.ts). */
  readonly sessionClosures: number;
  /** The UTC hours the chunk's bars span (bit h for hour h); 0 for daily bars and for chunks spanning under SESSION_EVIDENCE_MS. */
  readonly hourMask: number;
  /** Bars opening on a Saturday, UTC: whether the series trades on weekends is read from these. */
  readonly saturdayBars: number;
  /** Largest spacing between consecutive timestamps (0 for a single bar). */
  readonly maxStepMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Measures the spacing of sorted timestamps [from, to) of bars `stepMs` long. */
export function spacingStats(ts: Float64Array, from: number, to: number, limitMs: number, stepMs: number): SpacingStats {
  // First pass: the chunk's open hours, which the second pass judges its holes by.
  let hourMask = 0;
  let saturdayBars = 0;
  // The whole hours the last marked bar spans: the bars after it inside them add nothing
  // (a year of minutes marks ~9,000 times instead of 525,600: measured 25 -> 5 ms).
  let markedFrom = 0;
  let markedTo = 0;
  for (let i = from; i < to; i++) {
    const t = ts[i]!;
    if (stepMs < DAY_MS && !(t >= markedFrom && t + stepMs <= markedTo)) {
      hourMask = addBarHours(hourMask, t, stepMs);
      markedFrom = Math.floor(t / HOUR_MS) * HOUR_MS;
      markedTo = Math.ceil((t + stepMs) / HOUR_MS) * HOUR_MS;
    }
    if (isSaturdayUtc(t)) saturdayBars++;
  }
  if (to - from < 2 || ts[to - 1]! - ts[from]! < SESSION_EVIDENCE_MS) hourMask = 0;
  let gapCount = 0;
  let weekendClosures = 0;
  let sessionClosures = 0;
  let maxStepMs = 0;
  for (let i = from + 1; i < to; i++) {
    const step = ts[i]! - ts[i - 1]!;
    if (step > maxStepMs) maxStepMs = step;
    if (step > limitMs) {
      gapCount++;
      if (isWeekendClosure(ts[i - 1]!, ts[i]!, stepMs)) weekendClosures++;
      else if (isSessionClosure(ts[i - 1]!, ts[i]!, stepMs, hourMask)) sessionClosures++;
    }
  }
  return { gapCount, weekendClosures, sessionClosures, hourMask, saturdayBars, maxStepMs };
}
