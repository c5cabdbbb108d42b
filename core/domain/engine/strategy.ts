import type { BarColumns } from '../market/bars.js';
import type { Timeframe } from '../market/timeframe.js';
import type { Condition, Distance, StrategySpec, VariableOperand } from '../strategy/spec.js';
import type { Position } from './account.js';
import { compileCondition, type CompiledCondition, type OperandResolver } from './conditions.js';
import type { OrderSink } from './execution.js';
import { createSeriesSource, isPositionVariable, operandKey, POSITION_VARIABLES, type ChunkValues, type SeriesSource } from './operands.js';
import type { OrderAction } from './orders.js';
import type { ExitReason } from './types.js';

type Top = CompiledCondition | null;
type Dynamic = Extract<CompiledCondition, { kind: 'dynamic' }>;

/**
 * The strategy a `StrategySpec` describes. It compiles the entry and exit conditions over
 * streamed operands (indicator kernels, precomputed series, higher-timeframe buckets),
 * computes each block's signals, and at a bar's close (`onBar`) decides at most one
 * order and submits it to the execution (`SubmitOrder`). It reads the position; it never
 * fills, prices or books anything.
 */
export class SpecStrategy implements OperandResolver {
  readonly positionValues = new Float64Array(POSITION_VARIABLES.length).fill(Number.NaN);
  /** Counts blocks: shared condition passes (crossing pairs) cache their results by it. */
  blockId = 0;
  /** True when a condition reads position state (unrealizedPnlPct, barsInTrade, entryPrice). */
  usesPositionValues = false;
  /** Conditions that read position state, evaluated at every close (their carry must see every bar). */
  readonly dynamics: Dynamic[] = [];
  readonly hasDynamics: boolean;
  /** Rules that can act at a close without a signal (time exit, partial exit). */
  readonly everyBarRules: boolean;

  // This block's signals, indexed i - from; null where the condition is absent or dynamic.
  entryLongSignals: Uint8Array | null = null;
  entryShortSignals: Uint8Array | null = null;
  exitLongSignals: Uint8Array | null = null;
  exitShortSignals: Uint8Array | null = null;
  // The same four conditions when dynamic (evaluated per bar with `at(i)`), else null.
  readonly entryLongAt: Dynamic | null;
  readonly entryShortAt: Dynamic | null;
  readonly exitLongAt: Dynamic | null;
  readonly exitShortAt: Dynamic | null;

  private readonly sources = new Map<string, SeriesSource>();
  private readonly entryLong: Top;
  private readonly entryShort: Top;
  private readonly exitLong: Top;
  private readonly exitShort: Top;
  // ATR values for ATR distances (stop, target, trail), read at the signal's close.
  private readonly stopAtr: ChunkValues | null;
  private readonly targetAtr: ChunkValues | null;
  private readonly trailAtr: ChunkValues | null;
  // The ATRs read by the last atrsAt() call, carried by the order it submits.
  private stopAtrAt = 0;
  private targetAtrAt = 0;
  private trailAtrAt = 0;

  /** The portfolio's ranking variable (spec.portfolio.ranking.by), streamed with the other operands; null without one. */
  private readonly rank: ChunkValues | null;

  constructor(
    private readonly spec: StrategySpec,
    private readonly timeframe: Timeframe,
    private readonly precomputed: ReadonlyMap<string, Float64Array> | undefined,
    private readonly position: Position,
    private readonly execution: OrderSink,
  ) {
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
    const rankBy = spec.portfolio?.ranking?.by;
    this.rank = rankBy ? this.series(rankBy) : null;
    this.everyBarRules = m.timeExitBars !== undefined || m.partialExit !== undefined;
    this.hasDynamics = this.dynamics.length > 0;
    this.entryLongAt = dynamic(this.entryLong);
    this.entryShortAt = dynamic(this.entryShort);
    this.exitLongAt = dynamic(this.exitLong);
    this.exitShortAt = dynamic(this.exitShort);
  }

  // OperandResolver --------------------------------------------------------------

