import type { BarColumns } from '../market/bars.js';
import type { Distance, Management, Sizing } from '../strategy/spec.js';
import type { Account, Position } from './account.js';
import type { FeeModel } from './fee-model.js';
import type { FillModel } from './fill-model.js';
import type { OrderFilled, SubmitOrder } from './orders.js';
import { roundDownQuantity } from './rounding.js';
import { orderQuantity } from './sizing.js';
import type { ExitReason, Marker, MarkerKind } from './types.js';

/** What the order matching needs besides the account and the two models. */
export interface MatchingRules {
  readonly sizing: Sizing;
  readonly management: Management;
  readonly quantityStep: number;
  /** Length of one bar of the run's timeframe, ms (the span the magnifier walks). */
  readonly barMs: number;
  /** Resolve stops and targets on 1-minute bars when a chunk brings them. */
  readonly magnifier: boolean;
  /** Positions that share the equity under `equalWeight` sizing (a portfolio's maxPositions); default 1. */
  readonly slots?: number;
}

/**
 * What sizing measures an order against, at the open it fills at: the equity and what is
 * free for new exposure (equity minus the notional of what is held: the engine never
 * borrows). A single-instrument run measures its own account (`OwnAccountBasis`); a
 * portfolio its shared cash and every member's position (portfolio.ts).
 */
export interface SizingBasis {
  /** Equity and free equity for an entry into a flat position. */
  entry(): void;
  /** The same for an add to the held position, marked at `open`. */
  add(open: number): void;
  /** Results of the last entry() or add() call. */
  equity: number;
  free: number;
}

/** The basis of a single-instrument run: its own account, the position marked at the open. */
export class OwnAccountBasis implements SizingBasis {
  equity = 0;
  free = 0;
  constructor(private readonly account: Account) {}

  entry(): void {
    // Flat: the equity is the cash.
    this.equity = this.account.cash;
    this.free = this.equity;
  }

  add(open: number): void {
    const p = this.account.position;
    this.equity = this.account.cash + p.side * p.quantity * open;
    this.free = this.equity - p.quantity * open;
  }
}

/** Where orders go: the execution in a single run; in a portfolio, its slot and ranking gate first. */
export interface OrderSink {
  handleSubmitOrder(order: SubmitOrder): void;
}

/**
 * Where fills happen (the role of nautilus_trader's `OrderMatchingEngine`). It holds the
 * one order the strategy submitted at the last close and fills it at the next open; it
 * holds the position's stop-loss, take-profit and trailing stop and resolves them inside
 * each bar (on the 1-minute path with the bar magnifier). Prices come from the
 * `FillModel`, commissions from the `FeeModel`; every fill is an `OrderFilled` applied
 * to the `Account`, which records closed quantities as trades.
 */
export class OrderMatchingEngine implements OrderSink {
  /** The order submitted at the last close, to fill at the next open; null when none. */
  pending: SubmitOrder | null = null;

  // The position's brackets, set at each entry or add from the average entry price.
  private stopLevel = Number.NaN;
  private targetLevel = Number.NaN;
  private trailDistance = Number.NaN;
  private trailActivation = Number.NaN;
  private trailActive = false;
  /** Most favourable price since the entry (the trail follows it after each bar or 1-minute bar). */
  private extreme = 0;

  // The chunk being processed.
  private bars: BarColumns | null = null;
  private magnifierBars: BarColumns | null = null;
  private magnifierIndex = 0;

  private readonly position: Position;
  private readonly barMs: number;
  private readonly slots: number;
  private readonly basis: SizingBasis;

  constructor(
    private readonly account: Account,
    private readonly fillModel: FillModel,
    private readonly feeModel: FeeModel,
    private readonly rules: MatchingRules,
    basis?: SizingBasis,
  ) {
    this.position = account.position;
    this.barMs = rules.barMs;
    this.slots = rules.slots ?? 1;
    this.basis = basis ?? new OwnAccountBasis(account);
  }

  /** Takes the bars (and the 1-minute bars of the same span) that the next fills happen on. */
  startChunk(bars: BarColumns, magnifierBars: BarColumns | undefined): void {
    this.bars = bars;
    this.magnifierBars = this.rules.magnifier && magnifierBars && magnifierBars.ts.length > 0 ? magnifierBars : null;
    this.magnifierIndex = 0;
  }

  endChunk(): void {
    this.bars = null;
    this.magnifierBars = null;
  }

  /** Accepts the strategy's order for the next open (at most one per bar: the strategy decides once per close). */
  handleSubmitOrder(order: SubmitOrder): void {
    this.pending = order;
  }

  /** Drops the pending order: after the last bar there is no next open. */
  cancelPending(): void {
    this.pending = null;
  }

  // Fills at the open ------------------------------------------------------------

