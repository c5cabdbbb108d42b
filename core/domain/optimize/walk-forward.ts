import { DomainError } from '../errors.js';
import { computeMetrics, type BacktestMetrics } from '../engine/metrics.js';
import type { Trade } from '../engine/types.js';

export interface WalkForwardSchedule {
  readonly inSampleMs: number;
  readonly outOfSampleMs: number;
  /** How far each window moves; default outOfSampleMs (out-of-sample windows then tile the data). */
  readonly stepMs?: number;
  /** Anchored: every in-sample window starts at the data's first bar and grows; rolling: fixed length. */
  readonly anchored: boolean;
}

/** A time range [fromTs, toTs), epoch ms UTC. */
export interface TimeRange {
  readonly fromTs: number;
  readonly toTs: number;
}

export interface WalkForwardWindow {
  readonly index: number;
  readonly inSample: TimeRange;
  /** Starts exactly where the in-sample range ends; the last may be cut short by the data's end. */
  readonly outOfSample: TimeRange;
}

/**
 * A last out-of-sample range cut by the data's end is kept only if it is at least this
 * share of the requested length: a year in-sample judged on its next ten hours (what a
 * year of data with the default 365/90 days gave) says nothing.
 */
export const MIN_LAST_OUT_OF_SAMPLE_SHARE = 0.5;

const DAY_MS = 86_400_000;
const days = (ms: number): string => `${Math.round((ms / DAY_MS) * 10) / 10} days`;

/**
 * The windows over the data [firstTs, endTs): window k's in-sample range ends at
 * firstTs + inSampleMs + k x step and its out-of-sample range follows it. Windows stop
 * at the first out-of-sample range the data's end cuts below MIN_LAST_OUT_OF_SAMPLE_SHARE.
 */
export function walkForwardWindows(firstTs: number, endTs: number, schedule: WalkForwardSchedule): WalkForwardWindow[] {
  const { inSampleMs, outOfSampleMs, anchored } = schedule;
  const step = schedule.stepMs ?? outOfSampleMs;
  for (const [name, v] of [['in-sample length', inSampleMs], ['out-of-sample length', outOfSampleMs], ['step', step]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new DomainError(`Walk-forward ${name} must be > 0, got ${v}`);
  }
  const windows: WalkForwardWindow[] = [];
  const minLastOutOfSample = outOfSampleMs * MIN_LAST_OUT_OF_SAMPLE_SHARE;
  for (let k = 0; ; k++) {
    const isEnd = firstTs + inSampleMs + k * step;
    const oosEnd = Math.min(endTs, isEnd + outOfSampleMs);
    if (oosEnd - isEnd < minLastOutOfSample) break;
    const isStart = anchored ? firstTs : isEnd - inSampleMs;
    windows.push({ index: k, inSample: { fromTs: isStart, toTs: isEnd }, outOfSample: { fromTs: isEnd, toTs: oosEnd } });
  }
  if (windows.length === 0) {
    throw new DomainError(
      `The data spans ${days(endTs - firstTs)}, shorter than one window: ${days(inSampleMs)} in-sample plus at least ${days(minLastOutOfSample)} out-of-sample. Shorten the windows or widen the range.`,
    );
  }
  return windows;
}

/** One out-of-sample run, as the engine returned it (each run starts from the spec's initial cash). */
export interface OutOfSampleSegment {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly trades: readonly Trade[];
  readonly metrics: BacktestMetrics;
}

export interface StitchedEquity {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly metrics: BacktestMetrics;
}

/**
 * Chains out-of-sample runs into one curve: each segment's equity is scaled so that it
 * starts from the previous segment's ending equity (segment equity x carried / initial
 * cash), i.e. each window's return compounds on the last. Metrics are computed on the
 * stitched curve by the engine's own definitions; trade PnL and fees are scaled the
 * same way, and buy-and-hold is the product of the windows' buy-and-hold returns.
 */
export function stitchOutOfSample(segments: readonly OutOfSampleSegment[], initialCash: number, barMs: number): StitchedEquity {
  const n = segments.reduce((s, g) => s + g.ts.length, 0);
  const ts = new Float64Array(n);
  const equity = new Float64Array(n);
  const drawdownPct = new Float64Array(n);
  const trades: Trade[] = [];
  let carried = initialCash;
  let peak = initialCash;
  let offset = 0;
  let exposureBars = 0;
  let totalFees = 0;
  let buyAndHold = 1;
  for (const g of segments) {
    const scale = carried / initialCash;
    for (let i = 0; i < g.ts.length; i++) {
      const e = g.equity[i]! * scale;
      ts[offset + i] = g.ts[i]!;
      equity[offset + i] = e;
      if (e > peak) peak = e;
      drawdownPct[offset + i] = (e / peak - 1) * 100;
    }
    for (const t of g.trades) trades.push({ ...t, pnl: t.pnl * scale, fees: t.fees * scale, entryBar: t.entryBar + offset, exitBar: t.exitBar + offset });
    exposureBars += Math.round((g.metrics.exposurePct * g.ts.length) / 100);
    totalFees += g.metrics.totalFees * scale;
    buyAndHold *= 1 + (g.metrics.buyAndHoldReturnPct ?? 0) / 100;
    offset += g.ts.length;
    if (g.ts.length > 0) carried = equity[offset - 1]!;
  }
  const metrics = computeMetrics({ ts, equity, drawdownPct, barMs, initialCash, trades, exposureBars, totalFees, firstClose: 1, lastClose: buyAndHold });
  return { ts, equity, metrics };
}

/**
 * Walk-forward efficiency: annualized out-of-sample return / annualized in-sample return.
 * Null when either is undefined or the in-sample return is not positive (the ratio then
 * has no useful reading).
 */
export function efficiencyRatio(oosAnnualizedPct: number | null, isAnnualizedPct: number | null): number | null {
  if (oosAnnualizedPct === null || isAnnualizedPct === null || !(isAnnualizedPct > 0)) return null;
  return oosAnnualizedPct / isAnnualizedPct;
}
