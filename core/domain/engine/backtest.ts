import { DomainError } from '../errors.js';
import { sliceBars, type BarColumns } from '../market/bars.js';
import { timeframeMs } from '../market/timeframe.js';
import type { Condition, Distance, Side, StrategySpec, VariableOperand } from '../strategy/spec.js';
import { compileCondition, TRUE, UNKNOWN, type CompiledCondition, type OperandResolver } from './conditions.js';
import { buyPrice, commission, orderQuantity, roundDownQuantity, sellPrice } from './fills.js';
import { computeMetrics } from './metrics.js';
import { createSeriesSource, isPositionVariable, operandKey, POSITION_VARIABLES, type ChunkValues, type SeriesSource } from './operands.js';
import {
  BacktestCancelledError,
  type BacktestConfig,
  type BacktestInput,
  type BacktestResult,
  type ExitReason,
  type Marker,
  type MarkerKind,
  type OpenPosition,
  type Trade,
} from './types.js';

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

// What the loop decided at a close, to execute at the next bar's open.
const NONE = 0;
const EXIT = 1;
const REVERSE = 2;
const PARTIAL = 3;
const ADD = 4;
const ENTER = 5;

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
 * Starts a streaming backtest. All loop state (cash, position, levels, pending order,
 * indicator kernels, trigger carry, peak) lives in the session, so chunks continue
 * exactly where the previous one stopped. `totalBars` (optional) presizes the outputs
 * and is the progress total.
 */
export function createBacktest(config: BacktestConfig, totalBars?: number): BacktestSession {
  return new BacktestEngine(config, totalBars);
}

type Top = CompiledCondition | null;

class BacktestEngine implements BacktestSession, OperandResolver {
  private readonly spec: StrategySpec;
  private readonly baseMs: number;
  private readonly tick: number;
  private readonly step: number;
  private readonly useMagnifier: boolean;
  private readonly sources = new Map<string, SeriesSource>();
  readonly positionValues = new Float64Array(POSITION_VARIABLES.length).fill(Number.NaN);
  /** Counts blocks: shared condition passes (crossing pairs) cache their results by it. */
  blockId = 0;
  private usesPositionValues = false;
  private readonly entryLong: Top;
  private readonly entryShort: Top;
  private readonly exitLong: Top;
  private readonly exitShort: Top;
  private readonly dynamics: Extract<CompiledCondition, { kind: 'dynamic' }>[] = [];
  // ATR values for ATR distances (stop, target, trail), read at the signal's close.
  private readonly stopAtr: ChunkValues | null;
  private readonly targetAtr: ChunkValues | null;
  private readonly trailAtr: ChunkValues | null;
  private readonly hasIntrabar: boolean;

  // Account and position.
  private cash: number;
  private side = 0;
  private qty = 0;
  private avgEntry = 0;
  private entryFees = 0;
  private entryBar = 0;
  private entryTs = 0;
  private lastFill = 0;
  private adds = 0;
  private partialDone = false;
  private stopLevel = Number.NaN;
  private targetLevel = Number.NaN;
  private trailDistance = Number.NaN;
  private trailActivation = Number.NaN;
  private trailActive = false;
  private extreme = 0;

  // The order decided at the last close.
  private pending = NONE;
  private pendingSide = 0;
  private pendingReason: ExitReason = 'signal';
  private pendingStopAtr = Number.NaN;
  private pendingTargetAtr = Number.NaN;
  private pendingTrailAtr = Number.NaN;

  // Outputs.
  private equity: Float64Array;
  private drawdown: Float64Array;
  private readonly timeChunks: Float64Array[] = [];
  /** A block of FALSE: stands in for an absent condition in the scans. */
  private readonly never = new Uint8Array(BLOCK);
  /** False while writing into caller-provided output arrays. */
  private ownOutputs: boolean;
  private peak: number;
  private exposureBars = 0;
  private totalFees = 0;
  private readonly trades: Trade[] = [];
  private readonly markers: Marker[] = [];
  private processed = 0;
  private nextPoll = 0;
  private firstClose = Number.NaN;
  private lastClose = Number.NaN;
  private lastTs = Number.NEGATIVE_INFINITY;
  private readonly totalBars: number;
  /** Leading bars still to be fed as warm-up only (config.warmUpBars), and those fed so far. */
  private warmUpLeft: number;
  private warmedUp = 0;

