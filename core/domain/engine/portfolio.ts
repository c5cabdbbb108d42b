import { DomainError } from '../errors.js';
import { sliceBars, type BarColumns } from '../market/bars.js';
import { timeframeMs, type Timeframe } from '../market/timeframe.js';
import type { PortfolioRules, Rotation, StrategySpec } from '../strategy/spec.js';
import { Account } from './account.js';
import { TRUE, UNKNOWN } from './conditions.js';
import { OrderMatchingEngine, type OrderSink, type SizingBasis } from './execution.js';
import { PercentPlusFixedFeeModel } from './fee-model.js';
import { SlippageFillModel } from './fill-model.js';
import { computeMetrics } from './metrics.js';
import type { SubmitOrder } from './orders.js';
import { SpecStrategy } from './strategy.js';
import { BacktestCancelledError, type BacktestResult, type EngineInstrument, type Marker, type OpenPosition, type Trade } from './types.js';

/**
 * The portfolio engine: one strategy over a universe of instruments with one account.
 * It composes the single-instrument parts per member (a SpecStrategy deciding on the
 * member's own bars, an OrderMatchingEngine filling its orders, an Account holding its
 * position and fill log) around one clock (the union of the members' bar times) and one
 * cash balance; the portfolio adds slots, a ranking of the entries that compete for them
 * and an optional rotation. Semantics in docs/ENGINE.md, "Portfolios".
 */

/** Bars between progress reports and cancel polls, and bars per signal block (as backtest.ts). */
const SLICE = 65_536;
const BLOCK = 4096;
/** Points kept per member of the per-instrument equity curves (sampled on the clock, halved when full). */
const MEMBER_CURVE_POINTS = 2048;
const DAY_MS = 86_400_000;
const EMPTY = new Float64Array(0);

/** One instrument of the universe, as the engine needs it. */
export interface PortfolioMember {
  readonly symbol: string;
  readonly instrument: EngineInstrument;
  /** Leading bars of this member's first chunks that are warm-up only (as BacktestConfig.warmUpBars). */
  readonly warmUpBars?: number;
  /** Precomputed whole-run series of this member by operandKey, warm-up included (as BacktestConfig.series). */
  readonly series?: ReadonlyMap<string, Float64Array>;
}

export interface PortfolioConfig {
  /** The strategy; `spec.portfolio` holds the slots, ranking and rotation (absent: one slot, no ranking). */
  readonly spec: StrategySpec;
  /** The universe; the engine orders it by symbol (ties in rank go to the first symbol, whatever the order given). */
  readonly members: readonly PortfolioMember[];
  readonly timeframe: Timeframe;
  readonly magnifier?: boolean;
  /** Called every ~64K clock bars and once per window with (clock bars done, total or NaN). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly shouldCancel?: () => boolean;
}

export interface PortfolioInput extends PortfolioConfig {
  /** Each member's bars (warm-up first), in the order of `members`. */
  readonly bars: readonly BarColumns[];
  /** Each member's 1-minute bars over the same span (for the magnifier), in the order of `members`. */
  readonly magnifierBars?: readonly (BarColumns | null | undefined)[];
}

/** What one instrument did in a portfolio run. */
export interface InstrumentFigures {
  readonly symbol: string;
  /** The member's own bars in the run (after its warm-up) and the warm-up bars it was fed. */
  readonly bars: number;
  readonly warmUpBars: number;
  readonly tradeCount: number;
  /** Trades with pnl > 0 / trades x 100; null without trades. */
  readonly winRatePct: number | null;
  /** Net PnL of its closed trades. */
  readonly realizedPnl: number;
  /** Unrealized PnL of its position open at the end (net of its entry commissions), 0 when flat. */
  readonly unrealizedPnl: number;
  /** (realized + unrealized) / initial cash x 100: its share of the portfolio's return. */
  readonly contributionPct: number;
  /** Clock bars that closed with a position in it / clock bars x 100. */
  readonly exposurePct: number;
  readonly fees: number;
  /** Its last close / its first close in the run, - 1, x 100; null without bars. */
  readonly buyAndHoldReturnPct: number | null;
  readonly openPosition: OpenPosition | null;
}

/** Each member's PnL (realized + unrealized, net of fees) over the run, sampled on the clock. */
export interface MemberCurves {
  /** Clock bar times of the samples (epoch ms). */
  readonly ts: Float64Array;
  /** One curve per member, in `PortfolioResult.symbols` order, each of ts.length values. */
  readonly pnl: readonly Float64Array[];
}

