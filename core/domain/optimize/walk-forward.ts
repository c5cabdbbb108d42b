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
 * The windows over the data [firstTs, endTs): window k's in-sample range ends at
 * firstTs + inSampleMs + k x step and its out-of-sample range follows it. Windows stop
 * once an out-of-sample range would start at or after endTs.
 */
export function walkForwardWindows(firstTs: number, endTs: number, schedule: WalkForwardSchedule): WalkForwardWindow[] {
  const { inSampleMs, outOfSampleMs, anchored } = schedule;
  const step = schedule.stepMs ?? outOfSampleMs;
  for (const [name, v] of [['in-sample length', inSampleMs], ['out-of-sample length', outOfSampleMs], ['step', step]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new DomainError(`Walk-forward ${name} must be > 0, got ${v}`);
  }
  const windows: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const isEnd = firstTs + inSampleMs + k * step;
    if (isEnd >= endTs) break;
    const isStart = anchored ? firstTs : isEnd - inSampleMs;
    windows.push({ index: k, inSample: { fromTs: isStart, toTs: isEnd }, outOfSample: { fromTs: isEnd, toTs: Math.min(endTs, isEnd + outOfSampleMs) } });
  }
  if (windows.length === 0) throw new DomainError('The data is shorter than one in-sample window plus an out-of-sample bar');
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
