/** The HTML report's charts: inline SVG with a UTC time axis and a value axis, no scripts or fonts. */
import { formatNumber } from '../../app/format.js';
import { timeLabels } from '../../charts/time-axes.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Tick spacings of the time axis, fixed lengths (ms), smallest first; months and years are calendar steps. */
const FIXED_STEPS = [SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY];
const MONTH_STEPS = [1, 3, 6, 12, 24, 60, 120, 240, 600];

export interface TimeTicks {
  /** Tick times, epoch ms UTC, inside [fromMs, toMs]. */
  readonly ticks: number[];
  /** Their labels as the app's charts write them (a second line after '\n' where the date or year changes). */
  readonly labels: string[];
}

/** Ticks on whole UTC units (minutes, hours, days, months, years): the fewest-spaced set of at most `maxTicks`. */
export function timeTicks(fromMs: number, toMs: number, maxTicks: number): TimeTicks {
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs)) || toMs < fromMs) return { ticks: [], labels: [] };
  for (const step of FIXED_STEPS) {
    // Weeks start on Monday (epoch day 0 was a Thursday, so Mondays are 4 days in); shorter steps on the epoch.
    const origin = step === 7 * DAY || step === 14 * DAY ? 4 * DAY : 0;
    const first = Math.ceil((fromMs - origin) / step) * step + origin;
    if (Math.floor((toMs - first) / step) + 1 > maxTicks) continue;
    const ticks: number[] = [];
    for (let t = first; t <= toMs; t += step) ticks.push(t);
    return { ticks, labels: labelsFor(ticks, step) };
  }
  const start = new Date(fromMs);
  for (const months of MONTH_STEPS) {
    // The first whole month (of a multiple of `months` since year 0) at or after fromMs.
    let index = start.getUTCFullYear() * 12 + start.getUTCMonth();
    if (Date.UTC(Math.floor(index / 12), index % 12, 1) < fromMs) index += 1;
    index = Math.ceil(index / months) * months;
    const ticks: number[] = [];
    for (let t = monthStart(index); t <= toMs; index += months, t = monthStart(index)) ticks.push(t);
    if (ticks.length <= maxTicks) return { ticks, labels: labelsFor(ticks, months * 30 * DAY) };
  }
  return { ticks: [], labels: [] };
}

const monthStart = (index: number): number => Date.UTC(Math.floor(index / 12), index % 12, 1);

/** timeLabels takes seconds; a step of 12 months or more labels the year alone. */
const labelsFor = (ticks: readonly number[], stepMs: number): string[] =>
  timeLabels(
    ticks.map((t) => t / SECOND),
    (stepMs >= 360 * DAY ? 365 * DAY : stepMs) / SECOND,
  );

export interface ValueTicks {
  readonly ticks: number[];
  /** The axis's bounds: the data's, widened to whole steps (so the top and bottom are ticks). */
  readonly lo: number;
  readonly hi: number;
  /** Decimals the step needs (0 for steps of 1 or more). */
  readonly decimals: number;
}

/** At most `maxTicks` ticks at a 1, 2 or 5 x 10^k step covering [lo, hi]; a flat series gets a band around its value. */
export function valueTicks(lo: number, hi: number, maxTicks: number): ValueTicks {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return { ticks: [], lo: 0, hi: 1, decimals: 0 };
  if (hi === lo && lo === 0) {
    // Flat at zero (a run without drawdown): the line on the top edge, the axis below it.
    lo = -1;
  } else if (hi === lo) {
    const pad = Math.abs(lo) / 100;
    lo -= pad;
    hi += pad;
  }
  let magnitude = Math.pow(10, Math.floor(Math.log10((hi - lo) / Math.max(1, maxTicks - 1))));
  for (;;) {
    for (const factor of [1, 2, 5]) {
      const step = factor * magnitude;
      const first = Math.floor(lo / step);
      const last = Math.ceil(hi / step);
      if (last - first + 1 > maxTicks) continue;
      const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
      const ticks: number[] = [];
      // `+ 0` turns -0 into 0 (a tick labelled '-0').
      for (let k = first; k <= last; k++) ticks.push(Number((k * step).toFixed(decimals)) + 0);
      return { ticks, lo: ticks[0]!, hi: ticks[ticks.length - 1]!, decimals };
    }
    magnitude *= 10;
  }
}

