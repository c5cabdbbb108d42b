import { describe, expect, it } from 'vitest';
import { BAR_FIELDS, type BarColumns } from '../../domain/market/bars.js';
import { barsFromCloses } from '../../domain/test-kit/bars.js';
import { allocateUninitialisedBars, copyChunkRange, decodeChunk, encodeChunk } from './chunk-codec.js';

const plain = (bars: BarColumns) => Object.fromEntries(BAR_FIELDS.map((f) => [f, Array.from(bars[f])]));

/** Bars whose every field differs, so a column copied into the wrong place shows. */
function distinctBars(n: number): BarColumns {
  const bars = barsFromCloses(Array.from({ length: n }, (_, i) => 100 + i));
  for (let i = 0; i < n; i++) {
    bars.open[i] = 1000 + i;
    bars.high[i] = 2000 + i;
    bars.low[i] = 3000 + i;
    bars.volume[i] = 4000 + i;
  }
  return bars;
}

describe('chunk codec', () => {
  it('round-trips a chunk and copies any range of it into place', () => {
    const bars = distinctBars(10);
    const blob = encodeChunk(bars, 2, 9); // 7 bars
    expect(plain(decodeChunk(blob, 7))).toEqual(plain(Object.fromEntries(BAR_FIELDS.map((f) => [f, bars[f].subarray(2, 9)])) as unknown as BarColumns));
    const out = allocateUninitialisedBars(5);
    copyChunkRange(blob, 7, 1, 6, out, 0);
    expect(plain(out)).toEqual(plain(Object.fromEntries(BAR_FIELDS.map((f) => [f, bars[f].subarray(3, 8)])) as unknown as BarColumns));
  });

  it('copies from a BLOB that is not 8-byte aligned (bytewise fallback)', () => {
    const bars = distinctBars(6);
    const aligned = encodeChunk(bars, 0, 6);
    const backing = Buffer.alloc(aligned.length + 3);
    aligned.copy(backing, 3);
    const unaligned = backing.subarray(3);
    expect(unaligned.byteOffset % 8).not.toBe(0);
    const out = allocateUninitialisedBars(8);
    copyChunkRange(unaligned, 6, 0, 4, out, 0);
    copyChunkRange(aligned, 6, 2, 6, out, 4);
    for (const f of BAR_FIELDS) expect(Array.from(out[f])).toEqual([...Array.from(bars[f].subarray(0, 4)), ...Array.from(bars[f].subarray(2, 6))]);
  });

  it('allocates six separate columns of the requested length over one buffer', () => {
    const out = allocateUninitialisedBars(4);
    for (const f of BAR_FIELDS) expect(out[f]).toBeInstanceOf(Float64Array);
    for (const f of BAR_FIELDS) expect(out[f].length).toBe(4);
    BAR_FIELDS.forEach((f, k) => out[f].fill(k));
    BAR_FIELDS.forEach((f, k) => expect(Array.from(out[f])).toEqual([k, k, k, k]));
    expect(allocateUninitialisedBars(0).ts.length).toBe(0);
  });
});