/**
 * A portfolio run: the single run's result over the clock (equity, drawdown, trades and
 * fills of every member in the order they happened, metrics of the portfolio) with each
 * trade's and fill's instrument, and the per-instrument figures. `openPosition` is the
 * open position of a one-instrument portfolio (so it equals the single run); with more
 * members see `figures[i].openPosition`.
 */
export interface PortfolioResult extends BacktestResult {
  /** The universe in the engine's order (by symbol). */
  readonly symbols: readonly string[];
  /** Index into `symbols` of each trade / fill. */
  readonly tradeInstruments: Uint16Array;
  readonly markerInstruments: Uint16Array;
  /** Open time of each clock bar (the equity curve's x axis). */
  readonly ts: Float64Array;
  /** Positions open at each clock bar's close. */
  readonly openPositions: Uint8Array;
  readonly figures: readonly InstrumentFigures[];
  readonly memberCurves: MemberCurves;
}

/** A portfolio run fed by time windows; `finish()` returns the same result whatever the windows. */
export interface PortfolioSession {
  /**
   * The bars of every member in the next time window (in `config.members` order), each
   * sorted, all after every bar of the previous windows; a member's warm-up bars come
   * first. `magnifierBars`: each member's 1-minute bars over the same window.
   */
  onWindow(bars: readonly BarColumns[], magnifierBars?: readonly (BarColumns | null | undefined)[]): void;
  finish(): PortfolioResult;
  /** Clock bars processed so far. */
  readonly barsProcessed: number;
}

/** Runs a portfolio over whole arrays (one window). */
export function runPortfolioBacktest(input: PortfolioInput): PortfolioResult {
  const session = createPortfolioBacktest(input);
  session.onWindow(input.bars, input.magnifierBars);
  return session.finish();
}

/** Starts a portfolio run fed window by window (`totalClockBars`: presizes outputs, progress total). */
export function createPortfolioBacktest(config: PortfolioConfig, totalClockBars?: number): PortfolioSession {
  return new PortfolioEngine(config, totalClockBars);
}

/** One instrument of the run: the single run's parts and where it stands in the current window. */
class Member {
  readonly account: Account;
  readonly execution: OrderMatchingEngine;
  readonly strategy: SpecStrategy;
  // The current window's run bars (after warm-up) and this member's place in them.
  bars: BarColumns | null = null;
  /** bars.ts and bars.close, read on every clock bar (one load instead of two). */
  ts: Float64Array = EMPTY;
  close: Float64Array = EMPTY;
  n = 0;
  cursor = 0;
  blockFrom = 0;
  blockEnd = 0;
  /** Run bars before the current window (the member's own bar index g = g0 + cursor). */
  g0 = 0;
  /** Bars fed before the current window, warm-up included (precomputed series are indexed so). */
  fed = 0;
  warmUpLeft: number;
  warmedUp = 0;
  firstClose = Number.NaN;
  lastClose = Number.NaN;
  /** Clock bars closed with a position in this member. */
  exposure = 0;
  realized = 0;
  wins = 0;
  tradeCount = 0;
  // Fill log and trades already copied into the run's.
  fillsSeen = 0;
  tradesSeen = 0;
  /** In `held` (a position open). */
  holding = false;
  /** An entry order the strategy submitted at this close, waiting for a slot; its rank. */
  candidate: SubmitOrder | null = null;
  rank = Number.NaN;
  /** The entry condition of the rotation's side held at this close. */
  entrySignal = false;
  /** Queued for an entry fill (an accepted entry waiting for the next open). */
  queued = false;
  /** The clock bar at which it last had a bar. */
  activeAt = -1;

  constructor(
    readonly index: number,
    readonly symbol: string,
    readonly config: PortfolioMember,
    engine: PortfolioEngine,
    spec: StrategySpec,
    timeframe: Timeframe,
    magnifier: boolean,
    slots: number,
  ) {
    const warmUp = config.warmUpBars ?? 0;
    if (!(Number.isInteger(warmUp) && warmUp >= 0)) throw new DomainError(`warmUpBars of ${symbol} must be a whole number >= 0, got ${warmUp}`);
    this.warmUpLeft = warmUp;
    // The member's account holds its position and logs; its cash is the portfolio's, set before and read after every call that can fill.
    this.account = new Account(spec.initialCash);
    this.execution = new OrderMatchingEngine(
      this.account,
      new SlippageFillModel(spec.costs, config.instrument.priceTick),
      new PercentPlusFixedFeeModel(spec.costs),
      { sizing: spec.sizing, management: spec.management, quantityStep: config.instrument.quantityStep, barMs: timeframeMs(timeframe), magnifier, slots },
      new MemberSizing(engine, this),
    );
    this.strategy = new SpecStrategy(spec, timeframe, config.series, this.account.position, new EntryGate(engine, this));
  }
}

