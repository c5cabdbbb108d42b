import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finerPriceDecimals, MAX_PRICE_DECIMALS, priceDecimals, priceTickOfDecimals } from './price-precision.js';

describe('priceDecimals', () => {
  it('reads the decimals a price is quoted with', () => {
    expect(priceDecimals(1.07214)).toBe(5);
    expect(priceDecimals(1.08977)).toBe(5);
    expect(priceDecimals(100.34)).toBe(2);
    expect(priceDecimals(101.3)).toBe(1);
    expect(priceDecimals(100)).toBe(0);
    expect(priceDecimals(1_000_000.5)).toBe(1);
    expect(priceDecimals(0.00000123)).toBe(8);
    expect(priceDecimals(0.000000001)).toBe(MAX_PRICE_DECIMALS);
    expect(priceDecimals(-2.5)).toBe(1);
    for (const v of [0, NaN, Infinity]) expect(priceDecimals(v)).toBe(0);
  });

  it('leaves binary noise out', () => {
    expect(priceDecimals(1.0999999999)).toBe(1);
    expect(priceDecimals(368.8799999999987)).toBe(2);
    expect(priceDecimals(0.1 + 0.2)).toBe(1);
    expect(priceDecimals(9.9999999)).toBe(0);
    expect(priceDecimals(1.0000001)).toBe(0);
    // Five zeros in a row are still digits.
    expect(priceDecimals(1.00000123)).toBe(8);
  });

  it('gives back k for a price written with k decimals whose last digit is not 0 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999 }), fc.integer({ min: 0, max: MAX_PRICE_DECIMALS }), (whole, k) => {
        fc.pre(whole % 10 !== 0);
        // Digits with no run of six 0s or 9s, as a quote has.
        fc.pre(!/0{6}|9{6}/.test(String(whole)));
        const text = k === 0 ? String(whole) : `${Math.floor(whole / 10 ** k)}.${String(whole % 10 ** k).padStart(k, '0')}`;
        expect(priceDecimals(Number(text))).toBe(k);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('finerPriceDecimals', () => {
  it('is the larger of the decimals seen and those of the value (property)', () => {
    const price = fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 10 })).map(([n, k]) => n / 10 ** k);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_PRICE_DECIMALS }), fc.oneof(price, fc.double({ min: 1e-6, max: 1e9, noNaN: true })), (seen, value) => {
        expect(finerPriceDecimals(seen, value)).toBe(Math.max(seen, priceDecimals(value)));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('priceTickOfDecimals', () => {
  it('is one unit of the last decimal, parsed exactly', () => {
    expect(priceTickOfDecimals(5)).toBe(0.00001);
    expect(priceTickOfDecimals(2)).toBe(0.01);
    expect(priceTickOfDecimals(0)).toBe(1);
    expect(priceTickOfDecimals(20)).toBe(1e-8);
  });
});
