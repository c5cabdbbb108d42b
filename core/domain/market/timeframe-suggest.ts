import { TIMEFRAMES, timeframeMs, type Timeframe } from './timeframe.js';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000 };

/** Reads a bar length such as '2m', '90s', '3h', '1w' (the way exchanges name candles) in ms; null if it is not one. */
export function barLengthMs(text: string): number | null {
  const match = /^\s*(\d+)\s*(s|m|h|d|w|M)\s*$/.exec(text) ?? /^\s*(\d+)\s*(min|mins|minutes?|hours?|days?|weeks?)\s*$/i.exec(text);
  if (!match) return null;
  const unit = match[2]!;
  const key = unit.length === 1 ? unit : unit.toLowerCase().startsWith('min') ? 'm' : unit[0]!.toLowerCase();
  const count = Number(match[1]);
  return count > 0 && UNIT_MS[key] !== undefined ? count * UNIT_MS[key]! : null;
}

/**
 * Returns the stored timeframes nearest to a name that is not one ('2m' -> 1m, 5m;
 * '1w' -> 1d), by bar length on a log scale; the two nearest, or all when the name is not
 * a bar length at all.
 */
export function nearestTimeframes(text: string): Timeframe[] {
  const length = barLengthMs(text);
  if (length === null) return [...TIMEFRAMES];
  const distance = (tf: Timeframe): number => Math.abs(Math.log(timeframeMs(tf) / length));
  return [...TIMEFRAMES].sort((a, b) => distance(a) - distance(b) || timeframeMs(a) - timeframeMs(b)).slice(0, 2).sort((a, b) => timeframeMs(a) - timeframeMs(b));
}
