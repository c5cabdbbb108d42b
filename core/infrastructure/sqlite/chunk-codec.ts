/**
 * Packing bar columns into BLOBs and back. A column is stored as the raw little-endian
 * bytes of its Float64Array, so encoding is a view and decoding is one memcpy per column:
 * no per-element work on the read path.
 */

/** Returns the bytes of `column` as a Buffer sharing its memory (no copy). */
export function columnBlob(column: Float64Array): Buffer {
  return Buffer.from(column.buffer, column.byteOffset, column.byteLength);
}

/**
 * Returns the BLOB as a Float64Array. A view when the bytes sit 8-byte aligned in a
 * buffer of their own; otherwise (small pooled Buffers can start at any offset) a copy,
 * so callers may keep or transfer the result.
 */
export function float64Column(blob: Buffer): Float64Array {
  const length = blob.byteLength >>> 3;
  if (blob.byteOffset === 0 && blob.buffer.byteLength === blob.byteLength) {
    return new Float64Array(blob.buffer, 0, length);
  }
  const out = new Float64Array(length);
  new Uint8Array(out.buffer).set(blob.subarray(0, length * 8));
  return out;
}

/** Copies values [from, to) of the column stored in `blob` into `target` at `offset`, bytewise. */
export function copyColumn(blob: Buffer, from: number, to: number, target: Float64Array, offset: number): void {
  // Byte copy works whatever the Buffer's alignment, and compiles to memcpy.
  new Uint8Array(target.buffer, target.byteOffset + offset * 8, (to - from) * 8).set(blob.subarray(from * 8, to * 8));
}

/** Index of the first value >= `value` in the ascending float64 column stored in `blob`. */
export function lowerBoundInBlob(blob: Buffer, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blob.readDoubleLE(mid * 8) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface SpacingStats {
  /** Spacings larger than `limitMs`. */
  readonly gapCount: number;
  /** Largest spacing between consecutive timestamps (0 for a single bar). */
  readonly maxStepMs: number;
}

/** Measures the spacing of sorted timestamps [from, to). */
export function spacingStats(ts: Float64Array, from: number, to: number, limitMs: number): SpacingStats {
  let gapCount = 0;
  let maxStepMs = 0;
  for (let i = from + 1; i < to; i++) {
    const step = ts[i]! - ts[i - 1]!;
    if (step > maxStepMs) maxStepMs = step;
    if (step > limitMs) gapCount++;
  }
  return { gapCount, maxStepMs };
}
