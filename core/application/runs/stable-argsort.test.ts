import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableArgsort } from './stable-argsort.js';

/** The order the trades table promises, by a plain comparator sort. */
function reference(values: readonly number[], descending: boolean): number[] {
  const sign = descending ? -1 : 1;
  return values
    .map((_, i) => i)
    .sort((a, b) => {
      const x = values[a]!;
      const y = values[b]!;
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
      return sign * (x - y || 0) || a - b;
    });
}

describe('stableArgsort', () => {
  it('orders like a stable comparator sort: ties in index order, NaN last, -0 equal to 0 (property)', () => {
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity, Number.NaN, 1e-310, -1e-310),
      fc.integer({ min: -3, max: 3 }), // ties
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), fc.boolean(), (values, descending) => {
        expect(Array.from(stableArgsort(Float64Array.from(values), descending))).toEqual(reference(values, descending));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts 200,000 values with every 16-bit digit in play', () => {
    const values = new Float64Array(200_000);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 12.9898) * 43758.5453 - (i % 7);
    const order = stableArgsort(values, true);
    let outOfOrder = 0;
    for (let k = 1; k < order.length; k++) {
      const a = values[order[k - 1]!]!;
      const b = values[order[k]!]!;
      if (!(a > b || (a === b && order[k - 1]! < order[k]!))) outOfOrder++;
    }
    expect(new Set(order).size).toBe(values.length);
    expect(outOfOrder).toBe(0);
  });
});