/** Sizing against the portfolio: its cash and every member's position (others marked at their last close). */
class MemberSizing implements SizingBasis {
  equity = 0;
  free = 0;
  constructor(
    private readonly engine: PortfolioEngine,
    private readonly member: Member,
  ) {}

  entry(): void {
    // Flat: the member adds nothing; with no other position this is the single run's cash, to the bit.
    this.engine.measureOthers(this.member, this.member.account.cash);
    this.equity = this.engine.othersEquity;
    this.free = this.equity - this.engine.othersNotional;
  }

  add(open: number): void {
    const p = this.member.account.position;
    this.engine.measureOthers(this.member, this.member.account.cash);
    // The single run's arithmetic (cash + side x quantity x open; minus quantity x open) with the others inside.
    this.equity = this.engine.othersEquity + p.side * p.quantity * open;
    this.free = this.equity - this.engine.othersNotional - p.quantity * open;
  }
}

/** A member's strategy submits here: entries wait for a slot (ranked at this close), other orders go to its execution. */
class EntryGate implements OrderSink {
  constructor(
    private readonly engine: PortfolioEngine,
    private readonly member: Member,
  ) {}

  handleSubmitOrder(order: SubmitOrder): void {
    if (order.action === 'enter') this.engine.offerEntry(this.member, order);
    else this.member.execution.handleSubmitOrder(order);
  }
}

class PortfolioEngine implements PortfolioSession {
  private readonly spec: StrategySpec;
  private readonly rules: PortfolioRules;
  private readonly members: Member[];
  /** Position of each given member in the engine's (symbol) order. */
  private readonly order: number[];
  private readonly maxPositions: number;
  private readonly descending: boolean;
  private readonly rotation: Rotation | null;
  /** The side a rotation holds: +1 long, -1 short. */
  private readonly rotationSide: number;
  private readonly hasBrackets: boolean;
  private readonly baseMs: number;
  private readonly totalBars: number;

  /** The shared cash. */
  private cash: number;
  private peak: number;
  /** Members holding a position, in symbol order. */
  private readonly held: Member[] = [];
  /** Accepted entries waiting for their members' next open, in the order they fill (acceptance order: rank within a close). */
  private readonly queue: Member[] = [];
  /** Members with an entry order at this close. */
  private candidates: Member[] = [];
  /** Members with a bar at the current clock time: the first `activeCount` of `active`. */
  private readonly active: Member[] = [];
  private activeCount = 0;

  // Outputs.
  private equity: Float64Array;
  private drawdown: Float64Array;
  private clockTs: Float64Array;
  private positionsOpen: Uint8Array;
  private readonly trades: Trade[] = [];
  private readonly markers: Marker[] = [];
  private tradeInstruments: number[] = [];
  private markerInstruments: number[] = [];
  private exposureBars = 0;
  private clock = 0;
  private nextPoll = 0;
  private lastClockTs = Number.NEGATIVE_INFINITY;
  /** The calendar period of the last clock bar (a rotation by day, week or month rebalances at the first bar of a new one). */
  private period = Number.NaN;
  private periodEnds = Number.NEGATIVE_INFINITY;
  private readonly curves: CurveSampler;

  // measureOthers() results.
  othersEquity = 0;
  othersNotional = 0;

  constructor(
    private readonly config: PortfolioConfig,
    totalBars: number | undefined,
  ) {
    const spec = config.spec;
    this.spec = spec;
    if (!(spec.initialCash > 0)) throw new DomainError(`initialCash must be positive, got ${spec.initialCash}`);
    if (config.members.length === 0) throw new DomainError('A portfolio needs at least one instrument');
    if (config.members.length > 65_535) throw new DomainError(`A portfolio holds at most 65,535 instruments, got ${config.members.length}`);
    this.rules = spec.portfolio ?? { maxPositions: 1 };
    this.maxPositions = this.rules.maxPositions;
    if (!(Number.isInteger(this.maxPositions) && this.maxPositions >= 1 && this.maxPositions <= 255)) {
      throw new DomainError(`maxPositions must be a whole number from 1 to 255, got ${this.maxPositions}`);
    }
    this.descending = (this.rules.ranking?.order ?? 'desc') === 'desc';
    this.rotation = this.rules.rotation ?? null;
    this.rotationSide = spec.direction === 'short' ? -1 : 1;
    const m = spec.management;
    this.hasBrackets = m.stopLoss !== undefined || m.takeProfit !== undefined || m.trailingStop !== undefined;
    this.baseMs = timeframeMs(config.timeframe);
    this.cash = spec.initialCash;
    this.peak = spec.initialCash;
    this.totalBars = totalBars ?? Number.NaN;
    const capacity = totalBars ?? 1024;
    this.equity = new Float64Array(capacity);
    this.drawdown = new Float64Array(capacity);
    this.clockTs = new Float64Array(capacity);
    this.positionsOpen = new Uint8Array(capacity);

    // Symbol order: the run does not depend on the order the universe was given in.
    const given = config.members.map((member, i) => ({ member, i }));
    given.sort((a, b) => (a.member.symbol < b.member.symbol ? -1 : a.member.symbol > b.member.symbol ? 1 : 0));
    for (let k = 1; k < given.length; k++) {
      if (given[k]!.member.symbol === given[k - 1]!.member.symbol) throw new DomainError(`${given[k]!.member.symbol} is in the universe twice`);
    }
    const magnifier = config.magnifier !== false && config.timeframe !== '1m';
    const slots = this.maxPositions;
    this.members = given.map(({ member }, k) => new Member(k, member.symbol, member, this, spec, config.timeframe, magnifier, slots));
    this.order = new Array<number>(given.length);
    given.forEach(({ i }, k) => (this.order[i] = k));
    this.curves = new CurveSampler(this.members.length, MEMBER_CURVE_POINTS);
  }

