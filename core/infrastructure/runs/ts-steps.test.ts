import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTsSteps, encodeTsSteps } from './ts-steps.js';

const minutes = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i * 60_000);

describe('time steps', () => {
  it('stores a year of minutes with gaps as a few triples and gives every value back', () => {
    const start = Date.UTC(2024, 0, 1);
    const ts = Float64Array.from([...minutes(start, 200_000), ...minutes(start + 200_100 * 60_000, 325_000), ...minutes(start + 600_000 * 60_000, 600)]);
    const triples = encodeTsSteps(ts)!;
    expect(triples.length).toBe(9);
    expect(Buffer.from(decodeTsSteps(triples, ts.length).buffer).equals(Buffer.from(ts.buffer))).toBe(true);
  });

  it('refuses series it cannot shrink: one or two points, irregular steps', () => {
    expect(encodeTsSteps(Float64Array.of(5))).toBeNull();
    expect(encodeTsSteps(Float64Array.of(5, 7))).toBeNull();
    expect(decodeTsSteps(encodeTsSteps(Float64Array.of(5, 7, 9, 11))!, 4)).toEqual(Float64Array.of(5, 7, 9, 11));
    expect(encodeTsSteps(new Float64Array(0))).toEqual(new Float64Array(0));
    expect(encodeTsSteps(Float64Array.from([1, 2, 4, 8, 16, 32, 64, 128, 256]))).toBeNull();
  });

  it('is lossless whenever it encodes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.constantFrom(60_000, 300_000, 0.1, 86_400_000)), { minLength: 1, maxLength: 8 }), (segments) => {
        const values: number[] = [];
        let t = 1_700_000_000_000;
        for (const [count, step] of segments) {
          for (let i = 0; i < count; i++) values.push((t += step));
          t += 3 * step;
        }
        const ts = Float64Array.from(values);
        const triples = encodeTsSteps(ts);
        if (triples !== null) expect(decodeTsSteps(triples, ts.length)).toEqual(ts);
      }),
    );
  });

  it('rejects triples that do not add up to the point count', () => {
    expect(() => decodeTsSteps(Float64Array.of(0, 1, 5), 4)).toThrow(/overrun/);
    expect(() => decodeTsSteps(Float64Array.of(0, 1, 3), 4)).toThrow(/give 3 points/);
    expect(() => decodeTsSteps(Float64Array.of(0, 1), 2)).toThrow(/triples/);
  });
});
