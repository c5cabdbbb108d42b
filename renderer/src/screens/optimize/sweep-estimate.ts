import { timeframeMs, type Timeframe } from '../../../../core/domain/market/timeframe.js';

/**
 * Wall time per variant and bar of a local sweep when no past sweep says better: 575
 * SMA-cross variants over a year of DEMO-BTC minutes (525,600 bars) took 4.45 s on this
 * project's 2-core VM with 2 sweep workers (`bws optimize`, recorded start to finish, load
 * average 2.3; 2026-12-07). 14.7 ns; docs/BENCHMARKS.md has 9.3 ns on a quiet machine.
 */
export const DEFAULT_NS_PER_VARIANT_BAR = 15;
/** What a sweep costs besides its variants (pool, bars, warm-up): the same measurement's intercept (150 and 575 variants). */
export const SWEEP_OVERHEAD_MS = 500;
/** A past sweep smaller than this (variants x bars) is mostly overhead: it says little of the rate. */
const MIN_CALIBRATING_WORK = 50_000_000;
/** The newest past sweeps that calibrate the estimate. */
const CALIBRATING_SWEEPS = 5;

/** Above either, Start asks for a confirmation. */
export const CONFIRM_ABOVE_MS = 10 * 60_000;
export const CONFIRM_ABOVE_VARIANTS = 100_000;

/** A stored series as `data/listSeries` lists it. */
export interface SeriesLike {
  readonly instrument: { readonly symbol: string };
  readonly timeframe: Timeframe;
  readonly barCount: number;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
}

/** A past sweep as `sweeps/list` lists it. */
export interface PastSweep {
  readonly status: string;
  readonly symbol: string;
  readonly universe: { readonly symbols: readonly string[] } | null;
  readonly timeframe: Timeframe;
  readonly fromTs: number | null;
  readonly toTs: number | null;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly counts: { readonly done: number };
  readonly runsOn: string | null;
}

/**
 * Bars of `symbol` in `timeframe` over [fromTs, toTs), estimated from its stored series (the
 * same timeframe, or the finest one it resamples from) as evenly spread; null when none is stored.
 */
export function barsInRange(series: readonly SeriesLike[], symbol: string, timeframe: Timeframe, fromTs: number | undefined | null, toTs: number | undefined | null): number | null {
  const stored = series
    .filter((s) => s.instrument.symbol === symbol && s.firstTs !== null && s.lastTs !== null && timeframeMs(s.timeframe) <= timeframeMs(timeframe))
    .sort((a, b) => timeframeMs(b.timeframe) - timeframeMs(a.timeframe))[0];
  if (!stored || stored.firstTs === null || stored.lastTs === null) return null;
  const first = stored.firstTs;
  const end = stored.lastTs + timeframeMs(stored.timeframe);
  const from = Math.max(first, fromTs ?? first);
  const to = Math.min(end, toTs ?? end);
  if (to <= from) return 0;
  const share = (to - from) / (end - first);
  return (stored.barCount * share * timeframeMs(stored.timeframe)) / timeframeMs(timeframe);
}

/** Bars a sweep's every variant runs: one instrument's, or the sum over a universe's. */
export function sweepBars(series: readonly SeriesLike[], symbols: readonly string[], timeframe: Timeframe, fromTs: number | undefined | null, toTs: number | undefined | null): number | null {
  let total = 0;
  for (const symbol of symbols) {
    const bars = barsInRange(series, symbol, timeframe, fromTs, toTs);
    if (bars === null) return null;
    total += bars;
  }
  return total;
}

/** Where the rate came from: the newest finished sweeps of the same target, or the measured default. */
export type Calibration = { readonly nsPerVariantBar: number; readonly from: 'past'; readonly sweeps: number } | { readonly nsPerVariantBar: number; readonly from: 'default' };

/**
 * The wall time per variant and bar of the newest completed sweeps on the same target
 * (this machine, or a cluster) big enough to tell, their overhead taken off; the measured
 * default when there are none. Their bars are estimated from the series stored now.
 */
export function calibrate(past: readonly PastSweep[], series: readonly SeriesLike[], onCluster: boolean): Calibration {
  let ms = 0;
  let work = 0;
  let sweeps = 0;
  for (const sweep of [...past].sort((a, b) => b.createdAt - a.createdAt)) {
    if (sweeps === CALIBRATING_SWEEPS) break;
    if (sweep.status !== 'completed' || sweep.finishedAt === null || (sweep.runsOn !== null) !== onCluster) continue;
    const bars = sweepBars(series, sweep.universe?.symbols ?? [sweep.symbol], sweep.timeframe, sweep.fromTs, sweep.toTs);
    if (bars === null || sweep.counts.done * bars < MIN_CALIBRATING_WORK) continue;
    ms += Math.max(0, sweep.finishedAt - sweep.createdAt - SWEEP_OVERHEAD_MS);
    work += sweep.counts.done * bars;
    sweeps += 1;
  }
  if (sweeps === 0 || ms === 0) return { nsPerVariantBar: DEFAULT_NS_PER_VARIANT_BAR, from: 'default' };
  return { nsPerVariantBar: (ms * 1e6) / work, from: 'past', sweeps };
}

/** Variants a search runs at most, as the server counts them (before constraints drop any). */
export function plannedVariants(gridPoints: number, method: { kind: 'grid' } | { kind: 'random'; samples: number } | { kind: 'genetic'; population: number; generations: number }): number {
  if (method.kind === 'grid') return gridPoints;
  if (method.kind === 'random') return Math.min(gridPoints, method.samples);
  return Math.min(gridPoints, method.population * method.generations);
}

/** Estimated wall time of a sweep, milliseconds. */
export function estimateMs(variants: number, bars: number, calibration: Calibration): number {
  return SWEEP_OVERHEAD_MS + (variants * bars * calibration.nsPerVariantBar) / 1e6;
}

/** Whether Start asks first: a search this long or this big is easy to start by a typo. */
export function needsConfirmation(variants: number, ms: number | null): boolean {
  return variants > CONFIRM_ABOVE_VARIANTS || (ms !== null && ms > CONFIRM_ABOVE_MS);
}

/** 'about 8 h 10 min', 'about 4 min', 'about 12 s', 'under a second'. */
export function durationText(ms: number): string {
  if (ms < 1_000) return 'under a second';
  const seconds = Math.round(ms / 1_000);
  if (seconds < 90) return `about ${seconds} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 48) return `about ${Math.round(minutes / 1440)} days`;
  return `about ${hours} h${rest === 0 ? '' : ` ${rest} min`}`;
}