  get barsProcessed(): number {
    return this.clock;
  }

  // Windows ------------------------------------------------------------------------

  onWindow(bars: readonly BarColumns[], magnifierBars?: readonly (BarColumns | null | undefined)[]): void {
    const members = this.members;
    if (bars.length !== members.length) throw new DomainError(`A window needs the bars of ${members.length} instruments, got ${bars.length}`);
    let total = 0;
    for (let given = 0; given < bars.length; given++) {
      const m = members[this.order[given]!]!;
      let chunk = bars[given]!;
      const count = chunk.ts.length;
      m.g0 += m.n;
      m.fed = m.g0 + m.warmedUp;
      m.bars = null;
      m.ts = EMPTY;
      m.close = EMPTY;
      m.n = 0;
      m.cursor = 0;
      m.blockFrom = 0;
      m.blockEnd = 0;
      if (count === 0) continue;
      if (m.warmUpLeft > 0) {
        const k = Math.min(m.warmUpLeft, count);
        this.warmUp(m, k === count ? chunk : sliceBars(chunk, 0, k));
        if (k === count) continue;
        chunk = sliceBars(chunk, k, count);
        m.fed = m.g0 + m.warmedUp;
      }
      if (chunk.ts[0]! <= this.lastClockTs) throw new DomainError(`${m.symbol}: a window starts at ${chunk.ts[0]}, not after the last bar ${this.lastClockTs}`);
      m.bars = chunk;
      m.ts = chunk.ts;
      m.close = chunk.close;
      m.n = chunk.ts.length;
      if (m.g0 === 0) m.firstClose = chunk.close[0]!;
      m.execution.startChunk(chunk, magnifierBars?.[given] ?? undefined);
      total += m.n;
    }
    if (total > 0) this.run();
    for (const m of members) if (m.bars) m.execution.endChunk();
    this.config.onProgress?.(this.clock, this.totalBars);
  }

  /** Feeds a member's warm-up bars to its strategy only (as BacktestEngine.warmUp). */
  private warmUp(m: Member, bars: BarColumns): void {
    const n = bars.ts.length;
    for (let from = 0; from < n; from += BLOCK) m.strategy.onWarmUpBlock(bars, from, Math.min(n, from + BLOCK), m.warmedUp);
    m.warmedUp += n;
    m.warmUpLeft -= n;
  }

  /** The clock over the window: each time at which any member has a bar, in order. */
  private run(): void {
    const members = this.members;
    const count = members.length;
    const active = this.active;
    for (;;) {
      // One pass (the measured hot loop of a portfolio: once per clock bar): the earliest
      // next bar time and, in symbol order, the members with a bar then.
      let t = Number.POSITIVE_INFINITY;
      let n = 0;
      for (let k = 0; k < count; k++) {
        const m = members[k]!;
        const i = m.cursor;
        if (i >= m.n) continue;
        const ts = m.ts[i]!;
        if (ts > t) continue;
        if (ts < t) {
          t = ts;
          n = 0;
        }
        active[n++] = m;
      }
      if (n === 0) return;
      this.activeCount = n;
      const clock = this.clock;
      for (let k = 0; k < n; k++) {
        const m = active[k]!;
        if (m.cursor >= m.blockEnd) this.nextBlock(m);
        m.activeAt = clock;
      }
      if (this.clock >= this.nextPoll) this.poll();
      // Grown here, one clock bar at a time: the window's bar count summed over members
      // overstates its clock bars up to ten-fold, and presized outputs (the feed's
      // estimate) then never grow nor need trimming.
      if (this.clock === this.equity.length) this.ensureCapacity(this.clock + 1);
      this.step(t);
      for (let k = 0; k < n; k++) active[k]!.cursor++;
    }
  }

