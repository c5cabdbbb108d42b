import { DomainError } from '../errors.js';
import { sliceBars, type BarColumns } from '../market/bars.js';
import { timeframeMs } from '../market/timeframe.js';
import type { StrategySpec } from '../strategy/spec.js';
import { Account } from './account.js';
import { TRUE, UNKNOWN } from './conditions.js';
import { OrderMatchingEngine } from './execution.js';
import { PercentPlusFixedFeeModel } from './fee-model.js';
import { SlippageFillModel } from './fill-model.js';
import { EquityCurveStats, metricsOf } from './metrics.js';
import { SpecStrategy } from './strategy.js';
import { BacktestCancelledError, type BacktestConfig, type BacktestInput, type BacktestResult } from './types.js';

/** Bumped whenever a change to the engine can change any output for the same inputs. */
export const ENGINE_VERSION = '1.0.0';

/** Bars between progress reports and cancellation polls. */
const SLICE = 65_536;
/**
 * Bars per block: operand values and signals are computed a block at a time into small
 * reused buffers (they stay in cache, and memory does not grow with history); the bar
 * loop then runs over the block. SLICE is a multiple of it.
 */
const BLOCK = 4096;

/** A backtest fed bar chunks in order; `finish()` returns the same result as one whole-array run. */
export interface BacktestSession {
  /**
   * Processes the next bars (sorted, after the previous chunk). `magnifierBars` are the
   * 1-minute bars covering the same span as this chunk.
   */
  onChunk(bars: BarColumns, magnifierBars?: BarColumns): void;
  /** Ends the run: drops any order still pending (there is no next open) and computes metrics. */
  finish(): BacktestResult;
  readonly barsProcessed: number;
}

/** Runs a backtest over whole arrays (the fast path: one chunk). */
export function runBacktest(input: BacktestInput): BacktestResult {
  const session = createBacktest(input, Math.max(0, input.bars.ts.length - (input.warmUpBars ?? 0)));
  session.onChunk(input.bars, input.magnifierBars);
  return session.finish();
}

/**
 * Starts a streaming backtest. All loop state lives in the session's parts (the account's
 * cash and position, the execution's pending order and brackets, the strategy's kernels
 * and trigger carry, the engine's peak), so chunks continue exactly where the previous
 * one stopped. `totalBars` (optional) presizes the outputs and is the progress total.
 */
export function createBacktest(config: BacktestConfig, totalBars?: number): BacktestSession {
  return new BacktestEngine(config, totalBars);
}

class BacktestEngine implements BacktestSession {
  private readonly spec: StrategySpec;
  private readonly baseMs: number;
  private readonly hasBrackets: boolean;
  private readonly account: Account;
  private readonly execution: OrderMatchingEngine;
  private readonly strategy: SpecStrategy;

  // Outputs and run statistics.
  private equity: Float64Array;
  private drawdown: Float64Array;
  private readonly timeChunks: Float64Array[] = [];
  /** A block of FALSE: stands in for an absent condition in the scans. */
  private readonly never = new Uint8Array(BLOCK);
  /** False while writing into caller-provided output arrays. */
  private ownOutputs: boolean;
  /**
   * The metrics' pass over the equity curve: over the whole curve at the end when the
   * drawdown is kept (`keep: 'all'`), else fed block by block, the drawdown (and without
   * a curve, `keep: 'metrics'`, the equity too) written into one block's scratch.
   */
  private readonly curve: EquityCurveStats;
  private readonly keepsCurve: boolean;
  private readonly keepsDrawdown: boolean;
  /** Fed block by block: the block's flat scans as [start, end) pairs of block positions, for the curve's pass to skip (else null). */
  private readonly flatRuns: Int32Array | null;
  private flatRunCount = 0;
  private peak: number;
  private exposureBars = 0;
  private processed = 0;
  private nextPoll = 0;
  private firstClose = Number.NaN;
  private lastClose = Number.NaN;
  private lastTs = Number.NEGATIVE_INFINITY;
  private readonly totalBars: number;
  /** Leading bars still to be fed as warm-up only (config.warmUpBars), and those fed so far. */
  private warmUpLeft: number;
  private warmedUp = 0;

