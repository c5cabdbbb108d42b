// The precision a file's prices are quoted in, read from the prices themselves. An
// instrument imported without a price tick got 0.01, and the engine rounds every fill to
// the tick: EUR/USD at 1.08977 filled at 1.09. The tick a file implies is the finest
// decimal any of its prices uses.
//
// Prices arrive as doubles, parsed from text or computed, so a value may carry binary
// noise (368.8799999999987 for 368.88, 1.0999999999 for 1.1). Only the first 15 significant digits of a double are read (what it holds
// exactly), and a run of NOISE_RUN zeros or nines in the fraction ends the digits that
// count: what follows it is noise, and a run of nines rounds the digit before it up.

/** Decimals a price tick is inferred to at most (1e-8, a satoshi). */
export const MAX_PRICE_DECIMALS = 8;
/** Zeros or nines in a row in a price's fraction after which its digits are noise. */
const NOISE_RUN = /0{6}|9{6}/;
const SIGNIFICANT_DIGITS = 15;
const POWERS_OF_TEN: readonly number[] = Array.from({ length: MAX_PRICE_DECIMALS + 1 }, (_, k) => 10 ** k);

/**
 * Returns how many decimals `value` is quoted with, 0..MAX_PRICE_DECIMALS, noise left out:
 * 1.07214 -> 5, 100.34 -> 2, 100 -> 0, 1.0999999999 -> 1, 368.8799999999987 -> 2.
 */
export function priceDecimals(value: number): number {
  if (!Number.isFinite(value) || value === 0) return 0;
  const [mantissa, exponentText] = Math.abs(value).toExponential(SIGNIFICANT_DIGITS - 1).split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  // digits[i] is worth 10^(exponent - i): the fraction starts at i = exponent + 1.
  const fractionStart = Math.max(0, exponent + 1);
  const run = NOISE_RUN.exec(digits.slice(fractionStart));
  let end: number;
  if (run) {
    // The run starts at its first 0 or 9, so the digit before it is not part of it; rounding a run of nines up adds no decimal.
    end = fractionStart + run.index;
  } else {
    end = digits.length;
    while (end > 0 && digits[end - 1] === '0') end--;
  }
  return Math.min(MAX_PRICE_DECIMALS, Math.max(0, end - 1 - exponent));
}

/**
 * Returns the decimals needed for prices quoted with `seenDecimals` and for `value`: the
 * larger of the two. The import calls it on every price; the common case (a price no
 * finer than those seen) is one multiplication and comparison, not a decimal string.
 */
export function finerPriceDecimals(seenDecimals: number, value: number): number {
  if (seenDecimals >= MAX_PRICE_DECIMALS) return MAX_PRICE_DECIMALS;
  const scaled = value * POWERS_OF_TEN[seenDecimals]!;
  // At least one unit and within 1e-7 of a whole number of them: the six digits after the
  // units are zeros or nines, which priceDecimals reads as noise. (Below one unit, leading
  // zeros are not noise: 1e-8 has 8 decimals.)
  if (Math.abs(scaled) >= 1 && Math.abs(scaled - Math.round(scaled)) < 1e-7) return seenDecimals;
  return Math.max(seenDecimals, priceDecimals(value));
}

/** Returns the price tick of prices quoted with `decimals` decimals: 5 -> 0.00001, 0 -> 1. */
export function priceTickOfDecimals(decimals: number): number {
  const d = Math.min(MAX_PRICE_DECIMALS, Math.max(0, Math.round(decimals)));
  // Parsed from text, so 5 gives the double nearest 0.00001 (10 ** -5 is 0.000009999999999999999).
  return Number(`1e-${d}`);
}