  private nextBlock(m: Member): void {
    const from = m.cursor;
    const to = Math.min(m.n, from + BLOCK);
    m.strategy.onBlock(m.bars!, from, to, m.fed);
    m.blockFrom = from;
    m.blockEnd = to;
  }

  private poll(): void {
    const done = this.clock;
    if (done > 0) this.config.onProgress?.(done, this.totalBars);
    if (this.config.shouldCancel?.()) throw new BacktestCancelledError(done);
    this.nextPoll = (Math.floor(done / SLICE) + 1) * SLICE;
  }

  /** One clock bar at time t: the opens, inside the bars, the closes, then the mark (docs/ENGINE.md, "Portfolios"). */
  private step(t: number): void {
    const active = this.active;
    const n = this.activeCount;
    // 1. Opens: exits first (they free cash and slots), then reversals and adds, then entries in the order accepted.
    // Most clock bars have no order: one pass finds out before the two ordered passes.
    let orders = false;
    for (let k = 0; k < n; k++) {
      if (active[k]!.execution.pending !== null) {
        orders = true;
        break;
      }
    }
    if (orders) {
      for (let k = 0; k < n; k++) {
        const m = active[k]!;
        const action = m.execution.pending?.action;
        if (action === 'exit' || action === 'partialExit') this.fillAtOpen(m);
      }
      for (let k = 0; k < n; k++) {
        const m = active[k]!;
        const action = m.execution.pending?.action;
        if (action === 'reverse' || action === 'add') this.fillAtOpen(m);
      }
    }
    if (this.queue.length > 0) this.fillEntries();
    // 2. Inside the bars: stops, targets, trailing stops.
    if (this.hasBrackets) {
      for (let k = 0; k < n; k++) {
        const m = active[k]!;
        if (m.account.position.side === 0) continue;
        this.account(m);
        m.execution.resolveIntrabar(m.cursor, m.g0 + m.cursor);
        this.booked(m);
      }
    }
    // 3. Closes: each strategy decides on its own bar; entries wait here for the slots.
    for (let k = 0; k < n; k++) this.close(active[k]!);
    const rebalance = this.rotation !== null && this.isRebalance(t);
    if (rebalance) this.rebalance();
    else if (this.candidates.length > 0) this.allocate(this.rotation === null);
    // 4. Mark: cash plus every position at its member's last close.
    let e = this.cash;
    const held = this.held;
    for (let k = 0; k < held.length; k++) {
      const m = held[k]!;
      const p = m.account.position;
      e += p.side * p.quantity * m.lastClose;
      m.exposure++;
    }
    if (held.length > 0) this.exposureBars++;
    let peak = this.peak;
    if (e > peak) this.peak = peak = e;
    const g = this.clock;
    this.equity[g] = e;
    this.drawdown[g] = ((e - peak) / peak) * 100;
    this.clockTs[g] = t;
    this.positionsOpen[g] = held.length;
    if (g === this.curves.nextSample) this.curves.record(g, t, this.memberPnl);
    this.clock = g + 1;
    this.lastClockTs = t;
  }

  /** The member's strategy at its close (the general path of BacktestEngine.loop, with the same reads in the same order). */
  private close(m: Member): void {
    const s = m.strategy;
    const i = m.cursor;
    const g = m.g0 + i;
    const c = m.close[i]!;
    const position = m.account.position;
    const side = position.side;
    if (s.usesPositionValues) {
      const values = s.positionValues;
      if (side !== 0) {
        values[0] = (side * (c - position.avgEntry) * 100) / position.avgEntry;
        values[1] = g - position.entryBar + 1;
        values[2] = position.avgEntry;
      } else values.fill(Number.NaN);
    }
    let del = UNKNOWN;
    let des = UNKNOWN;
    let dxl = UNKNOWN;
    let dxs = UNKNOWN;
    if (s.hasDynamics) {
      if (s.entryLongAt !== null) del = s.entryLongAt.at(i);
      if (s.entryShortAt !== null) des = s.entryShortAt.at(i);
      if (s.exitLongAt !== null) dxl = s.exitLongAt.at(i);
      if (s.exitShortAt !== null) dxs = s.exitShortAt.at(i);
    }
    const k = i - m.blockFrom;
    const el = s.entryLongSignals;
    const es = s.entryShortSignals;
    const sigEL = el !== null ? el[k]! : del;
    const sigES = es !== null ? es[k]! : des;
    m.lastClose = c;
    if (this.rotation !== null) {
      m.entrySignal = (this.rotationSide === 1 ? sigEL : sigES) === TRUE;
      m.rank = s.rankAt(i);
    }
    if (side === 0) {
      if (sigEL === TRUE || sigES === TRUE) s.onBar(i, g, c, sigEL === TRUE, sigES === TRUE, false, false);
      return;
    }
    const xl = s.exitLongSignals;
    const xs = s.exitShortSignals;
    const sigXL = xl !== null ? xl[k]! : dxl;
    const sigXS = xs !== null ? xs[k]! : dxs;
    if (s.everyBarRules || sigEL === TRUE || sigES === TRUE || sigXL === TRUE || sigXS === TRUE) {
      s.onBar(i, g, c, sigEL === TRUE, sigES === TRUE, sigXL === TRUE, sigXS === TRUE);
    }
  }

