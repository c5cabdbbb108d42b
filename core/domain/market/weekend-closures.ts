// Telling a market's weekend closure from missing data. Stocks and FX do not trade on
// weekends, so their series have a hole every week; counted as gaps, ten years of daily
// stock bars showed "445 gaps" and hid the two real ones. The instrument carries no
// exchange calendar, so the rule reads the hole itself, in UTC (the store's clock):
//  - the bars it lacks fall mostly on a Saturday and Sunday, and at most one day of them
//    on weekdays: the session edges around the weekend (FX closes Friday ~21:00 and opens
//    Sunday ~21:00 UTC; a US stock's minutes stop at 21:00 Friday and resume 14:30 Monday)
//    or a holiday next to it (Good Friday, a Monday holiday of daily bars);
//  - and the series does not trade on weekends: crypto does, and there a weekend-shaped
//    hole is missing data. That is read from the bars (see tradesWeekends).

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
// 1970-01-01 was a Thursday: days since the epoch mod 7 give 2 for Saturday, 3 for Sunday.
const SATURDAY = 2;

/** Weekday hours a weekend closure may also cover: session edges, or a holiday beside the weekend. */
export const WEEKEND_CLOSURE_WEEKDAY_MS = DAY_MS;

/** Whether `ts` (epoch ms) falls on a Saturday, UTC. */
export function isSaturdayUtc(ts: number): boolean {
  return (((Math.floor(ts / DAY_MS) % 7) + 7) % 7) === SATURDAY;
}

/** Milliseconds of [from, to) that fall on a Saturday or Sunday, UTC. */
export function weekendOverlapMs(from: number, to: number): number {
  if (!(to > from)) return 0;
  // Week boundaries anchored on a Saturday 00:00 UTC: each week's weekend is its first two days.
  const anchor = SATURDAY * DAY_MS;
  const weekStart = (ts: number) => Math.floor((ts - anchor) / WEEK_MS) * WEEK_MS + anchor;
  let total = 0;
  for (let week = weekStart(from); week < to; week += WEEK_MS) {
    total += Math.max(0, Math.min(to, week + 2 * DAY_MS) - Math.max(from, week));
  }
  return total;
}

/**
 * Whether the hole between a bar opening at `afterTs` and the next one opening at
 * `beforeTs` is a weekend closure of a market that does not trade on weekends: the bars it
 * lacks, [afterTs + stepMs, beforeTs), include weekend time and at most one day of weekday time.
 */
export function isWeekendClosure(afterTs: number, beforeTs: number, stepMs: number): boolean {
  const from = afterTs + stepMs;
  const weekend = weekendOverlapMs(from, beforeTs);
  return weekend > 0 && beforeTs - from - weekend <= WEEKEND_CLOSURE_WEEKDAY_MS;
}

/**
 * Returns how many bars are missing in the hole between a bar opening at `afterTs` and the
 * next one opening at `beforeTs`: those of [afterTs + stepMs, beforeTs), less its weekend
 * time for a market that does not trade on weekends (GOOG daily, Friday 2006-12-29 to
 * Wednesday 2007-01-03, lacks Monday and Tuesday: 2 bars, not 4).
 */
export function missingBars(afterTs: number, beforeTs: number, stepMs: number, weekdayMarket: boolean): number {
  const from = afterTs + stepMs;
  const closed = weekdayMarket ? weekendOverlapMs(from, beforeTs) : 0;
  return Math.max(0, Math.round((beforeTs - from - closed) / stepMs));
}

/**
 * Whether a series trades on weekends, from how many of its bars open on a Saturday (UTC):
 * crypto has one in seven there, stocks and FX none (FX reopens on Sunday evening, hence
 * Saturday). A few stray Saturday bars (a special session, a mis-stamped row) do not make
 * a weekday market a weekend one.
 */
export function tradesWeekends(saturdayBars: number, barCount: number): boolean {
  return barCount > 0 && saturdayBars > barCount * 0.02;
}
