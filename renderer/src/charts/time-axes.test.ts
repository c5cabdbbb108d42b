import uPlot from 'uplot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIME_SERIES, timeLabels, utcDate } from './time-axes.js';

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
