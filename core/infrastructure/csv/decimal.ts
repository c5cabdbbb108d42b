/**
 * Parses a plain decimal `[-+]digits[.digits]` in s[from, end) without making a
 * substring. Exact: with at most 15 significant digits the digits form an integer
 * below 2^53 and the divisor 10^k (k <= 22) is a float64 exactly, so one IEEE
 * division gives the correctly rounded value, the same double Number() returns
 * (Clinger's fast path). Anything else (exponent, blanks, more digits, junk) returns
 * NaN and the caller falls back to Number() on the text. About 3x faster than
 * Number(s.slice(...)) on the import hot path.
 */
export function parsePlainDecimal(s: string, from: number, end: number): number {
  let i = from;
  let negative = false;
  const first = s.charCodeAt(i);
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  let mantissa = 0;
  let digitCount = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  let anyDigit = false;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      anyDigit = true;
      if (mantissa === 0 && c === 48) {
        // Leading zeros add no significant digit.
      } else {
        digitCount++;
        mantissa = mantissa * 10 + (c - 48);
      }
      if (seenPoint) fractionDigits++;
    } else if (c === 46 && !seenPoint) {
      seenPoint = true;
    } else {
      return NaN;
    }
  }
  if (!anyDigit || digitCount > 15 || fractionDigits > 22) return NaN;
  const value = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits]!;
  return negative ? -value : value;
}

const POWERS_OF_TEN: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);
