import { describe, expect, it } from 'vitest';
import { barsFromRows } from '../test-kit/bars.js';
import { resampleBars } from './resample.js';

const T0 = Date.UTC(2024, 0, 1, 0, 0);
const minute = 60_000;

/** Straightforward reference: group rows into objects by bucket, then aggregate. */
function referenceResample(rows: { ts: number; open: number; high: number; low: number; close: number; volume: number }[], bucketMs: number) {
  const groups = new Map<number, typeof rows>();
  for (const r of rows) {
    const key = Math.floor(r.ts / bucketMs) * bucketMs;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.entries()].map(([ts, g]) => ({
    ts,
    open: g[0]!.open,
    high: Math.max(...g.map((r) => r.high)),
    low: Math.min(...g.map((r) => r.low)),
    close: g[g.length - 1]!.close,
    volume: g.reduce((s, r) => s + r.volume, 0),
  }));
}

describe('resampleBars', () => {
  const rows = Array.from({ length: 600 }, (_, i) => {
    const base = 100 + Math.sin(i / 7) * 5;
    return { ts: T0 + 3 * minute + i * minute, open: base, high: base + 1 + (i % 3), low: base - 1 - (i % 5), close: base + 0.5, volume: i };
  }).filter((_, i) => i < 200 || i > 260); // a gap

  it.each([
    ['5m', 5],
    ['15m', 15],
    ['1h', 60],
    ['4h', 240],
  ] as const)('matches the reference aggregation for %s', (tf, minutes) => {
    const { bars } = resampleBars(barsFromRows(rows), '1m', tf);
    const expected = referenceResample(rows, minutes * minute);
    expect(Array.from(bars.ts)).toEqual(expected.map((r) => r.ts));
    expect(Array.from(bars.open)).toEqual(expected.map((r) => r.open));
    expect(Array.from(bars.high)).toEqual(expected.map((r) => r.high));
    expect(Array.from(bars.low)).toEqual(expected.map((r) => r.low));
    expect(Array.from(bars.close)).toEqual(expected.map((r) => r.close));
    expect(Array.from(bars.volume)).toEqual(expected.map((r) => r.volume));
  });

  it('aligns buckets to UTC and flags an incomplete trailing bucket', () => {
    const { bars, lastIncomplete } = resampleBars(barsFromRows(rows), '1m', '1h');
    expect(bars.ts[0]! % (60 * minute)).toBe(0);
    expect(lastIncomplete).toBe(true);
    const full = Array.from({ length: 120 }, (_, i) => ({ ts: T0 + i * minute, open: 1, high: 1, low: 1, close: 1 }));
    expect(resampleBars(barsFromRows(full), '1m', '1h').lastIncomplete).toBe(false);
  });

  it('puts a whole UTC day into one 1d bar', () => {
    const day = Array.from({ length: 1440 * 2 }, (_, i) => ({ ts: T0 + i * minute, open: 1, high: 2, low: 0.5, close: 1, volume: 1 }));
    const { bars } = resampleBars(barsFromRows(day), '1m', '1d');
    expect(Array.from(bars.ts)).toEqual([T0, T0 + 86_400_000]);
    expect(Array.from(bars.volume)).toEqual([1440, 1440]);
  });
});