  constructor(
    private readonly config: BacktestConfig,
    totalBars: number | undefined,
  ) {
    const spec = config.spec;
    this.spec = spec;
    if (!(spec.initialCash > 0)) throw new DomainError(`initialCash must be positive, got ${spec.initialCash}`);
    this.peak = spec.initialCash;
    this.baseMs = timeframeMs(config.timeframe);
    this.totalBars = totalBars ?? Number.NaN;
    const warmUp = config.warmUpBars ?? 0;
    if (!(Number.isInteger(warmUp) && warmUp >= 0)) throw new DomainError(`warmUpBars must be a whole number >= 0, got ${warmUp}`);
    this.warmUpLeft = warmUp;
    const keep = config.keep ?? 'all';
    this.keepsCurve = keep !== 'metrics';
    this.keepsDrawdown = keep === 'all';
    this.curve = new EquityCurveStats(spec.initialCash);
    this.flatRuns = this.keepsDrawdown ? null : new Int32Array(2 * BLOCK);
    const equityCapacity = this.keepsCurve ? (totalBars ?? 1024) : BLOCK;
    const drawdownCapacity = this.keepsDrawdown ? equityCapacity : BLOCK;
    const outputs = config.outputs;
    this.ownOutputs = !(outputs && outputs.equity.length >= equityCapacity && (!this.keepsDrawdown || (outputs.drawdownPct?.length ?? 0) >= drawdownCapacity));
    this.equity = this.ownOutputs ? new Float64Array(equityCapacity) : outputs!.equity;
    this.drawdown = this.ownOutputs || !this.keepsDrawdown ? new Float64Array(drawdownCapacity) : outputs!.drawdownPct!;

    const m = spec.management;
    this.hasBrackets = m.stopLoss !== undefined || m.takeProfit !== undefined || m.trailingStop !== undefined;
    this.account = new Account(spec.initialCash, config.keep !== 'metrics');
    this.execution = new OrderMatchingEngine(this.account, new SlippageFillModel(spec.costs, config.instrument.priceTick), new PercentPlusFixedFeeModel(spec.costs), {
      sizing: spec.sizing,
      management: m,
      quantityStep: config.instrument.quantityStep,
      barMs: this.baseMs,
      magnifier: config.magnifier !== false && config.timeframe !== '1m',
      // Equal-weight sizing spreads the equity over a portfolio's slots; a run of one instrument is a portfolio of one.
      slots: spec.portfolio?.maxPositions ?? 1,
    });
    this.strategy = new SpecStrategy(spec, config.timeframe, config.series, this.account.position, this.execution);
  }

  get barsProcessed(): number {
    return this.processed;
  }

  // Chunks -----------------------------------------------------------------------

  onChunk(chunk: BarColumns, magnifierBars?: BarColumns): void {
    const total = chunk.ts.length;
    if (total === 0) return;
    if (chunk.ts[0]! <= this.lastTs) throw new DomainError(`Chunk starts at ${chunk.ts[0]}, not after the previous bar ${this.lastTs}`);
    let bars = chunk;
    if (this.warmUpLeft > 0) {
      const k = Math.min(this.warmUpLeft, total);
      this.warmUp(k === total ? chunk : sliceBars(chunk, 0, k));
      if (k === total) return;
      bars = sliceBars(chunk, k, total);
    }
    const n = bars.ts.length;
    const g0 = this.processed;
    // Precomputed series hold one value per bar fed, warm-up bars included.
    const fed = g0 + this.warmedUp;
    if (this.keepsCurve) this.ensureCapacity(g0 + n);
    this.execution.startChunk(bars, magnifierBars);
    if (g0 === 0) this.firstClose = bars.close[0]!;
    // Bar times for the metrics: the chunks' own arrays, joined only if there are several.
    if (this.keepsDrawdown) this.timeChunks.push(bars.ts);
    for (let from = 0; from < n; from += BLOCK) {
      const to = Math.min(n, from + BLOCK);
      if (this.processed >= this.nextPoll) this.poll();
      this.strategy.onBlock(bars, from, to, fed);
      if (this.keepsDrawdown) this.loop(bars, from, to, g0, g0, g0);
      else if (this.keepsCurve) {
        // The block's drawdown goes to the scratch's start; the pass reads the block of the curve.
        this.loop(bars, from, to, g0, g0, -from);
        this.curve.push(bars.ts.subarray(from, to), this.equity.subarray(g0 + from, g0 + to), this.drawdown, to - from, this.flatRuns!, this.flatRunCount);
      } else {
        this.loop(bars, from, to, g0, -from, -from);
        this.curve.push(bars.ts.subarray(from, to), this.equity, this.drawdown, to - from, this.flatRuns!, this.flatRunCount);
      }
      this.processed = g0 + to;
    }
    this.config.onProgress?.(this.processed, this.totalBars);
    this.lastClose = bars.close[n - 1]!;
    this.lastTs = bars.ts[n - 1]!;
    this.execution.endChunk();
  }

