import { TradeTally } from './metrics.js';
import type { OrderFilled, PositionClosed } from './orders.js';
import type { ExitReason, OpenPosition } from './types.js';

/**
 * The position in the run's instrument. One object for the whole run, reset at each
 * entry: no allocation per trade.
 */
export class Position {
  /** +1 long, -1 short, 0 flat. */
  side = 0;
  quantity = 0;
  /** Average entry price of the open quantity (after slippage). */
  avgEntry = 0;
  /** Entry commissions of the open quantity not yet charged to a closed trade. */
  entryFees = 0;
  /** Bar (of the run) and time of the first entry fill. */
  entryBar = 0;
  entryTs = 0;
  /** Price of the last entry or add fill: the pyramiding spacing is measured from it. */
  lastFillPrice = 0;
  /** Adds filled since the entry (pyramiding). */
  adds = 0;
  /** True once the partial exit was tried for this position (it is taken once). */
  partialExitDone = false;
}

/**
 * The account: cash, the position, the commissions paid, and the events that changed
 * them (fills in order, closed trades). It applies fills; it does not decide or price
 * them. Cash holds a short sale's proceeds, so equity = cash + side x quantity x price.
 */
export class Account {
  cash: number;
  totalFees = 0;
  readonly position = new Position();
  /** The fill log (the result's markers). */
  readonly fills: OrderFilled[] = [];
  /** Closed trades (the result's trades). */
  readonly closed: PositionClosed[] = [];
  /** The closed trades' statistics, fed as each one closes (the metrics read it, not `closed`). */
  readonly tally = new TradeTally();

  /**
   * `keepEvents` false: no fill or trade objects are kept (`fills` and `closed` stay
   * empty), only the tally: a sweep's variant needs the metrics alone, and a year of
   * minutes can close thousands of trades per variant.
   */
  constructor(
    initialCash: number,
    private readonly keepEvents = true,
  ) {
    this.cash = initialCash;
  }

  /** Returns the equity with the position marked at `price`. */
  equityAt(price: number): number {
    const p = this.position;
    return this.cash + p.side * p.quantity * price;
  }

  /**
   * Books an entry or add fill: an entry (`entryLong`/`entryShort`) opens the position,
   * an add grows it and moves the average entry. Cash pays the notional (or, short,
   * receives it) and the commission.
   */
  applyEntryFill(fill: OrderFilled): void {
    const p = this.position;
    const q = fill.quantity;
    const price = fill.price;
    const fee = fill.fee;
    const entry = fill.kind === 'entryLong' || fill.kind === 'entryShort';
    if (entry) {
      p.side = fill.kind === 'entryLong' ? 1 : -1;
      p.quantity = 0;
      p.entryFees = 0;
    }
    this.cash += p.side === 1 ? -(q * price) - fee : q * price - fee;
    p.entryFees += fee;
    this.totalFees += fee;
    p.quantity += q;
    p.lastFillPrice = price;
    if (entry) {
      p.avgEntry = price;
      p.entryBar = fill.bar;
      p.entryTs = fill.ts;
      p.adds = 0;
      p.partialExitDone = false;
    } else {
      // (avg x quantity before + price x q) / quantity after, with the quantity before as
      // (after - q): the engine's arithmetic since 1.0.0 (outputs are pinned bit for bit).
      p.avgEntry = (p.avgEntry * (p.quantity - q) + price * q) / p.quantity;
      p.adds++;
    }
    if (this.keepEvents) this.fills.push(fill);
  }

  /**
   * Books an exit fill of part (`partialExit*`) or all (`exit*`) of the position and
   * records the closed quantity as a trade: its PnL is net of the exit commission and of
   * its share of the entry commissions.
   */
  applyExitFill(fill: OrderFilled, reason: ExitReason, barsHeld: number): void {
    const p = this.position;
    const q = fill.quantity;
    const price = fill.price;
    const fee = fill.fee;
    const s = p.side;
    this.cash += s === 1 ? q * price - fee : -(q * price) - fee;
    this.totalFees += fee;
    const full = fill.kind === 'exitLong' || fill.kind === 'exitShort';
    const entryShare = full ? p.entryFees : (p.entryFees * q) / p.quantity;
    p.entryFees -= entryShare;
    const pnl = s * (price - p.avgEntry) * q - entryShare - fee;
    const returnPct = (pnl * 100) / (p.avgEntry * q);
    this.tally.add(pnl, returnPct, fill.ts - p.entryTs);
    if (this.keepEvents) {
      this.closed.push({
        side: s === 1 ? 'long' : 'short',
        entryTs: p.entryTs,
        exitTs: fill.ts,
        entryBar: p.entryBar,
        exitBar: fill.bar,
        entryPrice: p.avgEntry,
        exitPrice: price,
        quantity: q,
        pnl,
        returnPct,
        fees: entryShare + fee,
        barsHeld,
        exitReason: reason,
      });
      this.fills.push(fill);
    }
    if (full) {
      p.side = 0;
      p.quantity = 0;
      p.entryFees = 0;
    } else p.quantity -= q;
  }

  /** Returns the position still open, marked at `mark` after `barsProcessed` bars, or null when flat. */
  openPosition(mark: number, barsProcessed: number): OpenPosition | null {
    const p = this.position;
    if (p.side === 0) return null;
    return {
      side: p.side === 1 ? 'long' : 'short',
      entryTs: p.entryTs,
      entryBar: p.entryBar,
      entryPrice: p.avgEntry,
      quantity: p.quantity,
      markPrice: mark,
      unrealizedPnl: p.side * (mark - p.avgEntry) * p.quantity - p.entryFees,
      fees: p.entryFees,
      barsHeld: barsProcessed - p.entryBar,
    };
  }
}
