import type uPlot from 'uplot';
import { formatTs } from '../app/format.js';
import { themeColor } from '../app/use-theme.js';

/**
 * uPlot places time ticks through local-time Date objects; this one's local fields are the
 * UTC ones, so ticks fall on UTC hours and days (a chart in New York had put them on New
 * York's). The offset is taken at the shifted instant, which keeps days with a DST change
 * right; only a UTC hour that does not exist as local time (spring forward) is off by one
 * hour for tick placement. Labels and the legend never read these Dates (`timeLabels`).
 */
export function utcDate(seconds: number): Date {
  const ms = seconds * 1e3;
  const guess = new Date(ms + new Date(ms).getTimezoneOffset() * 6e4);
  return new Date(ms + guess.getTimezoneOffset() * 6e4);
}

const DAY = 86_400;
const iso = (seconds: number): string => new Date(seconds * 1e3).toISOString();

/**
 * x-axis labels in UTC, 24-hour and year-month-day like the tables (uPlot's defaults are
 * US-style 12-hour, local time): the tick's time, with its date under it where the day
 * (or, for day ticks, the year) changes from the tick before. From the timestamps, not Dates.
 */
export function timeLabels(splits: readonly number[], increment: number): string[] {
  return splits.map((seconds, i) => {
    const at = iso(seconds);
    const before = i === 0 ? null : iso(splits[i - 1]!);
    if (increment >= 365 * DAY) return at.slice(0, 4);
    if (increment >= 28 * DAY) return at.slice(0, 7);
    if (increment >= DAY) return before?.slice(0, 4) === at.slice(0, 4) ? at.slice(5, 10) : `${at.slice(5, 10)}\n${at.slice(0, 4)}`;
    const time = increment >= 60 ? at.slice(11, 16) : at.slice(11, 19);
    return before?.slice(0, 10) === at.slice(0, 10) ? time : `${time}\n${at.slice(0, 10)}`;
  });
}

/** The time (x) series of a chart: its legend value is the UTC time as the tables write it. */
export const TIME_SERIES: uPlot.Series = {
  value: (_chart, seconds) => (seconds === null || seconds === undefined ? '—' : `${formatTs(seconds * 1e3)} UTC`),
};

/** Axis colours from the theme (call per theme). */
const themedAxis = (): uPlot.Axis => ({ stroke: themeColor('--muted'), grid: { stroke: themeColor('--border'), width: 1 }, ticks: { stroke: themeColor('--border') } });

/** Options every time chart shares: UTC dates, a time x scale, themed axes (call per theme). */
export function timeChartOptions(): Pick<uPlot.Options, 'tzDate' | 'scales' | 'axes' | 'padding'> {
  const axis = themedAxis();
  return {
    tzDate: utcDate,
    // A fixed right margin (room for the last time label): charts stacked over one
    // another (price, its indicator panes, equity) put the same time at the same x.
    padding: [null, 28, null, null],
    scales: { x: { time: true } },
    axes: [{ ...axis, values: (_chart, splits, _axis, _space, increment) => timeLabels(splits, increment) }, { ...axis, size: 70 }],
  };
}

/** Decimals that write every multiple of `increment` exactly (0 for 5, 1 for 0.2, 2 for 0.25), at most 6. */
function decimalsOf(increment: number): number {
  for (let d = 0; d < 6; d++) {
    const scaled = increment * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 6;
}

/**
 * x-axis labels of elapsed time in days ('0 d', '2.5 d', '30 d'), as many decimals as the
 * tick step needs (uPlot's numeric splits carry float noise: 0.30000000000000004).
 */
export function elapsedDayLabels(splits: readonly number[], increment: number): string[] {
  const decimals = decimalsOf(increment);
  return splits.map((days) => `${(Math.abs(days) < 1e-12 ? 0 : days).toFixed(decimals)} d`);
}

/** The elapsed-time (x) series of a chart whose x is days since a start: its legend value in days. */
export const ELAPSED_DAYS_SERIES: uPlot.Series = {
  label: 'Elapsed',
  value: (_chart, days) => (days === null || days === undefined ? '—' : `${days.toFixed(2)} d`),
};

/** Options of a chart whose x is elapsed days, not a date: a plain numeric scale, labels in days, themed axes. */
export function elapsedDaysChartOptions(caption: string): Pick<uPlot.Options, 'scales' | 'axes'> {
  const axis = themedAxis();
  return {
    scales: { x: { time: false } },
    axes: [{ ...axis, label: caption, labelSize: 20, values: (_chart, splits, _axis, _space, increment) => elapsedDayLabels(splits, increment) }, { ...axis, size: 70 }],
  };
}