  // The chunk being processed.
  private bars: BarColumns | null = null;
  private magnifier: BarColumns | null = null;
  private magnifierIndex = 0;

  constructor(
    private readonly config: BacktestConfig,
    totalBars: number | undefined,
  ) {
    const spec = config.spec;
    this.spec = spec;
    if (!(spec.initialCash > 0)) throw new DomainError(`initialCash must be positive, got ${spec.initialCash}`);
    this.cash = spec.initialCash;
    this.peak = spec.initialCash;
    this.baseMs = timeframeMs(config.timeframe);
    this.tick = config.instrument.priceTick;
    this.step = config.instrument.quantityStep;
    this.useMagnifier = config.magnifier !== false && config.timeframe !== '1m';
    this.totalBars = totalBars ?? Number.NaN;
    const warmUp = config.warmUpBars ?? 0;
    if (!(Number.isInteger(warmUp) && warmUp >= 0)) throw new DomainError(`warmUpBars must be a whole number >= 0, got ${warmUp}`);
    this.warmUpLeft = warmUp;
    const capacity = totalBars ?? 1024;
    const outputs = config.outputs;
    this.ownOutputs = !(outputs && outputs.equity.length >= capacity && outputs.drawdownPct.length >= capacity);
    this.equity = this.ownOutputs ? new Float64Array(capacity) : outputs!.equity;
    this.drawdown = this.ownOutputs ? new Float64Array(capacity) : outputs!.drawdownPct;

    const longAllowed = spec.direction !== 'short';
    const shortAllowed = spec.direction !== 'long';
    this.entryLong = longAllowed ? this.compileTop(spec.entry.long) : null;
    this.entryShort = shortAllowed ? this.compileTop(spec.entry.short) : null;
    this.exitLong = longAllowed ? this.compileTop(spec.exit.long) : null;
    this.exitShort = shortAllowed ? this.compileTop(spec.exit.short) : null;

    const m = spec.management;
    this.stopAtr = this.atrSource(m.stopLoss);
    this.targetAtr = this.atrSource(m.takeProfit);
    this.trailAtr = this.atrSource(m.trailingStop?.distance);
    this.hasIntrabar = m.stopLoss !== undefined || m.takeProfit !== undefined || m.trailingStop !== undefined;
  }

  get barsProcessed(): number {
    return this.processed;
  }

  // OperandResolver --------------------------------------------------------------

  series(operand: VariableOperand): ChunkValues {
    const key = operandKey(operand, this.config.timeframe);
    let source = this.sources.get(key);
    if (!source) {
      source = createSeriesSource(operand, this.config.timeframe, this.config.series);
      this.sources.set(key, source);
    }
    return source.current;
  }

  positionSlot(variable: string): number {
    if (!isPositionVariable(variable)) return -1;
    this.usesPositionValues = true;
    return POSITION_VARIABLES.indexOf(variable);
  }

  private compileTop(condition: Condition | undefined): Top {
    if (!condition) return null;
    const compiled = compileCondition(condition, this);
    if (compiled.kind === 'dynamic') this.dynamics.push(compiled);
    return compiled;
  }

  private atrSource(distance: Distance | undefined): ChunkValues | null {
    if (distance?.kind !== 'atr') return null;
    return this.series({ kind: 'variable', variable: 'atr', params: { period: distance.period } });
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
    this.ensureCapacity(g0 + n);
    this.bars = bars;
    this.magnifier = this.useMagnifier && magnifierBars && magnifierBars.ts.length > 0 ? magnifierBars : null;
    this.magnifierIndex = 0;
    if (g0 === 0) this.firstClose = bars.close[0]!;
    // Bar times for the metrics: the chunks' own arrays, joined only if there are several.
    this.timeChunks.push(bars.ts);
    for (let from = 0; from < n; from += BLOCK) {
      const to = Math.min(n, from + BLOCK);
      if (this.processed >= this.nextPoll) this.poll();
      for (const source of this.sources.values()) source.advance(bars, from, to, fed);
      this.blockId++;
      const el = this.staticSignals(this.entryLong, from, to);
      const es = this.staticSignals(this.entryShort, from, to);
      const xl = this.staticSignals(this.exitLong, from, to);
      const xs = this.staticSignals(this.exitShort, from, to);
      for (const d of this.dynamics) d.prepare(from, to);
      this.loop(bars, from, to, g0, el, es, xl, xs);
      this.processed = g0 + to;
    }
    this.config.onProgress?.(this.processed, this.totalBars);
    this.lastClose = bars.close[n - 1]!;
    this.lastTs = bars.ts[n - 1]!;
    this.bars = null;
    this.magnifier = null;
  }