  // Slots and ranking --------------------------------------------------------------

  /** A member's strategy wants to enter at this close: a candidate for a slot (EntryGate). */
  offerEntry(m: Member, order: SubmitOrder): void {
    if (m.queued) return;
    m.candidate = order;
    m.rank = m.strategy.rankAt(m.cursor);
    this.candidates.push(m);
  }

  /** Slots taken or promised: positions not on their way out, and entries waiting to fill. */
  private committedSlots(): number {
    let n = this.queue.length;
    const held = this.held;
    for (let k = 0; k < held.length; k++) if (held[k]!.execution.pending?.action !== 'exit') n++;
    return n;
  }

  /**
   * Gives the free slots to this close's candidates in rank order (`accept`), or drops
   * them all (a rotation enters only at its rebalances).
   */
  private allocate(accept: boolean): void {
    const candidates = this.candidates;
    if (accept) {
      sortByRank(candidates, this.byRank);
      let free = this.maxPositions - this.committedSlots();
      for (let k = 0; k < candidates.length && free > 0; k++) {
        this.accept(candidates[k]!);
        free--;
      }
    }
    for (let k = 0; k < candidates.length; k++) candidates[k]!.candidate = null;
    candidates.length = 0;
  }

  private accept(m: Member): void {
    m.execution.handleSubmitOrder(m.candidate!);
    m.queued = true;
    this.queue.push(m);
  }

  /** Rank order: the better rank first (NaN last), ties by symbol (the member index is symbol order). */
  private readonly byRank = (a: Member, b: Member): number => {
    const x = a.rank;
    const y = b.rank;
    const xKnown = x === x;
    const yKnown = y === y;
    if (xKnown && yKnown && x !== y) return this.descending ? (x > y ? -1 : 1) : x < y ? -1 : 1;
    if (xKnown !== yKnown) return xKnown ? -1 : 1;
    return a.index - b.index;
  };

  /**
   * A rotation's rebalance at this close: among the members with a bar now whose entry
   * condition holds (and that are not exiting on their own), the top K by rank are
   * held; members held now that are not among them are sold; those not held yet enter
   * in rank order while slots are free.
   */
  private rebalance(): void {
    const rotation = this.rotation!;
    const eligible: Member[] = [];
    const active = this.active.slice(0, this.activeCount);
    for (const m of active) {
      const exiting = m.execution.pending?.action === 'exit';
      if (m.entrySignal && !exiting) eligible.push(m);
    }
    eligible.sort(this.byRank);
    const target = new Set(eligible.slice(0, rotation.top));
    for (const m of active) {
      const p = m.account.position;
      if (p.side === 0 || target.has(m) || m.execution.pending?.action === 'exit') continue;
      // Sold at the next open; an add or partial exit decided at this close gives way (exits come first).
      m.execution.handleSubmitOrder({ action: 'exit', side: p.side, reason: 'rotation', stopAtr: 0, targetAtr: 0, trailAtr: 0 });
    }
    let free = this.maxPositions - this.committedSlots();
    for (const m of eligible) {
      if (free <= 0 || !target.has(m)) break;
      if (m.candidate === null) continue;
      this.accept(m);
      free--;
    }
    for (const m of this.candidates) m.candidate = null;
    this.candidates.length = 0;
  }

  private isRebalance(t: number): boolean {
    const every = this.rotation!.every;
    if (every.kind === 'bars') return this.clock % every.bars === 0;
    if (t < this.periodEnds) return false;
    // A new day, week or month: compute its key and where it ends (once per day, not per bar).
    const day = Math.floor(t / DAY_MS);
    this.periodEnds = (day + 1) * DAY_MS;
    let key: number;
    if (every.period === 'day') key = day;
    else if (every.period === 'week') key = Math.floor((day + 3) / 7); // weeks from Monday (1970-01-01 was a Thursday)
    else {
      const date = new Date(t);
      key = date.getUTCFullYear() * 12 + date.getUTCMonth();
    }
    const changed = key !== this.period;
    this.period = key;
    return changed;
  }