  /**
   * Feeds warm-up bars (before the run's first bar) to the strategy only: indicators,
   * buckets and condition carry advance; no order is decided, no equity is marked: these
   * bars are not part of the run's results.
   */
  private warmUp(bars: BarColumns): void {
    const n = bars.ts.length;
    for (let from = 0; from < n; from += BLOCK) this.strategy.onWarmUpBlock(bars, from, Math.min(n, from + BLOCK), this.warmedUp);
    this.warmedUp += n;
    this.warmUpLeft -= n;
    this.lastTs = bars.ts[n - 1]!;
  }

  /** Reports progress (past the first bar) and asks whether to cancel; next time SLICE bars on. */
  private poll(): void {
    const done = this.processed;
    if (done > 0) this.config.onProgress?.(done, this.totalBars);
    if (this.config.shouldCancel?.()) throw new BacktestCancelledError(done);
    this.nextPoll = (Math.floor(done / SLICE) + 1) * SLICE;
  }

  /**
   * The bar loop over [from, to) of the chunk (the clock). Per bar: (1) the execution
   * fills the order submitted at the last close at this open; (2) it resolves stops,
   * targets and the trailing stop inside the bar; (3) at the close, the strategy's
   * signals are read and, where one may act, its onBar decides and may submit the next
   * order; (4) the account's equity is marked at the close.
   *
   * Cash, side and quantity are mirrored in locals and reloaded from the account after
   * each call that can fill; stretches where only a signal can act run in tight scans
   * over the strategy's signal arrays (the scans are most of a simple strategy's bars).
   * Bar i's equity is written at [outE + i] (g0 + i: the run's curve), its drawdown at
   * [outD + i].
   */
  private loop(bars: BarColumns, from: number, to: number, g0: number, outE: number, outD: number): void {
    const close = bars.close;
    const equity = this.equity;
    const drawdown = this.drawdown;
    const strategy = this.strategy;
    const execution = this.execution;
    const account = this.account;
    const position = account.position;
    const hasBrackets = this.hasBrackets;
    const usesPositionValues = strategy.usesPositionValues;
    const positionValues = strategy.positionValues;
    const hasDynamics = strategy.hasDynamics;
    const everyBarRules = strategy.everyBarRules;
    const entryLongAt = strategy.entryLongAt;
    const entryShortAt = strategy.entryShortAt;
    const exitLongAt = strategy.exitLongAt;
    const exitShortAt = strategy.exitShortAt;
    const el = strategy.entryLongSignals;
    const es = strategy.entryShortSignals;
    const xl = strategy.exitLongSignals;
    const xs = strategy.exitShortSignals;
    // Stretches of bars where nothing but a signal can happen run in tight scans below;
    // any bar where a relevant signal is TRUE (or anything else may act) takes the
    // general path. Both produce the same numbers; the scans only skip work.
    const never = this.never;
    const elA = el ?? never;
    const esA = es ?? never;
    const xlA = xl ?? never;
    const xsA = xs ?? never;
    const canScanFlat = !hasDynamics;
    const canScanPosition = !hasDynamics && !hasBrackets && !everyBarRules && !usesPositionValues;
    const reversals = this.spec.direction === 'both';
    const adds = this.spec.management.pyramiding !== undefined;
    const flatRuns = this.flatRuns;
    const keepsCurve = this.keepsCurve;
    const keepsDrawdown = this.keepsDrawdown;
    let runs = 0;
    let peak = this.peak;
    let exposure = this.exposureBars;
    let side = position.side;
    let cash = account.cash;
    let qty = position.quantity;
    let i = from;
    while (i < to) {
      if (execution.pending === null) {
        if (side === 0 && canScanFlat) {
          // Flat: equity is the cash; only an entry signal can change anything.
          if (usesPositionValues) positionValues.fill(Number.NaN);
          if (cash > peak) peak = cash;
          const dd = ((cash - peak) / peak) * 100;
          const start = i;
          i = from + firstSignal(never, elA, esA, never, i - from, to - from);
          // Without a kept drawdown the curve's pass reads a flat run's first bar and
          // the block's last (flatRuns), not the bars between: only those are written.
          if (i > start) {
            if (keepsCurve) equity.fill(cash, outE + start, outE + i);
            else equity[outE + start] = equity[outE + i - 1] = cash;
            if (keepsDrawdown) drawdown.fill(dd, outD + start, outD + i);
            else drawdown[outD + start] = drawdown[outD + i - 1] = dd;
          }
          if (flatRuns !== null && i - start > 1) {
            flatRuns[2 * runs] = start - from;
            flatRuns[2 * runs + 1] = i - from;
            runs++;
          }
          if (i === to) break;
        } else if (side !== 0 && canScanPosition) {
          // In a position without brackets or every-bar rules: mark to market until a relevant signal.
          const a = side === 1 ? xlA : xsA;
          const b = reversals ? (side === 1 ? esA : elA) : never;
          const c = adds ? (side === 1 ? elA : esA) : never;
          const held = side * qty;
          const start = i;
          const end = from + firstSignal(never, a, b, c, i - from, to - from);
          for (; i < end; i++) {
            const e = cash + held * close[i]!;
            if (e > peak) peak = e;
            equity[outE + i] = e;
            drawdown[outD + i] = ((e - peak) / peak) * 100;
          }
          exposure += i - start;
          if (i === to) break;
        }
      }
      const g = g0 + i;
      if (execution.pending !== null) {
        execution.fillPendingAtOpen(i, g);
        side = position.side;
        cash = account.cash;
        qty = position.quantity;
      }
      if (hasBrackets && side !== 0) {
        execution.resolveIntrabar(i, g);
        side = position.side;
        cash = account.cash;
        qty = position.quantity;
      }
      const c = close[i]!;
      // The strategy's close. Position variables, dynamic conditions and the signal reads
      // stay inline here, not in strategy.onBar: as a call on every bar of this path they
      // cost ~7 % on a strategy with brackets (bench/engine-ab.ts, docs/BENCHMARKS.md).
      if (usesPositionValues) {
        if (side !== 0) {
          positionValues[0] = (side * (c - position.avgEntry) * 100) / position.avgEntry;
          positionValues[1] = g - position.entryBar + 1;
          positionValues[2] = position.avgEntry;
        } else positionValues.fill(Number.NaN);
      }
      // Dynamic conditions carry per-bar state (crosses, streaks): evaluate all, every bar.
      let del = UNKNOWN;
      let des = UNKNOWN;
      let dxl = UNKNOWN;
      let dxs = UNKNOWN;
      if (hasDynamics) {
        if (entryLongAt !== null) del = entryLongAt.at(i);
        if (entryShortAt !== null) des = entryShortAt.at(i);
        if (exitLongAt !== null) dxl = exitLongAt.at(i);
        if (exitShortAt !== null) dxs = exitShortAt.at(i);
      }
      const k = i - from;
      const sigEL = el !== null ? el[k]! : del;
      const sigES = es !== null ? es[k]! : des;
      let e: number;
      if (side === 0) {
        if (sigEL === TRUE || sigES === TRUE) strategy.onBar(i, g, c, sigEL === TRUE, sigES === TRUE, false, false);
        e = cash;
      } else {
        exposure++;
        const sigXL = xl !== null ? xl[k]! : dxl;
        const sigXS = xs !== null ? xs[k]! : dxs;
        if (everyBarRules || sigEL === TRUE || sigES === TRUE || sigXL === TRUE || sigXS === TRUE) {
          strategy.onBar(i, g, c, sigEL === TRUE, sigES === TRUE, sigXL === TRUE, sigXS === TRUE);
        }
        // An order submitted here fills at the next open: cash, side and quantity hold.
        e = cash + side * qty * c;
      }
      if (e > peak) peak = e;
      equity[outE + i] = e;
      drawdown[outD + i] = ((e - peak) / peak) * 100;
      i++;
    }
    this.peak = peak;
    this.exposureBars = exposure;
    this.flatRunCount = runs;
  }

