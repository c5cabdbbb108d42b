import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { OpenPosition } from '../../domain/engine/types.js';
import { DomainError } from '../../domain/errors.js';
import { timeframeMs } from '../../domain/market/timeframe.js';
import type { ParamValues } from '../../domain/optimize/param-space.js';
import {
  efficiencyRatio,
  stitchOutOfSample,
  walkForwardWindows,
  type OutOfSampleSegment,
  type TimeRange,
  type WalkForwardSchedule,
} from '../../domain/optimize/walk-forward.js';
import type { BacktestExecutor } from '../backtest/backtest-executor.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { BarStore } from '../data/bar-store.js';
import { checkSweepConfig, searchVariants, variantSpec } from './search-variants.js';
import type { BarsRead, CancelSignal, SweepConfig, SweepCounts, SweepData, VariantEvaluator } from './ports.js';
import { instrumentsWords, sweepData, sweepInstruments, type SweepInstruments } from './sweep-instruments.js';
import { toObjective, type RunSweepArgs } from './run-sweep.js';

export interface WalkForwardDeps {
  readonly bars: Pick<BarStore, 'findInstrument' | 'instrumentsTagged' | 'coverage'>;
  readonly evaluator: VariantEvaluator;
  /** Runs each window's out-of-sample backtest (equity and trades needed). */
  readonly executor: BacktestExecutor;
  readonly clock: () => number;
  /** Names this walk-forward for the evaluator (a cluster's job ids); window w searches as `${key}-w${w}`. */
  readonly key?: string;
  /** Lets the host's event loop run between slices of planning (see SearchHooks.yieldNow). */
  readonly yieldNow?: () => Promise<void>;
}

export interface WalkForwardArgs extends Omit<RunSweepArgs, 'name'> {
  readonly schedule: WalkForwardSchedule;
}

export interface WalkForwardWindowResult {
  readonly index: number;
  readonly inSample: TimeRange;
  readonly outOfSample: TimeRange;
  readonly bestParams: ParamValues;
  /** The best in-sample variant met the minimum trade count. */
  readonly bestEligible: boolean;
  /**
   * Set when no in-sample variant met the minimum trade count, so the window fell back to
   * the best of all variants: the minimum asked for and the most trades any variant made.
   */
  readonly fallback: { readonly minTrades: number; readonly mostTrades: number } | null;
  /**
   * The position the out-of-sample run still held at the window's end (it starts flat, so
   * it was opened inside the window): valued at the last close in the window's return, and
   * no closed trade, so a window can return something with 0 trades.
   */
  readonly outOfSampleOpenPosition: OpenPosition | null;
  readonly inSampleMetrics: BacktestMetrics;
  readonly outOfSampleMetrics: BacktestMetrics;
  readonly efficiency: number | null;
  readonly counts: SweepCounts;
  /** Bars every in-sample worker call actually read (first/last open time). */
  readonly inSampleBarsRead: readonly BarsRead[];
  readonly outOfSampleBars: { readonly count: number; readonly firstTs: number | null; readonly lastTs: number | null };
}

export interface WalkForwardResult {
  /** The instrument; a portfolio's first. */
  readonly symbol: string;
  /** A portfolio's instruments (every window's runs trade them all); null for one instrument. */
  readonly symbols: readonly string[] | null;
  readonly windows: readonly WalkForwardWindowResult[];
  /** Out-of-sample equity stitched across windows (each starts from the previous one's end). */
  readonly equity: { readonly ts: Float64Array; readonly equity: Float64Array };
  readonly metrics: BacktestMetrics;
  /** Mean of the windows' annualized in-sample returns (percent). */
  readonly inSampleAnnualizedReturnPct: number | null;
  /** Stitched out-of-sample annualized return / mean annualized in-sample return. */
  readonly efficiency: number | null;
  readonly cancelled: boolean;
  /** Windows the schedule has (more than `windows` when cancelled, or in a checkpoint). */
  readonly windowsPlanned: number;
}

/**
 * Walk-forward analysis: for each window, optimizes on the in-sample range only (the
 * sweep machinery, its worker reads bounded by [fromTs, toTs) of that range), runs the
 * best parameters on the following out-of-sample range, then stitches the out-of-sample
 * equity and computes its metrics and the efficiency ratio.
 * Out-of-sample runs start flat with cold indicators (no pre-roll from in-sample bars).
 */
