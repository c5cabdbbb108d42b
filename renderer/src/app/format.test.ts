import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBound, formatCount, formatCountOf, formatRange } from './format.js';

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

describe('formatRange', () => {
  it('names open ends, shows whole days as the days included, other ends as exclusive', () => {
    const jan = Date.UTC(2025, 0, 1);
    const feb = Date.UTC(2025, 1, 1);
    expect(formatRange(null, null)).toBe('all stored bars');
    expect(formatRange(jan, feb)).toBe('2025-01-01 → 2025-01-31');
    expect(formatRange(jan, jan + 86_400_000)).toBe('2025-01-01 → 2025-01-01');
    expect(formatRange(jan, null)).toBe('2025-01-01 → last bar');
    expect(formatRange(undefined, feb)).toBe('first bar → 2025-01-31');
    expect(formatRange(jan, Date.UTC(2025, 1, 1, 12, 30))).toBe('2025-01-01 00:00 → 2025-02-01 12:30 (excl.)');
    expect(formatRange(Date.UTC(2025, 0, 1, 9, 30), null)).toBe('2025-01-01 09:30 → last bar');
  });
});

describe('formatCountOf', () => {
  it('takes the singular only for one', () => {
    expect(formatCountOf(1, 'run')).toBe('1 run');
    expect(formatCountOf(0, 'run')).toBe('0 runs');
    expect(formatCountOf(2500, 'strategy', 'strategies')).toBe('2,500 strategies');
  });
});

describe('formatBound', () => {
  it('writes whole millions and up short, groups thousands, keeps decimals', () => {
    expect(formatBound(1e12)).toBe('1T');
    expect(formatBound(2_500_000)).toBe('2,500,000');
    expect(formatBound(5e6)).toBe('5M');
    expect(formatBound(10_000)).toBe('10,000');
    expect(formatBound(0.01)).toBe('0.01');
    expect(formatBound(1)).toBe('1');
  });
});