  // Results ----------------------------------------------------------------------

  private ensureCapacity(size: number): void {
    if (size <= this.equity.length) return;
    const capacity = Math.max(size, this.equity.length * 2);
    this.equity = grow(this.equity, capacity);
    if (this.keepsDrawdown) this.drawdown = grow(this.drawdown, capacity);
    this.ownOutputs = true;
  }

  finish(): BacktestResult {
    this.execution.cancelPending();
    const n = this.processed;
    // Caller-provided outputs come back as views; own arrays are trimmed to the bars run.
    const trim = (a: Float64Array, kept: boolean) => (!kept ? new Float64Array(0) : a.length === n ? a : this.ownOutputs ? a.slice(0, n) : a.subarray(0, n));
    const equity = trim(this.equity, this.keepsCurve);
    const drawdownPct = trim(this.drawdown, this.keepsDrawdown);
    if (this.keepsDrawdown) this.curve.push(this.timeChunks.length === 1 ? this.timeChunks[0]! : joinChunks(this.timeChunks, n), equity, drawdownPct, n);
    const account = this.account;
    const metrics = metricsOf(this.curve, {
      barMs: this.baseMs,
      initialCash: this.spec.initialCash,
      trades: account.closed,
      tally: account.tally,
      exposureBars: this.exposureBars,
      totalFees: account.totalFees,
      firstClose: this.firstClose,
      lastClose: this.lastClose,
    });
    return {
      trades: account.closed,
      equity,
      drawdownPct,
      markers: account.fills,
      openPosition: account.openPosition(this.lastClose, n),
      metrics,
      barsProcessed: n,
      warmUpBars: this.warmedUp,
    };
  }
}

