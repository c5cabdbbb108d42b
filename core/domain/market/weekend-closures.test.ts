import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSaturdayUtc, isWeekendClosure, missingBars, tradesWeekends, weekendOverlapMs } from './weekend-closures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIN = 60_000;
const at = (iso: string) => Date.parse(`${iso}Z`);

describe('weekend closures', () => {
  it('knows a Saturday in UTC, before and after 1970', () => {
    expect(isSaturdayUtc(at('2025-03-01T00:00:00'))).toBe(true);
    expect(isSaturdayUtc(at('2025-03-01T23:59:59'))).toBe(true);
    expect(isSaturdayUtc(at('2025-03-02T00:00:00'))).toBe(false); // Sunday
    expect(isSaturdayUtc(at('2025-02-28T23:59:59'))).toBe(false); // Friday
    expect(isSaturdayUtc(at('1969-12-27T12:00:00'))).toBe(true);
  });

  it('measures the weekend inside a range the way a walk over every hour does', () => {
    const start = at('2024-01-01T00:00:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 }), fc.integer({ min: 0, max: 24 * 20 }), (fromHour, hours) => {
        const from = start + fromHour * HOUR;
        let expected = 0;
        for (let h = 0; h < hours; h++) {
          const day = new Date(from + h * HOUR).getUTCDay();
          if (day === 0 || day === 6) expected += HOUR;
        }
        expect(weekendOverlapMs(from, from + hours * HOUR)).toBe(expected);
      }),
    );
  });

  it('reads the weekly holes of stocks and FX as closures', () => {
    // GOOG daily: Friday's bar, then Monday's.
    expect(isWeekendClosure(at('2012-06-01T00:00:00'), at('2012-06-04T00:00:00'), DAY)).toBe(true);
    // A Monday holiday (Memorial Day 2012): Friday, then Tuesday.
    expect(isWeekendClosure(at('2012-05-25T00:00:00'), at('2012-05-29T00:00:00'), DAY)).toBe(true);
    // Good Friday 2012: Thursday, then Monday.
    expect(isWeekendClosure(at('2012-04-05T00:00:00'), at('2012-04-09T00:00:00'), DAY)).toBe(true);
    // EUR/USD hourly (fixtures/market-data/EURUSD.csv): Friday 20:00, then Sunday 21:00; Christmas: Friday 21:00, then Monday 22:00.
    expect(isWeekendClosure(at('2017-04-21T20:00:00'), at('2017-04-23T21:00:00'), HOUR)).toBe(true);
    expect(isWeekendClosure(at('2017-12-22T21:00:00'), at('2017-12-25T22:00:00'), HOUR)).toBe(true);
    // US stock minutes in UTC: the last minute Friday 20:59, the first Monday 14:30.
    expect(isWeekendClosure(at('2025-03-07T20:59:00'), at('2025-03-10T14:30:00'), MIN)).toBe(true);
  });

  it('keeps holes that are more than a weekend as gaps', () => {
    // A weekday hole, no weekend in it.
    expect(isWeekendClosure(at('2025-03-04T00:00:00'), at('2025-03-07T00:00:00'), DAY)).toBe(false);
    // A weekend and two missing weekdays (Thursday to Tuesday of daily bars).
    expect(isWeekendClosure(at('2025-03-06T00:00:00'), at('2025-03-11T00:00:00'), DAY)).toBe(false);
    // Minutes that stop on Friday morning and resume Monday afternoon.
    expect(isWeekendClosure(at('2025-03-07T09:00:00'), at('2025-03-10T14:30:00'), MIN)).toBe(false);
    // Two weekends.
    expect(isWeekendClosure(at('2025-03-07T00:00:00'), at('2025-03-17T00:00:00'), DAY)).toBe(false);
  });

  it('counts the missing bars of a hole on weekdays only for a weekday market', () => {
    // GOOG daily: Friday 2006-12-29, then Wednesday 2007-01-03 (New Year and Ford's funeral).
    expect(missingBars(at('2006-12-29T00:00:00'), at('2007-01-03T00:00:00'), DAY, true)).toBe(2);
    expect(missingBars(at('2006-12-29T00:00:00'), at('2007-01-03T00:00:00'), DAY, false)).toBe(4);
    // Minutes that stop Friday 09:00 and resume Monday 14:30: Friday's rest and Monday's morning.
    expect(missingBars(at('2025-03-07T09:00:00'), at('2025-03-10T14:30:00'), MIN, true)).toBe(15 * 60 - 1 + 14 * 60 + 30);
    // No hole, and a weekday hole alike either way.
    expect(missingBars(at('2025-03-04T00:00:00'), at('2025-03-05T00:00:00'), DAY, true)).toBe(0);
    expect(missingBars(at('2025-03-04T00:00:00'), at('2025-03-07T00:00:00'), DAY, true)).toBe(2);
  });

  it('counts as missing every weekday bar a walk over the hole finds (property)', () => {
    const start = at('2024-01-01T00:00:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 }), fc.integer({ min: 1, max: 24 * 20 }), (fromHour, hours) => {
        const after = start + fromHour * HOUR;
        let weekdays = 0;
        for (let ts = after + HOUR; ts < after + hours * HOUR; ts += HOUR) {
          const day = new Date(ts).getUTCDay();
          if (day !== 0 && day !== 6) weekdays++;
        }
        expect(missingBars(after, after + hours * HOUR, HOUR, true)).toBe(weekdays);
        expect(missingBars(after, after + hours * HOUR, HOUR, false)).toBe(hours - 1);
      }),
    );
  });

  it('takes a series with Saturday bars as trading on weekends, a stray one as not', () => {
    expect(tradesWeekends(1_440 * 52, 525_600)).toBe(true); // a year of 24/7 minutes
    expect(tradesWeekends(0, 2_148)).toBe(false);
    expect(tradesWeekends(3, 2_148)).toBe(false);
    expect(tradesWeekends(0, 0)).toBe(false);
  });
});
