import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from './format.js';

describe('formatCount', () => {
  it('groups digits as Intl en-US does, for any whole number (property)', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.maxSafeInteger(), fc.double({ min: -1e15, max: 1e15, noNaN: true })), (value) => {
        const expected = intl.format(Math.round(value));
        expect(formatCount(value)).toBe(expected === '-0' ? '0' : expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('shows a dash for missing or non-finite values', () => {
    for (const value of [null, undefined, Number.NaN, Infinity]) expect(formatCount(value)).toBe('—');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
  });
});