/**
 * The first block position in [k, n) where any of the signal arrays is TRUE, or n
 * (`never`, a block of FALSE, stands for an absent array and is not searched). The
 * arrays hold only FALSE, TRUE and UNKNOWN, so TRUE is the byte 1: the native indexOf
 * finds it faster than a compare per bar in JS, and a scan reads no signal per bar.
 */
function firstSignal(never: Uint8Array, a: Uint8Array, b: Uint8Array, c: Uint8Array, k: number, n: number): number {
  let end = a === never ? n : firstTrue(a, k, n);
  if (b !== never && b !== a) end = firstTrue(b, k, end);
  if (c !== never && c !== a && c !== b) end = firstTrue(c, k, end);
  return end;
}

/** The first position of TRUE in a[k, n), or n (a signal array may be longer than the block). */
function firstTrue(a: Uint8Array, k: number, n: number): number {
  if (k >= n) return n;
  const at = a.indexOf(TRUE, k);
  return at < 0 || at > n ? n : at;
}

/**
 * The chunks' times as one array: a view when they are consecutive views of one buffer
 * (a streamed run feeds its bars' times that way, so ten years of minutes are not held
 * twice), else a copy.
 */
function joinChunks(chunks: readonly Float64Array[], n: number): Float64Array {
  const first = chunks[0];
  if (first && contiguous(chunks)) return new Float64Array(first.buffer, first.byteOffset, n);
  const out = new Float64Array(n);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function contiguous(chunks: readonly Float64Array[]): boolean {
  for (let k = 1; k < chunks.length; k++) {
    const prev = chunks[k - 1]!;
    const c = chunks[k]!;
    if (c.buffer !== prev.buffer || c.byteOffset !== prev.byteOffset + prev.byteLength) return false;
  }
  return true;
}

function grow(a: Float64Array, capacity: number): Float64Array {
  const out = new Float64Array(capacity);
  out.set(a);
  return out;
}