  /** Fills the pending order at the open of bar i (g: its index in the run). */
  fillPendingAtOpen(i: number, g: number): void {
    const order = this.pending!;
    this.pending = null;
    const bars = this.bars!;
    const open = bars.open[i]!;
    const ts = bars.ts[i]!;
    const p = this.position;
    switch (order.action) {
      case 'exit':
        this.closeQuantity(p.quantity, this.exitPrice(open), order.reason, g, ts, g - p.entryBar, 'open');
        return;
      case 'reverse':
        this.closeQuantity(p.quantity, this.exitPrice(open), 'reversal', g, ts, g - p.entryBar, 'open');
        this.enter(order, open, g, ts);
        return;
      case 'partialExit': {
        p.partialExitDone = true;
        const q = roundDownQuantity(p.quantity * this.rules.management.partialExit!.fraction, this.rules.quantityStep);
        if (q > 0 && q < p.quantity) this.closeQuantity(q, this.exitPrice(open), 'partialExit', g, ts, g - p.entryBar, 'open');
        return;
      }
      case 'add': {
        const price = p.side === 1 ? this.fillModel.buyPrice(open) : this.fillModel.sellPrice(open);
        const basis = this.basis;
        basis.add(open);
        const q = orderQuantity(this.rules.sizing, basis.equity, basis.free, price, this.feeModel, this.rules.quantityStep, this.slots);
        if (q <= 0) return;
        const fill = filled(g, ts, p.side === 1 ? 'addLong' : 'addShort', price, q, this.feeModel.commission(q, price), 'open');
        this.account.applyEntryFill(fill);
        this.setBrackets(order);
        return;
      }
      case 'enter':
        this.enter(order, open, g, ts);
        return;
    }
  }

  private exitPrice(reference: number): number {
    return this.position.side === 1 ? this.fillModel.sellPrice(reference) : this.fillModel.buyPrice(reference);
  }

  /** Opens a position on the order's side at this open, sized on the equity after any exit just made (flat: the cash). */
  private enter(order: SubmitOrder, open: number, g: number, ts: number): void {
    const side = order.side;
    const price = side === 1 ? this.fillModel.buyPrice(open) : this.fillModel.sellPrice(open);
    const basis = this.basis;
    basis.entry();
    const q = orderQuantity(this.rules.sizing, basis.equity, basis.free, price, this.feeModel, this.rules.quantityStep, this.slots);
    if (q <= 0) return;
    this.account.applyEntryFill(filled(g, ts, side === 1 ? 'entryLong' : 'entryShort', price, q, this.feeModel.commission(q, price), 'open'));
    this.extreme = price;
    this.trailActive = false;
    this.setBrackets(order);
  }

  /** Sets stop, target and trail from the average entry price and the ATRs the order read at its signal. */
  private setBrackets(order: SubmitOrder): void {
    const m = this.rules.management;
    const s = this.position.side;
    const avg = this.position.avgEntry;
    this.stopLevel = m.stopLoss ? avg - s * distance(m.stopLoss, avg, order.stopAtr) : Number.NaN;
    this.targetLevel = m.takeProfit ? avg + s * distance(m.takeProfit, avg, order.targetAtr) : Number.NaN;
    if (m.trailingStop) {
      this.trailDistance = distance(m.trailingStop.distance, avg, order.trailAtr);
      this.trailActivation = avg * (1 + (s * m.trailingStop.activationPct) / 100);
      if (s * (this.extreme - this.trailActivation) >= 0) this.trailActive = true;
    }
  }

  /** Closes q of the position at price (a fill, then a trade for the closed quantity); a full close clears the brackets. */
  private closeQuantity(q: number, price: number, reason: ExitReason, g: number, ts: number, barsHeld: number, at: Marker['fill']): void {
    const p = this.position;
    const long = p.side === 1;
    const full = q >= p.quantity;
    const kind: MarkerKind = full ? (long ? 'exitLong' : 'exitShort') : long ? 'partialExitLong' : 'partialExitShort';
    this.account.applyExitFill(filled(g, ts, kind, price, q, this.feeModel.commission(q, price), at), reason, barsHeld);
    if (full) {
      this.stopLevel = Number.NaN;
      this.targetLevel = Number.NaN;
      this.trailDistance = Number.NaN;
      this.trailActive = false;
    }
  }

  // Inside the bar ----------------------------------------------------------------

  /** Resolves stops and targets in bar i: on its 1-minute path when the chunk has it, else on its OHLC. */
  resolveIntrabar(i: number, g: number): void {
    const bars = this.bars!;
    // Read once per bar, not per span: the magnifier walks up to a bar's worth of minutes.
    const side = this.position.side;
    const barsHeld = g - this.position.entryBar + 1;
    const mag = this.magnifierBars;
    if (mag) {
      const start = bars.ts[i]!;
      const end = start + this.barMs;
      const mts = mag.ts;
      const m = mts.length;
      let j = this.magnifierIndex;
      while (j < m && mts[j]! < start) j++;
      this.magnifierIndex = j;
      if (j < m && mts[j]! < end) {
        for (; j < m && mts[j]! < end; j++) {
          if (this.resolveSpan(side, mag.open[j]!, mag.high[j]!, mag.low[j]!, mts[j]!, g, barsHeld)) return;
        }
        return;
      }
    }
    this.resolveSpan(side, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.ts[i]!, g, barsHeld);
  }

  /**
   * One span (a bar, or a 1-minute bar of it) with unknown path inside, for a position on
   * side s: a gap through a level fills at the open; otherwise the stop is assumed hit
   * before the target (the adverse order). The trail moves only after the span, with its
   * extreme. True if it exited.
   */
  private resolveSpan(s: number, open: number, high: number, low: number, ts: number, g: number, barsHeld: number): boolean {
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
    this.closeQuantity(this.position.quantity, this.exitPrice(reference), reason, g, ts, barsHeld, 'intrabar');
    return true;
  }
}

/** An OrderFilled event (the fill log's marker), keys in the order the result has always had. */
function filled(bar: number, ts: number, kind: MarkerKind, price: number, quantity: number, fee: number, fill: Marker['fill']): OrderFilled {
  return { bar, ts, kind, price, quantity, fee, fill };
}

function distance(d: Distance, avg: number, atr: number): number {
  return d.kind === 'percent' ? (avg * d.value) / 100 : d.multiple * atr;
}