  /**
   * Feeds warm-up bars (before the run's first bar): indicators and higher-timeframe
   * buckets advance and every condition is evaluated, so the trigger carry (previous
   * values of crosses, streaks) is that of a longer run, flat at this point. No order is
   * decided, no equity is marked: these bars are not part of the run's results.
   */
  private warmUp(bars: BarColumns): void {
    const n = bars.ts.length;
    for (let from = 0; from < n; from += BLOCK) {
      const to = Math.min(n, from + BLOCK);
      for (const source of this.sources.values()) source.advance(bars, from, to, this.warmedUp);
      this.blockId++;
      this.staticSignals(this.entryLong, from, to);
      this.staticSignals(this.entryShort, from, to);
      this.staticSignals(this.exitLong, from, to);
      this.staticSignals(this.exitShort, from, to);
      // Flat: position variables stay NaN (as the loop sets them while flat).
      for (const d of this.dynamics) d.prepare(from, to);
      for (let i = from; i < to; i++) for (const d of this.dynamics) d.at(i);
    }
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

  private staticSignals(top: Top, from: number, to: number): Uint8Array | null {
    return top?.kind === 'static' ? top.evaluate(from, to) : null;
  }

  /**
   * The bar loop over [from, to) of the chunk. Per bar: (1) the order decided at the last
   * close fills at this open; (2) stops, targets and the trailing stop resolve inside
   * the bar; (3) at the close, position state and signals are read and the next order
   * decided; (4) equity is marked at the close.
   */
  private loop(
    bars: BarColumns,
    from: number,
    to: number,
    g0: number,
    el: Uint8Array | null,
    es: Uint8Array | null,
    xl: Uint8Array | null,
    xs: Uint8Array | null,
  ): void {
    const close = bars.close;
    const equity = this.equity;
    const drawdown = this.drawdown;
    const entryLong = this.entryLong;
    const entryShort = this.entryShort;
    const exitLong = this.exitLong;
    const exitShort = this.exitShort;
    const dynamics = this.dynamics;
    const hasDynamics = dynamics.length > 0;
    const hasIntrabar = this.hasIntrabar;
    const usesPositionValues = this.usesPositionValues;
    const positionValues = this.positionValues;
    const m = this.spec.management;
    // Rules that can act on a bar without an exit or entry signal.
    const everyBarRules = m.timeExitBars !== undefined || m.partialExit !== undefined;
    // Stretches of bars where nothing but a signal can happen run in tight scans below;
    // any bar where a relevant signal is TRUE (or anything else may act) takes the
    // general path. Both produce the same numbers; the scans only skip work.
    const never = this.never;
    const elA = el ?? never;
    const esA = es ?? never;
    const xlA = xl ?? never;
    const xsA = xs ?? never;
    const canScanFlat = !hasDynamics;
    const canScanPosition = !hasDynamics && !hasIntrabar && !everyBarRules && !usesPositionValues;
    const reversals = this.spec.direction === 'both';
    const adds = m.pyramiding !== undefined;
    let peak = this.peak;
    let exposure = this.exposureBars;
    // Mirrors of the account fields: reloaded after any call that can fill.
    let side = this.side;
    let cash = this.cash;
    let qty = this.qty;
    let i = from;
    while (i < to) {
      if (this.pending === NONE) {
        if (side === 0 && canScanFlat) {
          // Flat: equity is the cash; only an entry signal can change anything.
          if (usesPositionValues) positionValues.fill(Number.NaN);
          if (cash > peak) peak = cash;
          const dd = ((cash - peak) / peak) * 100;
          i = esA === never ? scanFlat1(elA, equity, drawdown, i, to, from, g0, cash, dd) : scanFlat2(elA, esA, equity, drawdown, i, to, from, g0, cash, dd);
          if (i === to) break;
        } else if (side !== 0 && canScanPosition) {
          // In a position without intrabar or every-bar rules: mark to market until a relevant signal.
          const a = side === 1 ? xlA : xsA;
          const b = reversals ? (side === 1 ? esA : elA) : never;
          const c = adds ? (side === 1 ? elA : esA) : never;
          const held = side * qty;
          const start = i;
          if (b === never && c === never) {
            // One signal array (a one-sided strategy): the common case, a tighter loop.
            for (; i < to; i++) {
              if (a[i - from]! & TRUE) break;
              const e = cash + held * close[i]!;
              if (e > peak) peak = e;
              equity[g0 + i] = e;
              drawdown[g0 + i] = ((e - peak) / peak) * 100;
            }
          } else {
            for (; i < to; i++) {
              const k = i - from;
              if ((a[k]! | b[k]! | c[k]!) & TRUE) break;
              const e = cash + held * close[i]!;
              if (e > peak) peak = e;
              equity[g0 + i] = e;
              drawdown[g0 + i] = ((e - peak) / peak) * 100;
            }
          }
          exposure += i - start;
          if (i === to) break;
        }
      }
      const g = g0 + i;
      if (this.pending !== NONE) {
        this.executePending(i, g);
        side = this.side;
        cash = this.cash;
        qty = this.qty;
      }
      if (hasIntrabar && side !== 0) {
        this.resolveIntrabar(i, g);
        side = this.side;
        cash = this.cash;
        qty = this.qty;
      }
      const c = close[i]!;
      if (usesPositionValues) {
        if (side !== 0) {
          positionValues[0] = (side * (c - this.avgEntry) * 100) / this.avgEntry;
          positionValues[1] = g - this.entryBar + 1;
          positionValues[2] = this.avgEntry;
        } else positionValues.fill(Number.NaN);
      }
      // Dynamic conditions carry per-bar state (crosses, streaks): evaluate all, every bar.
      let del = UNKNOWN;
      let des = UNKNOWN;
      let dxl = UNKNOWN;
      let dxs = UNKNOWN;
      if (hasDynamics) {
        if (entryLong?.kind === 'dynamic') del = entryLong.at(i);
        if (entryShort?.kind === 'dynamic') des = entryShort.at(i);
        if (exitLong?.kind === 'dynamic') dxl = exitLong.at(i);
        if (exitShort?.kind === 'dynamic') dxs = exitShort.at(i);
      }
      const k = i - from;
      const sigEL = el !== null ? el[k]! : del;
      const sigES = es !== null ? es[k]! : des;
      let e: number;
      if (side === 0) {
        if (sigEL === TRUE || sigES === TRUE) this.decideFlat(sigEL === TRUE, sigES === TRUE, i);
        e = cash;
      } else {
        exposure++;
        const sigXL = xl !== null ? xl[k]! : dxl;
        const sigXS = xs !== null ? xs[k]! : dxs;
        if (everyBarRules || sigEL === TRUE || sigES === TRUE || sigXL === TRUE || sigXS === TRUE) {
          this.decideInPosition(i, g, c, sigEL === TRUE, sigES === TRUE, sigXL === TRUE, sigXS === TRUE);
        }
        e = cash + side * qty * c;
      }
      if (e > peak) peak = e;
      equity[g] = e;
      drawdown[g] = ((e - peak) / peak) * 100;
      i++;
    }
    this.peak = peak;
    this.exposureBars = exposure;
  }

  // Decisions at the close --------------------------------------------------------

  private decideFlat(longSignal: boolean, shortSignal: boolean, i: number): void {
    // Both sides at once is ambiguous: no trade.
    if (longSignal === shortSignal) return;
    if (!this.captureAtr(i)) return;
    this.pending = ENTER;
    this.pendingSide = longSignal ? 1 : -1;
  }

  private decideInPosition(i: number, g: number, c: number, el: boolean, es: boolean, xl: boolean, xs: boolean): void {
    const m = this.spec.management;
    const long = this.side === 1;
    const opposite = long ? es : el;
    const exitSignal = long ? xl : xs;
    if (opposite && this.spec.direction === 'both' && this.captureAtr(i)) {
      this.pending = REVERSE;
      this.pendingSide = -this.side;
      this.pendingReason = 'reversal';
    } else if (exitSignal) {
      this.pending = EXIT;
      this.pendingReason = 'signal';
    } else if (m.timeExitBars !== undefined && g - this.entryBar + 1 >= m.timeExitBars) {
      this.pending = EXIT;
      this.pendingReason = 'timeExit';
    } else if (m.partialExit && !this.partialDone && (this.side * (c - this.avgEntry) * 100) / this.avgEntry >= m.partialExit.atProfitPct) {
      this.pending = PARTIAL;
      this.pendingReason = 'partialExit';
    } else if (
      m.pyramiding &&
      this.adds < m.pyramiding.maxAdds &&
      (long ? el : es) &&
      (this.side * (c - this.lastFill) * 100) / this.lastFill >= m.pyramiding.spacingPct &&
      this.captureAtr(i)
    ) {
      this.pending = ADD;
      this.pendingSide = this.side;
    }
  }

  /** Reads the ATRs the levels need at this close; false (no order) while one is not warm. */
  private captureAtr(i: number): boolean {
    this.pendingStopAtr = this.stopAtr ? this.stopAtr.values[this.stopAtr.offset + i]! : 0;
    this.pendingTargetAtr = this.targetAtr ? this.targetAtr.values[this.targetAtr.offset + i]! : 0;
    this.pendingTrailAtr = this.trailAtr ? this.trailAtr.values[this.trailAtr.offset + i]! : 0;
    return this.pendingStopAtr === this.pendingStopAtr && this.pendingTargetAtr === this.pendingTargetAtr && this.pendingTrailAtr === this.pendingTrailAtr;
  }

  // Fills at the open ------------------------------------------------------------

  private executePending(i: number, g: number): void {
    const bars = this.bars!;
    const open = bars.open[i]!;
    const ts = bars.ts[i]!;
    const kind = this.pending;
    this.pending = NONE;
    const costs = this.spec.costs;
    switch (kind) {
      case EXIT:
        this.closeQuantity(this.qty, this.exitPrice(open), this.pendingReason, g, ts, g - this.entryBar);
        return;
      case REVERSE: {
        this.closeQuantity(this.qty, this.exitPrice(open), 'reversal', g, ts, g - this.entryBar);
        this.open(this.pendingSide, open, g, ts);
        return;
      }
      case PARTIAL: {
        this.partialDone = true;
        const q = roundDownQuantity(this.qty * this.spec.management.partialExit!.fraction, this.step);
        if (q > 0 && q < this.qty) this.closeQuantity(q, this.exitPrice(open), 'partialExit', g, ts, g - this.entryBar);
        return;
      }
      case ADD: {
        const price = this.side === 1 ? buyPrice(open, costs, this.tick) : sellPrice(open, costs, this.tick);
        const equity = this.cash + this.side * this.qty * open;
        const q = orderQuantity(this.spec.sizing, equity, equity - this.qty * open, price, costs, this.step);
        if (q <= 0) return;
        const fee = this.fillEntry(q, price);
        this.avgEntry = (this.avgEntry * (this.qty - q) + price * q) / this.qty;
        this.adds++;
        this.setLevels();
        this.marker(g, ts, this.side === 1 ? 'addLong' : 'addShort', price, q, fee);
        return;
      }
      case ENTER:
        this.open(this.pendingSide, open, g, ts);
        return;
    }
  }

  private exitPrice(reference: number): number {
    return this.side === 1 ? sellPrice(reference, this.spec.costs, this.tick) : buyPrice(reference, this.spec.costs, this.tick);
  }

  /** Opens a position of `side` at this open, sized on the equity after any exit just made. */
  private open(side: number, open: number, g: number, ts: number): void {
    const costs = this.spec.costs;
    const price = side === 1 ? buyPrice(open, costs, this.tick) : sellPrice(open, costs, this.tick);
    const equity = this.cash;
    const q = orderQuantity(this.spec.sizing, equity, equity, price, costs, this.step);
    if (q <= 0) return;
    this.side = side;
    this.qty = 0;
    this.entryFees = 0;
    const fee = this.fillEntry(q, price);
    this.avgEntry = price;
    this.entryBar = g;
    this.entryTs = ts;
    this.adds = 0;
    this.partialDone = false;
    this.extreme = price;
    this.trailActive = false;
    this.setLevels();
    this.marker(g, ts, side === 1 ? 'entryLong' : 'entryShort', price, q, fee);
  }

  /** Books an entry or add fill of q at price: cash, fees, quantity, last fill. */
  private fillEntry(q: number, price: number): number {
    const fee = commission(q, price, this.spec.costs);
    this.cash += this.side === 1 ? -(q * price) - fee : q * price - fee;
    this.entryFees += fee;
    this.totalFees += fee;
    this.qty += q;
    this.lastFill = price;
    return fee;
  }

  /** Sets stop, target and trail from the average entry price (and the ATRs read at the signal). */
  private setLevels(): void {
    const m = this.spec.management;
    const s = this.side;
    const avg = this.avgEntry;
    this.stopLevel = m.stopLoss ? avg - s * distance(m.stopLoss, avg, this.pendingStopAtr) : Number.NaN;
    this.targetLevel = m.takeProfit ? avg + s * distance(m.takeProfit, avg, this.pendingTargetAtr) : Number.NaN;
    if (m.trailingStop) {
      this.trailDistance = distance(m.trailingStop.distance, avg, this.pendingTrailAtr);
      this.trailActivation = avg * (1 + (s * m.trailingStop.activationPct) / 100);
      if (s * (this.extreme - this.trailActivation) >= 0) this.trailActive = true;
    }
  }

  /** Closes q of the position at price; a trade record for the closed quantity. */
  private closeQuantity(q: number, price: number, reason: ExitReason, g: number, ts: number, barsHeld: number, fill: Marker['fill'] = 'open'): void {
    const fee = commission(q, price, this.spec.costs);
    const s = this.side;
    this.cash += s === 1 ? q * price - fee : -(q * price) - fee;
    this.totalFees += fee;
    const full = q >= this.qty;
    const entryShare = full ? this.entryFees : (this.entryFees * q) / this.qty;
    this.entryFees -= entryShare;
    const pnl = s * (price - this.avgEntry) * q - entryShare - fee;
    this.trades.push({
      side: s === 1 ? 'long' : 'short',
      entryTs: this.entryTs,
      exitTs: ts,
      entryBar: this.entryBar,
      exitBar: g,
      entryPrice: this.avgEntry,
      exitPrice: price,
      quantity: q,
      pnl,
      returnPct: (pnl * 100) / (this.avgEntry * q),
      fees: entryShare + fee,
      barsHeld,
      exitReason: reason,
    });
    const kind: MarkerKind = full ? (s === 1 ? 'exitLong' : 'exitShort') : s === 1 ? 'partialExitLong' : 'partialExitShort';
    this.marker(g, ts, kind, price, q, fee, fill);
    if (full) {
      this.side = 0;
      this.qty = 0;
      this.entryFees = 0;
      this.stopLevel = Number.NaN;
      this.targetLevel = Number.NaN;
      this.trailDistance = Number.NaN;
      this.trailActive = false;
    } else this.qty -= q;
  }

  private marker(bar: number, ts: number, kind: MarkerKind, price: number, quantity: number, fee: number, fill: Marker['fill'] = 'open'): void {
    this.markers.push({ bar, ts, kind, price, quantity, fee, fill });
  }

  // Inside the bar ----------------------------------------------------------------

  /** Resolves stops and targets in bar i: on its 1-minute path when available, else on its OHLC. */
  private resolveIntrabar(i: number, g: number): void {
    const bars = this.bars!;
    const mag = this.magnifier;
    if (mag) {
      const start = bars.ts[i]!;
      const end = start + this.baseMs;
      const mts = mag.ts;
      const m = mts.length;
      let j = this.magnifierIndex;
      while (j < m && mts[j]! < start) j++;
      this.magnifierIndex = j;
      if (j < m && mts[j]! < end) {
        for (; j < m && mts[j]! < end; j++) {
          if (this.resolveSpan(mag.open[j]!, mag.high[j]!, mag.low[j]!, mts[j]!, g)) return;
        }
        return;
      }
    }
    this.resolveSpan(bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.ts[i]!, g);
  }

  /**
   * One span (a bar, or a 1-minute bar of it) with unknown path inside: a gap through a
   * level fills at the open; otherwise the stop is assumed hit before the target (the
   * adverse order). The trail moves only after the span, with its extreme. True if it exited.
   */
  private resolveSpan(open: number, high: number, low: number, ts: number, g: number): boolean {
    const s = this.side;
    const stop = this.stopLevel;
    const target = this.targetLevel;
    const trail = this.trailActive ? this.extreme - s * this.trailDistance : Number.NaN;
    // The binding stop: the tighter of stop-loss and trail (NaN = absent).
    let level = stop;
    let reason: ExitReason = 'stopLoss';
    if (trail === trail && (level !== level || s * (trail - level) > 0)) {
      level = trail;
      reason = 'trailingStop';
    }
    const barsHeld = g - this.entryBar + 1;
    if (s === 1) {
      if (open <= level) return this.exitAt(open, reason, g, ts, barsHeld);
      if (open >= target) return this.exitAt(open, 'takeProfit', g, ts, barsHeld);
      if (low <= level) return this.exitAt(level, reason, g, ts, barsHeld);
      if (high >= target) return this.exitAt(target, 'takeProfit', g, ts, barsHeld);
      if (high > this.extreme) this.extreme = high;
    } else {
      if (open >= level) return this.exitAt(open, reason, g, ts, barsHeld);
      if (open <= target) return this.exitAt(open, 'takeProfit', g, ts, barsHeld);
      if (high >= level) return this.exitAt(level, reason, g, ts, barsHeld);
      if (low <= target) return this.exitAt(target, 'takeProfit', g, ts, barsHeld);
      if (low < this.extreme) this.extreme = low;
    }
    if (!this.trailActive && this.trailDistance === this.trailDistance && s * (this.extreme - this.trailActivation) >= 0) this.trailActive = true;
    return false;
  }

  private exitAt(reference: number, reason: ExitReason, g: number, ts: number, barsHeld: number): true {
    this.closeQuantity(this.qty, this.exitPrice(reference), reason, g, ts, barsHeld, 'intrabar');
    // An order decided at the last close for this position has nothing left to act on.
    return true;
  }

  // Results ----------------------------------------------------------------------

  private ensureCapacity(size: number): void {
    if (size <= this.equity.length) return;
    const capacity = Math.max(size, this.equity.length * 2);
    this.equity = grow(this.equity, capacity);
    this.drawdown = grow(this.drawdown, capacity);
    this.ownOutputs = true;
  }

  finish(): BacktestResult {
    this.pending = NONE;
    const n = this.processed;
    // Caller-provided outputs come back as views; own arrays are trimmed to the bars run.
    const trim = (a: Float64Array) => (a.length === n ? a : this.ownOutputs ? a.slice(0, n) : a.subarray(0, n));
    const equity = trim(this.equity);
    const drawdownPct = trim(this.drawdown);
    const times = this.timeChunks.length === 1 ? this.timeChunks[0]! : joinChunks(this.timeChunks, n);
    const openPosition = this.openPosition();
    const metrics = computeMetrics({
      ts: times,
      equity,
      drawdownPct,
      barMs: this.baseMs,
      initialCash: this.spec.initialCash,
      trades: this.trades,
      exposureBars: this.exposureBars,
      totalFees: this.totalFees,
      firstClose: this.firstClose,
      lastClose: this.lastClose,
    });
    return { trades: this.trades, equity, drawdownPct, markers: this.markers, openPosition, metrics, barsProcessed: n, warmUpBars: this.warmedUp };
  }

  private openPosition(): OpenPosition | null {
    if (this.side === 0) return null;
    const side: Side = this.side === 1 ? 'long' : 'short';
    const mark = this.lastClose;
    return {
      side,
      entryTs: this.entryTs,
      entryBar: this.entryBar,
      entryPrice: this.avgEntry,
      quantity: this.qty,
      markPrice: mark,
      unrealizedPnl: this.side * (mark - this.avgEntry) * this.qty - this.entryFees,
      fees: this.entryFees,
      barsHeld: this.processed - this.entryBar,
    };
  }
}

/**
 * The flat scan: equity is the cash until an entry signal; returns the first bar with one
 * (or `to`). One- and two-array versions so a one-sided strategy reads one signal per bar.
 */
function scanFlat1(el: Uint8Array, equity: Float64Array, drawdown: Float64Array, i: number, to: number, from: number, g0: number, cash: number, dd: number): number {
  for (; i < to; i++) {
    if (el[i - from]! & TRUE) break;
    equity[g0 + i] = cash;
    drawdown[g0 + i] = dd;
  }
  return i;
}

function scanFlat2(el: Uint8Array, es: Uint8Array, equity: Float64Array, drawdown: Float64Array, i: number, to: number, from: number, g0: number, cash: number, dd: number): number {
  for (; i < to; i++) {
    const k = i - from;
    if ((el[k]! | es[k]!) & TRUE) break;
    equity[g0 + i] = cash;
    drawdown[g0 + i] = dd;
  }
  return i;
}

function distance(d: Distance, avg: number, atr: number): number {
  return d.kind === 'percent' ? (avg * d.value) / 100 : d.multiple * atr;
}

function joinChunks(chunks: readonly Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function grow(a: Float64Array, capacity: number): Float64Array {
  const out = new Float64Array(capacity);
  out.set(a);
  return out;
}
