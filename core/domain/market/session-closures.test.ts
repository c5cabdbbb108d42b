import { describe, expect, it } from 'vitest';
import { addBarHours, ALL_HOURS, isSessionClosure } from './session-closures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(`${iso}Z`);

/** The open hours of minute bars from `open` to `close` (UTC, 'HH:MM') on one day. */
function sessionHours(open: string, close: string, mask = 0): number {
  let out = mask;
  for (let ts = at(`2025-03-04T${open}:00`); ts < at(`2025-03-04T${close}:00`); ts += MIN) out = addBarHours(out, ts, MIN);
  return out;
}
const US_WINTER = sessionHours('14:30', '21:00');
const US_BOTH = sessionHours('13:30', '20:00', US_WINTER); // a stretch over a DST switch

describe('session closures', () => {
  it('marks the hours a bar spans', () => {
    expect(addBarHours(0, at('2025-03-04T14:59:00'), MIN)).toBe(1 << 14);
    expect(addBarHours(0, at('2025-03-04T12:00:00'), 4 * HOUR)).toBe((1 << 12) | (1 << 13) | (1 << 14) | (1 << 15));
    expect(addBarHours(0, at('2025-03-04T23:00:00'), HOUR)).toBe(1 << 23);
    expect(US_WINTER).toBe(0b1111111 << 14);
  });

  it("reads a stock's nights as closures, also across a DST switch", () => {
    expect(isSessionClosure(at('2025-03-04T20:59:00'), at('2025-03-05T14:30:00'), MIN, US_WINTER)).toBe(true);
    // Hours open in summer or winter: each night keeps 90 minutes in open hours.
    expect(isSessionClosure(at('2025-03-04T20:59:00'), at('2025-03-05T14:30:00'), MIN, US_BOTH)).toBe(true);
    expect(isSessionClosure(at('2025-07-08T19:59:00'), at('2025-07-09T13:30:00'), MIN, US_BOTH)).toBe(true);
    // Hourly stock bars: the 20:00 bar, then the 14:00 one.
    expect(isSessionClosure(at('2025-03-04T20:00:00'), at('2025-03-05T14:00:00'), HOUR, US_WINTER)).toBe(true);
  });

  it('keeps outages as gaps: inside the session, or a morning missing with the night', () => {
    expect(isSessionClosure(at('2025-03-04T16:00:00'), at('2025-03-04T17:30:00'), MIN, US_WINTER)).toBe(false);
    expect(isSessionClosure(at('2025-03-04T20:59:00'), at('2025-03-05T17:30:00'), MIN, US_WINTER)).toBe(false);
    // A whole day and more.
    expect(isSessionClosure(at('2025-03-04T20:59:00'), at('2025-03-06T14:30:00'), MIN, US_WINTER)).toBe(false);
  });

  it('has nothing to say of 24-hour markets, weekends and daily bars', () => {
    expect(isSessionClosure(at('2025-03-04T02:00:00'), at('2025-03-04T09:00:00'), MIN, ALL_HOURS)).toBe(false);
    expect(isSessionClosure(at('2025-03-07T20:59:00'), at('2025-03-10T14:30:00'), MIN, US_WINTER)).toBe(false); // Friday to Monday
    expect(isSessionClosure(at('2025-03-04T00:00:00'), at('2025-03-06T00:00:00'), 24 * HOUR, US_WINTER)).toBe(false);
    expect(isSessionClosure(at('2025-03-04T20:59:00'), at('2025-03-05T14:30:00'), MIN, 0)).toBe(false);
  });
});