  // Fills ---------------------------------------------------------------------------

  /** Entries waiting for a slot fill at their member's next open, in the order accepted, while slots remain. */
  private fillEntries(): void {
    const queue = this.queue;
    // Compacted in place: the entries whose member has no bar now wait on, in order.
    let left = 0;
    for (let k = 0; k < queue.length; k++) {
      const m = queue[k]!;
      if (m.activeAt !== this.clock) {
        queue[left++] = m;
        continue;
      }
      m.queued = false;
      if (this.held.length >= this.maxPositions) {
        // Another position holds the slot still (its exit waits for its own bar): no entry.
        m.execution.cancelPending();
        continue;
      }
      this.fillAtOpen(m);
    }
    queue.length = left;
  }

  private fillAtOpen(m: Member): void {
    this.account(m);
    m.execution.fillPendingAtOpen(m.cursor, m.g0 + m.cursor);
    this.booked(m);
  }

  /** Hands the shared cash to the member's account before a call that can fill. */
  private account(m: Member): void {
    m.account.cash = this.cash;
  }

  /** Takes the cash back after the call, and copies its new fills and trades into the run's logs. */
  private booked(m: Member): void {
    const a = m.account;
    this.cash = a.cash;
    const fills = a.fills;
    for (let k = m.fillsSeen; k < fills.length; k++) {
      this.markers.push(fills[k]!);
      this.markerInstruments.push(m.index);
    }
    m.fillsSeen = fills.length;
    const closed = a.closed;
    for (let k = m.tradesSeen; k < closed.length; k++) {
      const trade = closed[k]!;
      this.trades.push(trade);
      this.tradeInstruments.push(m.index);
      m.realized += trade.pnl;
      m.tradeCount++;
      if (trade.pnl > 0) m.wins++;
    }
    m.tradesSeen = closed.length;
    const holding = a.position.side !== 0;
    if (holding !== m.holding) {
      m.holding = holding;
      // Kept in symbol order in place (no array per position opened or closed).
      const held = this.held;
      if (holding) {
        let k = held.length;
        held.push(m);
        for (; k > 0 && held[k - 1]!.index > m.index; k--) held[k] = held[k - 1]!;
        held[k] = m;
      } else {
        const k = held.indexOf(m);
        for (let j = k + 1; j < held.length; j++) held[j - 1] = held[j]!;
        held.length--;
      }
    }
  }

  /** Equity of everything but `m`'s position (`cash` plus the others at their last close) and the others' notional. */
  measureOthers(m: Member, cash: number): void {
    let e = cash;
    let notional = 0;
    const held = this.held;
    for (let k = 0; k < held.length; k++) {
      const o = held[k]!;
      if (o === m) continue;
      const p = o.account.position;
      e += p.side * p.quantity * o.lastClose;
      notional += p.quantity * o.lastClose;
    }
    this.othersEquity = e;
    this.othersNotional = notional;
  }

  /** A member's PnL so far: its closed trades plus its open position at its last close (net of entry fees). */
  private readonly memberPnl = (k: number): number => {
    const m = this.members[k]!;
    const p = m.account.position;
    return p.side === 0 ? m.realized : m.realized + p.side * (m.lastClose - p.avgEntry) * p.quantity - p.entryFees;
  };

  // Results -------------------------------------------------------------------------

  private ensureCapacity(size: number): void {
    if (size <= this.equity.length) return;
    const capacity = Math.max(size, this.equity.length * 2);
    this.equity = grow(this.equity, capacity);
    this.drawdown = grow(this.drawdown, capacity);
    this.clockTs = grow(this.clockTs, capacity);
    const open = new Uint8Array(capacity);
    open.set(this.positionsOpen);
    this.positionsOpen = open;
  }