export async function runWalkForward(
  deps: WalkForwardDeps,
  args: WalkForwardArgs,
  control: {
    progress?(p: { window: number; windows: number; done: number; total: number }): void;
    cancel?: CancelSignal;
    /** The result of the windows finished so far, after each one (to keep if the app stops). */
    onWindow?(partial: WalkForwardResult): void;
  } = {},
): Promise<WalkForwardResult> {
  const config: SweepConfig = { source: args.source, space: args.space, constraints: args.constraints, method: args.method, objective: toObjective(args.objective) };
  checkSweepConfig(config);
  const target = sweepInstruments(deps.bars, config.source, args);
  const { instrument } = target;
  const members = target.universe?.instruments ?? [instrument];
  const barMs = timeframeMs(args.timeframe);
  // A portfolio's data spans its members' together: from the first bar of any to the last of any.
  let firstTs = Infinity;
  let lastTs = -Infinity;
  for (const member of members) {
    let coverage = deps.bars.coverage(member.id, args.timeframe);
    if (coverage.firstTs === null && args.timeframe !== '1m') coverage = deps.bars.coverage(member.id, '1m');
    if (coverage.firstTs === null || coverage.lastTs === null) continue;
    firstTs = Math.min(firstTs, coverage.firstTs);
    lastTs = Math.max(lastTs, coverage.lastTs);
  }
  if (!Number.isFinite(firstTs)) throw new NotFoundError(`No bars of ${instrumentsWords(target)} to walk forward over`);
  const first = Math.max(args.fromTs ?? -Infinity, firstTs);
  const end = Math.min(args.toTs ?? Infinity, lastTs + barMs);
  let windows;
  try {
    windows = walkForwardWindows(first, end, args.schedule);
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
  const base = sweepData(target, { ...args, fromTs: undefined, toTs: undefined });
  const results: WalkForwardWindowResult[] = [];
  const segments: OutOfSampleSegment[] = [];
  let initialCash: number | null = null;
  let cancelled = false;
  for (const w of windows) {
    const data: SweepData = { ...base, fromTs: w.inSample.fromTs, toTs: w.inSample.toTs };
    const outcome = await searchVariants(deps.evaluator, config, data, {
      clock: deps.clock,
      keepVariants: false,
      ...(deps.yieldNow ? { yieldNow: deps.yieldNow } : {}),
      ...(deps.key === undefined ? {} : { key: `${deps.key}-w${w.index}` }),
      ...(control.cancel ? { cancel: control.cancel } : {}),
      onProgress: (p) => control.progress?.({ window: w.index, windows: windows.length, done: p.done, total: p.total }),
    });
    if (outcome.cancelled) {
      cancelled = true;
      break;
    }
    const best = outcome.bestWithMetrics;
    if (!best) throw new ValidationError(`Window ${w.index}: no variant produced metrics in sample`);
    // Eligible variants rank first: a best that is not eligible means none was.
    const fallback = best.eligible ? null : { minTrades: config.objective.minTrades, mostTrades: outcome.ranked.reduce((most, v) => Math.max(most, v.metrics?.tradeCount ?? 0), 0) };
    const spec = variantSpec(config, best.params, args.timeframe);
    if (typeof spec === 'string') throw new ValidationError(`Window ${w.index}: best variant has no runnable spec: ${spec}`);
    initialCash ??= spec.initialCash;
    // The variant's spec is checked already (variantSpec); the request carries it as it is.
    const job = deps.executor.submit({
      instrument,
      ...(target.universe ? { universe: target.universe } : {}),
      timeframe: args.timeframe,
      spec,
      fromTs: w.outOfSample.fromTs,
      toTs: w.outOfSample.toTs,
      ...(args.magnifier === undefined ? {} : { magnifier: args.magnifier }),
    });
    const unsubscribe = control.cancel?.onCancel(() => job.cancel());
    let oos;
    try {
      oos = await job.result;
    } finally {
      unsubscribe?.();
    }
    const n = oos.ts.length;
    segments.push({ ts: oos.ts, equity: oos.result.equity, trades: oos.result.trades, metrics: oos.result.metrics });
    results.push({
      index: w.index,
      inSample: w.inSample,
      outOfSample: w.outOfSample,
      bestParams: best.params,
      bestEligible: best.eligible,
      fallback,
      outOfSampleOpenPosition: oos.result.openPosition,
      inSampleMetrics: best.metrics!,
      outOfSampleMetrics: oos.result.metrics,
      efficiency: efficiencyRatio(oos.result.metrics.annualizedReturnPct, best.metrics!.annualizedReturnPct),
      counts: outcome.counts,
      inSampleBarsRead: outcome.barsRead,
      outOfSampleBars: { count: n, firstTs: n > 0 ? oos.ts[0]! : null, lastTs: n > 0 ? oos.ts[n - 1]! : null },
    });
    if (control.onWindow && results.length < windows.length) control.onWindow(summarize(target, results, segments, initialCash!, barMs, false, windows.length));
  }
  if (results.length === 0) throw new ValidationError('Walk-forward was cancelled before its first window finished');
  return summarize(target, results, segments, initialCash!, barMs, cancelled, windows.length);
}

/** The result of the windows run: their stitched out-of-sample equity, its metrics and the efficiency. */
function summarize(
  target: SweepInstruments,
  results: readonly WalkForwardWindowResult[],
  segments: readonly OutOfSampleSegment[],
  initialCash: number,
  barMs: number,
  cancelled: boolean,
  windowsPlanned: number,
): WalkForwardResult {
  const stitched = stitchOutOfSample(segments, initialCash, barMs);
  const isReturns = results.map((r) => r.inSampleMetrics.annualizedReturnPct).filter((x): x is number => x !== null);
  const isMean = isReturns.length > 0 ? isReturns.reduce((a, b) => a + b, 0) / isReturns.length : null;
  return {
    symbol: target.instrument.symbol,
    symbols: target.universe ? target.universe.instruments.map((i) => i.symbol) : null,
    windows: [...results],
    windowsPlanned,
    equity: { ts: stitched.ts, equity: stitched.equity },
    metrics: stitched.metrics,
    inSampleAnnualizedReturnPct: isMean,
    efficiency: efficiencyRatio(stitched.metrics.annualizedReturnPct, isMean),
    cancelled,
  };
}
