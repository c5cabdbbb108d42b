import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvNumber, formatBound, formatCount, formatCountOf, formatPrice, formatQuantity, formatRange } from './format.js';

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

describe('formatPrice', () => {
  it('shows the decimals a price has: at least 2, up to 8, trailing zeros trimmed past the 2nd', () => {
    expect(formatPrice(1.08977)).toBe('1.08977');
    expect(formatPrice(101.03)).toBe('101.03');
    expect(formatPrice(100)).toBe('100.00');
    expect(formatPrice(100.5)).toBe('100.50');
    expect(formatPrice(42_000.1)).toBe('42,000.10');
    expect(formatPrice(0.00000123)).toBe('0.00000123');
    expect(formatPrice(368.8799999999987)).toBe('368.88');
    expect(formatPrice(1.0999999999)).toBe('1.10');
    for (const value of [null, undefined, Number.NaN]) expect(formatPrice(value)).toBe('—');
  });

  it('reads back as the price to 8 decimals (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), fc.integer({ min: 0, max: 8 }), (units, decimals) => {
        const price = units / 10 ** decimals;
        const text = formatPrice(price);
        expect(Number(text.replace(/,/g, ''))).toBeCloseTo(price, 8);
        expect(text).toMatch(/\.\d{2,8}$/);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('formatQuantity', () => {
  it('shows whole quantities without decimals and fractions as they are', () => {
    expect(formatQuantity(53)).toBe('53');
    expect(formatQuantity(1_500)).toBe('1,500');
    expect(formatQuantity(0.00123)).toBe('0.00123');
    expect(formatQuantity(0.00001)).toBe('0.00001');
    expect(formatQuantity(2.5)).toBe('2.5');
    expect(formatQuantity(null)).toBe('—');
  });
});

describe('csvNumber', () => {
  it('writes numbers without float noise', () => {
    expect(csvNumber(368.8799999999987)).toBe('368.88');
    expect(csvNumber(0.1 + 0.2)).toBe('0.3');
    expect(csvNumber(1.08977)).toBe('1.08977');
    expect(csvNumber(-0.0000000000001)).toBe('0');
    expect(csvNumber(-12.5)).toBe('-12.5');
    expect(csvNumber(Number.NaN)).toBe('');
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