  finish(): PortfolioResult {
    const members = this.members;
    for (const m of members) m.execution.cancelPending();
    const n = this.clock;
    const trim = (a: Float64Array) => (a.length === n ? a : a.slice(0, n));
    const equity = trim(this.equity);
    const drawdownPct = trim(this.drawdown);
    const ts = trim(this.clockTs);
    const initial = this.spec.initialCash;
    let totalFees = 0;
    for (const m of members) totalFees += m.account.totalFees;
    const withBars = members.filter((m) => m.firstClose === m.firstClose);
    const single = members.length === 1 ? members[0]! : null;
    const metrics = computeMetrics({
      ts,
      equity,
      drawdownPct,
      barMs: this.baseMs,
      initialCash: initial,
      trades: this.trades,
      exposureBars: this.exposureBars,
      totalFees,
      firstClose: single ? single.firstClose : Number.NaN,
      lastClose: single ? single.lastClose : Number.NaN,
      // More than one instrument: the universe held in equal weights from each one's first bar.
      ...(single ? {} : { buyAndHoldReturnPct: withBars.length === 0 ? null : mean(withBars.map((m) => (m.lastClose / m.firstClose - 1) * 100)) }),
    });
    if (n > 0 && this.curves.lastRecorded() !== n - 1) this.curves.record(n - 1, ts[n - 1]!, this.memberPnl);
    const figures = members.map((m): InstrumentFigures => {
      const open = m.account.openPosition(m.lastClose, m.g0 + m.n);
      const unrealized = open ? open.unrealizedPnl : 0;
      return {
        symbol: m.symbol,
        bars: m.g0 + m.n,
        warmUpBars: m.warmedUp,
        tradeCount: m.tradeCount,
        winRatePct: m.tradeCount > 0 ? (m.wins * 100) / m.tradeCount : null,
        realizedPnl: m.realized,
        unrealizedPnl: unrealized,
        contributionPct: ((m.realized + unrealized) / initial) * 100,
        exposurePct: n > 0 ? (m.exposure * 100) / n : 0,
        fees: m.account.totalFees,
        buyAndHoldReturnPct: m.firstClose === m.firstClose ? (m.lastClose / m.firstClose - 1) * 100 : null,
        openPosition: open,
      };
    });
    return {
      trades: this.trades,
      equity,
      drawdownPct,
      markers: this.markers,
      openPosition: single ? figures[0]!.openPosition : null,
      metrics,
      barsProcessed: n,
      warmUpBars: Math.min(...members.map((m) => m.warmedUp)),
      symbols: members.map((m) => m.symbol),
      tradeInstruments: Uint16Array.from(this.tradeInstruments),
      markerInstruments: Uint16Array.from(this.markerInstruments),
      ts,
      openPositions: this.positionsOpen.slice(0, n),
      figures,
      memberCurves: this.curves.curves(),
    };
  }
}

/**
 * Samples one value per member every `stride` clock bars into at most `capacity` points:
 * when full, every second point is dropped and the stride doubles, so memory stays flat
 * whatever the run's length and the samples stay evenly spaced (deterministically).
 */
class CurveSampler {
  private stride = 1;
  private count = 0;
  private last = -1;
  private readonly ts: Float64Array;
  private readonly values: Float64Array[];
  private readonly bars: Float64Array;

  constructor(
    private readonly members: number,
    private readonly capacity: number,
  ) {
    this.ts = new Float64Array(capacity);
    this.bars = new Float64Array(capacity);
    this.values = Array.from({ length: members }, () => new Float64Array(capacity));
  }

  /** The next clock bar to record (a multiple of the stride): a compare per bar instead of a modulo. */
  nextSample = 0;

  lastRecorded(): number {
    return this.last;
  }

  /** Records clock bar `bar` (time t): each member's value. */
  record(bar: number, t: number, value: (member: number) => number): void {
    if (this.count === this.capacity) this.halve();
    const k = this.count++;
    this.ts[k] = t;
    this.bars[k] = bar;
    this.last = bar;
    this.nextSample = (Math.floor(bar / this.stride) + 1) * this.stride;
    for (let m = 0; m < this.members; m++) this.values[m]![k] = value(m);
  }

  private halve(): void {
    let w = 0;
    for (let r = 0; r < this.count; r++) {
      if (this.bars[r]! % (this.stride * 2) !== 0) continue;
      this.ts[w] = this.ts[r]!;
      this.bars[w] = this.bars[r]!;
      for (const v of this.values) v[w] = v[r]!;
      w++;
    }
    this.count = w;
    this.stride *= 2;
  }

  curves(): MemberCurves {
    return { ts: this.ts.slice(0, this.count), pnl: this.values.map((v) => v.slice(0, this.count)) };
  }
}

/**
 * Sorts a close's few candidates in place by insertion. byRank is a total order (ties go
 * by member index), so this gives Array.prototype.sort's order; unlike it, it allocates
 * nothing (it runs at every close where entries fire).
 */
function sortByRank(members: Member[], byRank: (a: Member, b: Member) => number): void {
  for (let k = 1; k < members.length; k++) {
    const m = members[k]!;
    let j = k;
    for (; j > 0 && byRank(members[j - 1]!, m) > 0; j--) members[j] = members[j - 1]!;
    members[j] = m;
  }
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function grow(a: Float64Array, capacity: number): Float64Array {
  const out = new Float64Array(capacity);
  out.set(a);
  return out;
}
