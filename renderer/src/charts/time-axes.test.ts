import uPlot from 'uplot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELAPSED_DAYS_SERIES, elapsedDayLabels, TIME_SERIES, timeLabels, utcDate } from './time-axes.js';

const s = (iso: string) => Date.parse(iso) / 1e3;

describe('chart times are UTC whatever the machine zone', () => {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'America/New_York'; // Node applies a changed TZ at once
  });
  afterAll(() => {
    process.env.TZ = saved;
  });

  it('places ticks by the UTC fields (uPlot reads the local fields of the Date it is given)', () => {
    expect(new Date(s('2025-01-01T00:38:00Z') * 1e3).getHours()).toBe(19); // the zone is in effect
    const local = (seconds: number) => uPlot.fmtDate('{YYYY}-{MM}-{DD}T{HH}:{mm}:00Z')(utcDate(seconds));
    expect(local(s('2025-01-01T00:38:00Z'))).toBe('2025-01-01T00:38:00Z');
    // Around both of the zone's DST changes (a plain offset shift is an hour off here).
    for (const iso of ['2025-03-09T06:59:00Z', '2025-03-09T07:00:00Z', '2025-03-09T12:00:00Z', '2025-11-02T01:30:00Z', '2025-11-02T05:30:00Z', '2025-11-02T06:30:00Z']) {
      expect(local(s(iso))).toBe(iso);
    }
  });

  it('labels ticks with UTC times, the date under the first tick of each day', () => {
    const hours = ['2025-01-01T22:00:00Z', '2025-01-01T23:00:00Z', '2025-01-02T00:00:00Z', '2025-01-02T01:00:00Z'].map(s);
    expect(timeLabels(hours, 3600)).toEqual(['22:00\n2025-01-01', '23:00', '00:00\n2025-01-02', '01:00']);
    expect(timeLabels([s('2025-01-01T00:00:30Z'), s('2025-01-01T00:00:45Z')], 15)).toEqual(['00:00:30\n2025-01-01', '00:00:45']);
    expect(timeLabels([s('2024-12-30T00:00:00Z'), s('2024-12-31T00:00:00Z'), s('2025-01-01T00:00:00Z')], 86_400)).toEqual(['12-30\n2024', '12-31', '01-01\n2025']);
    expect(timeLabels([s('2025-01-01T00:00:00Z'), s('2025-02-01T00:00:00Z')], 28 * 86_400)).toEqual(['2025-01', '2025-02']);
    expect(timeLabels([s('2025-01-01T00:00:00Z')], 365 * 86_400)).toEqual(['2025']);
  });

  it('writes the legend time as the tables do', () => {
    const value = TIME_SERIES.value as (chart: uPlot, raw: number | null) => string;
    expect(value({} as uPlot, s('2025-01-01T00:38:00Z'))).toBe('2025-01-01 00:38 UTC');
    expect(value({} as uPlot, null)).toBe('—');
  });
});

describe('elapsed-time axes', () => {
  it('labels ticks in days with the decimals the step needs, not float noise', () => {
    expect(elapsedDayLabels([0, 5, 10], 5)).toEqual(['0 d', '5 d', '10 d']);
    expect(elapsedDayLabels([0, 0.1, 0.2, 0.30000000000000004], 0.1)).toEqual(['0.0 d', '0.1 d', '0.2 d', '0.3 d']);
    expect(elapsedDayLabels([0, 2.5, 5], 2.5)).toEqual(['0.0 d', '2.5 d', '5.0 d']);
    expect(elapsedDayLabels([0, 0.25], 0.25)).toEqual(['0.00 d', '0.25 d']);
  });

  it('writes the legend value in days', () => {
    const value = ELAPSED_DAYS_SERIES.value as (chart: uPlot, raw: number | null) => string;
    expect(value({} as uPlot, 12.3456)).toBe('12.35 d');
    expect(value({} as uPlot, null)).toBe('—');
  });
});
