import { excerpt } from './excerpt.js';
/**
 * Timestamp parsing for CSV bars. A file uses one timestamp format throughout: the
 * first data row fixes it (text date/time, or epoch seconds / milliseconds /
 * microseconds chosen by magnitude) and any row in another format is an error, so a
 * file that mixes seconds and milliseconds cannot silently land in 1970.
 */

export type TimestampFormat = 'iso' | 'epoch-s' | 'epoch-ms' | 'epoch-us';

/** Result of parsing one field: epoch ms, or a message saying what is wrong. */
export type TimestampResult = { readonly ok: true; readonly ts: number } | { readonly ok: false; readonly message: string };

const EPOCH_FACTOR: Readonly<Record<Exclude<TimestampFormat, 'iso'>, number>> = {
  'epoch-s': 1000,
  'epoch-ms': 1,
  'epoch-us': 0.001,
};

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;

/**
 * Picks the epoch unit from a value's magnitude. Thresholds sit at 1e11 and 1e14:
 * seconds stay below 1e11 until the year 5138, milliseconds pass 1e11 in March 1973
 * and stay below 1e14 until the year 5138, microseconds are above 1e14 after 1973.
 */
export function epochFormatOf(value: number): Exclude<TimestampFormat, 'iso'> | null {
  const abs = Math.abs(value);
  if (abs < 1e11) return 'epoch-s';
  if (abs < 1e14) return 'epoch-ms';
  if (abs < 1e17) return 'epoch-us';
  return null;
}

/** Says which format a timestamp field is written in, or null when it is neither. */
export function detectTimestampFormat(text: string): TimestampFormat | null {
  const t = text.trim();
  if (NUMERIC.test(t)) return epochFormatOf(Number(t));
  return parseIsoLike(t, 0, t.length) === null ? null : 'iso';
}

/** Parses a field in the file's format into epoch ms UTC; `show` quotes the field in a message. */
export function parseTimestamp(text: string, format: TimestampFormat, show: (text: string) => string = excerpt): TimestampResult {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'timestamp is empty' };
  if (format === 'iso') {
    const ts = parseIsoLike(t, 0, t.length);
    if (ts !== null) return { ok: true, ts };
    if (NUMERIC.test(t)) return { ok: false, message: `timestamp ${show(t)} is an epoch number, but this file uses date/time text` };
    return { ok: false, message: `timestamp ${show(t)} is not a recognised date/time` };
  }
  if (!NUMERIC.test(t)) {
    const hint = parseIsoLike(t, 0, t.length) === null ? 'is not a number' : 'is date/time text, but this file uses epoch numbers';
    return { ok: false, message: `timestamp ${show(t)} ${hint}` };
  }
  const value = Number(t);
  const own = epochFormatOf(value);
  if (own !== format) {
    return { ok: false, message: `timestamp ${show(t)} looks like ${own ?? 'no epoch unit'}, but this file uses ${format} (mixed timestamp formats)` };
  }
  return { ok: true, ts: Math.round(value * EPOCH_FACTOR[format]) };
}

const D0 = 48;

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - D0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS[.fff...]]` with an optional `Z` or
 * `±HH[:MM]` zone (no zone means UTC). Hand-written rather than `Date.parse`
 * because Date.parse reads a zoneless date-time as local time and accepts many
 * loose forms; this reads only the layouts above, exactly, and in about half the time.
 * Reads s[from, len) so the hot path needs no substring. Returns null when the text
 * is not one of those layouts or names an impossible date.
 */
export function parseIsoLike(s: string, from: number, len: number): number | null {
  if (len - from < 10 || s.charCodeAt(from + 4) !== 45 || s.charCodeAt(from + 7) !== 45) return null;
  const year = digits(s, from, 4);
  const month = digits(s, from + 5, 2);
  const day = digits(s, from + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let i = from + 10;
  if (i < len) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 && sep !== 32) return null; // 'T' or ' '
    if (len < i + 6 || s.charCodeAt(i + 3) !== 58) return null;
    hour = digits(s, i + 1, 2);
    minute = digits(s, i + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
    i += 6;
    if (i < len && s.charCodeAt(i) === 58) {
      second = digits(s, i + 1, 2);
      if (second < 0 || second > 59) return null;
      i += 3;
      if (i < len && s.charCodeAt(i) === 46) {
        // Fraction: keep milliseconds, ignore finer digits (bars are ms-resolution).
        let j = i + 1;
        let frac = 0;
        let scale = 100;
        while (j < len) {
          const d = s.charCodeAt(j) - D0;
          if (d < 0 || d > 9) break;
          frac += d * scale;
          scale /= 10;
          j++;
        }
        if (j === i + 1) return null;
        ms = Math.floor(frac);
        i = j;
      }
    }
  }
  let offsetMinutes = 0;
  if (i < len) {
    const z = s.charCodeAt(i);
    if (z === 90 && i === len - 1) {
      // 'Z'
    } else if (z === 43 || z === 45) {
      const sign = z === 43 ? 1 : -1;
      const rest = s.slice(i + 1, len);
      const m = /^(\d{2}):?(\d{2})?$/.exec(rest);
      if (!m) return null;
      offsetMinutes = sign * (Number(m[1]) * 60 + Number(m[2] ?? 0));
    } else {
      return null;
    }
  }
  // Date.UTC rolls 2023-02-30 over into March; an impossible date is an error, not a shift.
  if (day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
 * Integer arithmetic instead of Date.UTC, which was the largest single cost of
 * parsing ISO timestamps on the import hot path.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