  series(operand: VariableOperand): ChunkValues {
    const key = operandKey(operand, this.timeframe);
    let source = this.sources.get(key);
    if (!source) {
      source = createSeriesSource(operand, this.timeframe, this.precomputed);
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

  // Blocks -----------------------------------------------------------------------

  /**
   * Computes the operands and static signals of chunk bars [from, to) (`fed`: bars fed
   * before this chunk, warm-up included) and prepares the dynamic conditions.
   */
  onBlock(bars: BarColumns, from: number, to: number, fed: number): void {
    for (const source of this.sources.values()) source.advance(bars, from, to, fed);
    this.blockId++;
    this.entryLongSignals = staticSignals(this.entryLong, from, to);
    this.entryShortSignals = staticSignals(this.entryShort, from, to);
    this.exitLongSignals = staticSignals(this.exitLong, from, to);
    this.exitShortSignals = staticSignals(this.exitShort, from, to);
    for (const d of this.dynamics) d.prepare(from, to);
  }

  /**
   * A block of warm-up bars (before the run's first bar): operands advance and every
   * condition is evaluated, so the trigger carry (previous values of crosses, streaks) is
   * that of a longer run, flat at this point. Nothing is decided.
   */
  onWarmUpBlock(bars: BarColumns, from: number, to: number, fed: number): void {
    this.onBlock(bars, from, to, fed);
    // Flat: position variables stay NaN (as the engine sets them while flat).
    const dynamics = this.dynamics;
    if (this.hasDynamics) for (let i = from; i < to; i++) for (const d of dynamics) d.at(i);
  }

  // The close --------------------------------------------------------------------

  /**
   * The strategy's hook at the close of chunk bar i (bar g of the run, close price c),
   * after its fills, with this close's signals: decides at most one order for the next
   * open and submits it. The engine calls it only where a signal is TRUE or an every-bar
   * rule (time exit, partial exit) may act; it has set the position variables and
   * evaluated the dynamic conditions first (see BacktestEngine.loop for why there).
   */
  onBar(i: number, g: number, c: number, longEntry: boolean, shortEntry: boolean, longExit: boolean, shortExit: boolean): void {
    if (this.position.side === 0) this.decideFlat(longEntry, shortEntry, i);
    else this.decideInPosition(i, g, c, longEntry, shortEntry, longExit, shortExit);
  }

  private decideFlat(longSignal: boolean, shortSignal: boolean, i: number): void {
    // Both sides at once is ambiguous: no trade.
    if (longSignal === shortSignal) return;
    if (!this.atrsAt(i)) return;
    this.submit('enter', longSignal ? 1 : -1, 'signal');
  }

  /** Reversal > exit signal > time exit > partial exit > add: the first that applies. */
  private decideInPosition(i: number, g: number, c: number, el: boolean, es: boolean, xl: boolean, xs: boolean): void {
    const m = this.spec.management;
    const p = this.position;
    const long = p.side === 1;
    const opposite = long ? es : el;
    const exitSignal = long ? xl : xs;
    if (opposite && this.spec.direction === 'both' && this.atrsAt(i)) {
      this.submit('reverse', -p.side, 'reversal');
    } else if (exitSignal) {
      this.submit('exit', p.side, 'signal');
    } else if (m.timeExitBars !== undefined && g - p.entryBar + 1 >= m.timeExitBars) {
      this.submit('exit', p.side, 'timeExit');
    } else if (m.partialExit && !p.partialExitDone && (p.side * (c - p.avgEntry) * 100) / p.avgEntry >= m.partialExit.atProfitPct) {
      this.submit('partialExit', p.side, 'partialExit');
    } else if (
      m.pyramiding &&
      p.adds < m.pyramiding.maxAdds &&
      (long ? el : es) &&
      (p.side * (c - p.lastFillPrice) * 100) / p.lastFillPrice >= m.pyramiding.spacingPct &&
      this.atrsAt(i)
    ) {
      this.submit('add', p.side, 'signal');
    }
  }

  /** The ranking variable at the close of chunk bar i of the current block (NaN while not warm or without a ranking). */
  rankAt(i: number): number {
    const r = this.rank;
    return r ? r.values[r.offset + i]! : Number.NaN;
  }

  /** Reads the ATRs the brackets need at this close; false (no order) while one is not warm. */
  private atrsAt(i: number): boolean {
    this.stopAtrAt = this.stopAtr ? this.stopAtr.values[this.stopAtr.offset + i]! : 0;
    this.targetAtrAt = this.targetAtr ? this.targetAtr.values[this.targetAtr.offset + i]! : 0;
    this.trailAtrAt = this.trailAtr ? this.trailAtr.values[this.trailAtr.offset + i]! : 0;
    return this.stopAtrAt === this.stopAtrAt && this.targetAtrAt === this.targetAtrAt && this.trailAtrAt === this.trailAtrAt;
  }

  private submit(action: OrderAction, side: number, reason: ExitReason): void {
    // Orders that open or add carry the ATRs just read (atrsAt); exits set no brackets.
    const brackets = action === 'enter' || action === 'add' || action === 'reverse';
    this.execution.handleSubmitOrder({
      action,
      side,
      reason,
      stopAtr: brackets ? this.stopAtrAt : 0,
      targetAtr: brackets ? this.targetAtrAt : 0,
      trailAtr: brackets ? this.trailAtrAt : 0,
    });
  }
}

function dynamic(top: Top): Dynamic | null {
  return top?.kind === 'dynamic' ? top : null;
}

function staticSignals(top: Top, from: number, to: number): Uint8Array | null {
  return top?.kind === 'static' ? top.evaluate(from, to) : null;
}