export interface ChartOptions {
  readonly width: number;
  readonly height: number;
  readonly color: string;
  /** Writes a value-axis tick ('10,500', '-2.5 %') given the decimals the step needs. */
  readonly formatValue: (value: number, decimals: number) => string;
}

/** Money on the value axis: grouped digits, as many decimals as the step needs. */
export const moneyTick = (value: number, decimals: number): string => formatNumber(value, decimals);
/** Percent on the value axis. */
export const percentTick = (value: number, decimals: number): string => `${formatNumber(value, decimals)} %`;

const LEFT = 72;
const RIGHT = 36;
const TOP = 8;
const BOTTOM = 34;
const AXIS = '#8a93a0';
const GRID = '#e6e9ee';
const LABEL = 'fill="#667" font-size="11"';

/**
 * Returns an SVG line chart of the series (points already reduced) with a UTC time axis
 * at the bottom and a value axis on the left, scaled with the page (the viewBox keeps its
 * aspect, so the labels are not stretched). Empty for fewer than two points.
 */
export function svgChart(xs: readonly number[], ys: readonly number[], options: ChartOptions): string {
  return svgLinesChart(xs, [{ ys, color: options.color }], options);
}

/** One line of a chart of several over one x column. */
export interface ChartLine {
  readonly ys: readonly number[];
  readonly color: string;
}

/** svgChart with several lines on one value axis (each instrument's PnL); `options.color` is unused. */
export function svgLinesChart(xs: readonly number[], lines: readonly ChartLine[], options: ChartOptions): string {
  if (xs.length < 2 || lines.length === 0) return '';
  const { width, height } = options;
  let low = Infinity;
  let high = -Infinity;
  for (const { ys } of lines) {
    for (const y of ys) {
      if (!Number.isFinite(y)) continue;
      low = Math.min(low, y);
      high = Math.max(high, y);
    }
  }
  const values = valueTicks(low, high, 5);
  const x0 = xs[0]!;
  const x1 = xs[xs.length - 1]!;
  const plotWidth = width - LEFT - RIGHT;
  const plotHeight = height - TOP - BOTTOM;
  const px = (x: number): number => LEFT + ((x - x0) / (x1 - x0 || 1)) * plotWidth;
  const py = (y: number): number => TOP + plotHeight - ((y - values.lo) / (values.hi - values.lo || 1)) * plotHeight;
  const yAxis = values.ticks
    .map((v) => {
      const y = py(v).toFixed(1);
      return `<line x1="${LEFT}" x2="${width - RIGHT}" y1="${y}" y2="${y}" stroke="${GRID}"/><text x="${LEFT - 6}" y="${y}" dy="4" text-anchor="end" ${LABEL}>${options.formatValue(v, values.decimals)}</text>`;
    })
    .join('');
  // About one label per 110 units of width: a two-line date label is some 60 wide.
  const time = timeTicks(x0, x1, Math.max(2, Math.floor(plotWidth / 110)));
  const bottom = TOP + plotHeight;
  const xAxis = time.ticks
    .map((t, i) => {
      const x = px(t).toFixed(1);
      const [line1, line2] = time.labels[i]!.split('\n');
      const second = line2 ? `<tspan x="${x}" dy="13">${line2}</tspan>` : '';
      return `<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 4}" stroke="${AXIS}"/><text x="${x}" y="${bottom + 15}" text-anchor="middle" ${LABEL}>${line1}${second}</text>`;
    })
    .join('');
  const polylines = lines
    .map(({ ys, color }) => `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${xs.map((x, i) => `${px(x).toFixed(1)},${py(ys[i]!).toFixed(1)}`).join(' ')}"/>`)
    .join('');
  const frame = `<path d="M${LEFT} ${TOP}V${bottom}H${width - RIGHT}" fill="none" stroke="${AXIS}"/>`;
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img">${yAxis}${frame}${xAxis}${polylines}</svg>`;
}
