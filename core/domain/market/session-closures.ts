// Telling a market's nightly closure from missing data in intraday bars. A US stock's
// minutes stop at 21:00 and resume at 14:30 UTC every weekday: counted as gaps, a year of
// them showed ~250 "gaps" and hid the real ones. The instrument carries no session
// hours, so they are read from the bars: the UTC hours in which a stretch of the series
// has any bar are its open hours (a bitmask, bit h for hour h); a hole is a session
// closure when it lies in the closed hours, give or take the edges:
//  - it spans less than a day and no weekend time (weekends have their own rule);
//  - it covers at least one whole closed hour (an outage inside the session does not);
//  - at most two hours of it fall in open hours: the partial hours at the session's ends
//    (a 14:30 open leaves 14:00-14:30 missing in an open hour) and the hour a DST switch
//    moves the session by (a stretch holding summer and winter days has both hours open).

import { weekendOverlapMs } from './weekend-closures.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Every hour open: a 24-hour market (crypto, FX on weekdays), where no hole is a closure. */
export const ALL_HOURS = 2 ** 24 - 1;
/**
 * The least stretch of bars whose open hours say anything about sessions: hours without
 * bars in a few hours of data are no evidence of a closed market. Shorter stretches get
 * no open hours (0), so no hole in them is a session closure.
 */
export const SESSION_EVIDENCE_MS = 3 * 24 * 3_600_000;
/** Open-hour time a session closure may also cover: session edges and a DST shift. */
export const SESSION_EDGE_MS = 2 * HOUR_MS;

const hourOf = (ts: number): number => Math.floor((((ts % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);

/** Sets the bits of the UTC hours that a bar opening at `ts` and lasting `stepMs` spans (intraday bars). */
export function addBarHours(mask: number, ts: number, stepMs: number): number {
  let out = mask;
  const last = ts + Math.min(stepMs, DAY_MS) - 1;
  for (let t = ts; t <= last; t += HOUR_MS) out |= 1 << hourOf(t);
  return out | (1 << hourOf(last));
}

/**
 * Whether the hole between an intraday bar opening at `afterTs` and the next one opening at
 * `beforeTs` is the market's nightly (or midday) closure, given the series' open hours:
 * see the rules above. Bars of a day or longer have no sessions: never.
 */
export function isSessionClosure(afterTs: number, beforeTs: number, stepMs: number, openHours: number): boolean {
  if (stepMs >= DAY_MS || (openHours & ALL_HOURS) === ALL_HOURS || openHours === 0) return false;
  const from = afterTs + stepMs;
  if (!(beforeTs > from) || beforeTs - from >= DAY_MS || weekendOverlapMs(from, beforeTs) > 0) return false;
  let inOpen = 0;
  let wholeClosedHour = false;
  // Hour by hour from the hour holding `from`: at most 25 steps.
  for (let start = Math.floor(from / HOUR_MS) * HOUR_MS; start < beforeTs; start += HOUR_MS) {
    const covered = Math.min(beforeTs, start + HOUR_MS) - Math.max(from, start);
    if (openHours & (1 << hourOf(start))) inOpen += covered;
    else if (covered === HOUR_MS) wholeClosedHour = true;
  }
  return wholeClosedHour && inOpen <= SESSION_EDGE_MS;
}
