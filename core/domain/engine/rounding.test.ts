import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundDownQuantity, roundToTick } from './rounding.js';

/** Decimals of each tick tested: 1e-8 .. 1, with ticks that are not powers of ten. */
const DECIMALS = new Map([[1e-8, 8], [1e-7, 7], [1e-6, 6], [1e-5, 5], [1e-4, 4], [0.001, 3], [0.01, 2], [0.05, 2], [0.1, 1], [0.25, 2], [0.5, 1], [1, 0]]);
const TICKS = [...DECIMALS.keys()];

/** The double nearest the decimal k x tick: how an on-tick price arrives from a CSV. */
const onTick = (k: number, tick: number): number => Number((k * tick).toFixed(DECIMALS.get(tick) ?? 8));
const MAX_PRICE = 1e7;

describe('roundToTick', () => {
  it('leaves every on-tick price where it is, for ticks 1e-8..1 and prices up to 1e7 (buys and sells)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TICKS), fc.double({ min: 0, max: 1, noNaN: true }), (tick, fraction) => {
        const k = Math.max(1, Math.round(fraction * (MAX_PRICE / tick)));
        const price = onTick(k, tick);
        expect(roundToTick(price, tick, true)).toBe(price);
        expect(roundToTick(price, tick, false)).toBe(price);
      }),
      { numRuns: 5000 },
    );
  });

  it('moves an off-tick price to the next tick against the trader: buys up, sells down', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TICKS), fc.double({ min: 0, max: 1, noNaN: true }), (tick, fraction) => {
        const k = Math.max(1, Math.round(fraction * (MAX_PRICE / tick)));
        // Half a tick off, as the nearest double to that decimal: resolvable at any count.
        const price = Number(((k + 0.5) * tick).toFixed((DECIMALS.get(tick) ?? 8) + 1));
        expect(roundToTick(price, tick, true)).toBe(onTick(k + 1, tick));
        expect(roundToTick(price, tick, false)).toBe(onTick(k, tick));
      }),
      { numRuns: 5000 },
    );
  });

  it('holds at the extremes: the top price on the finest tick and the smallest on the coarsest', () => {
    for (const price of [9_999_999.99999999, 9_999_999.99999998, 1e7, 0.00000001, 0.00000002]) {
      expect(roundToTick(price, 1e-8, true)).toBe(price);
      expect(roundToTick(price, 1e-8, false)).toBe(price);
    }
    expect(roundToTick(Number('9999999.999999995'), 1e-8, true)).toBe(1e7);
    expect(roundToTick(1e7, 1, true)).toBe(1e7);
    expect(roundToTick(1.5, 1, true)).toBe(2);
    expect(roundToTick(1.5, 1, false)).toBe(1);
  });

  it('keeps the prices of the finding: a tick of 0.000001 near 100 (1e8 steps) never moves an on-tick buy', () => {
    let moved = 0;
    for (let k = 100_000_000; k < 100_010_000; k++) {
      const price = onTick(k, 1e-6);
      if (roundToTick(price, 1e-6, true) !== price) moved++;
    }
    expect(moved).toBe(0);
  });
});

describe('roundDownQuantity', () => {
  it('keeps whole steps whole and cuts the rest, for steps 1e-8..1 and quantities up to 1e7', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TICKS), fc.double({ min: 0, max: 1, noNaN: true }), (step, fraction) => {
        const k = Math.max(1, Math.round(fraction * (MAX_PRICE / step)));
        expect(roundDownQuantity(onTick(k, step), step)).toBe(onTick(k, step));
        expect(roundDownQuantity(Number(((k + 0.5) * step).toFixed((DECIMALS.get(step) ?? 8) + 1)), step)).toBe(onTick(k, step));
      }),
      { numRuns: 3000 },
    );
  });
});
