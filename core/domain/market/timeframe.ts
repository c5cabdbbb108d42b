import { DomainError } from '../errors.js';

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE_MS = 60_000;
const DURATION_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': 1440 * MINUTE_MS,
};

/** Returns the length of one bar of the timeframe in milliseconds. */
export function timeframeMs(tf: Timeframe): number {
  return DURATION_MS[tf];
}

export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && (TIMEFRAMES as readonly string[]).includes(value);
}

/** Parses a timeframe name, throwing a DomainError that lists the accepted names. */
export function parseTimeframe(value: string): Timeframe {
  if (!isTimeframe(value)) {
    throw new DomainError(`Unknown timeframe "${value}"; expected one of ${TIMEFRAMES.join(', ')}`);
  }
  return value;
}

/** Returns the UTC-aligned start of the bucket of `tf` that contains `ts`. */
export function bucketStart(ts: number, tf: Timeframe): number {
  const size = DURATION_MS[tf];
  return Math.floor(ts / size) * size;
}

/** `ts` when it starts a bucket of `tf`, else the start of the next one: [bucketCeil(from), bucketCeil(to)) holds whole buckets only. */
export function bucketCeil(ts: number, tf: Timeframe): number {
  const start = bucketStart(ts, tf);
  return start === ts ? ts : start + DURATION_MS[tf];
}

/**
 * The timeframes a run can use on an instrument whose stored series have `stored`
 * timeframes: each stored one, and every timeframe above 1m when 1m bars are stored
 * (resampled from them, as the backtest's bar source does). In TIMEFRAMES order.
 */
export function derivableTimeframes(stored: Iterable<Timeframe>): Timeframe[] {
  const have = new Set(stored);
  return TIMEFRAMES.filter((tf) => have.has(tf) || have.has('1m'));
}
