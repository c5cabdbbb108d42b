import type { ExitReason, Marker, Trade } from './types.js';

/**
 * What an order does to the position. The strategy decides at a bar's close; the
 * execution fills the order at the next bar's open (one order per bar).
 */
export type OrderAction = 'enter' | 'add' | 'partialExit' | 'exit' | 'reverse';

/**
 * Command from the strategy to the execution: fill this order at the next open. The
 * quantity is not in it: sizing applies at the fill price, on the equity marked at that
 * open (docs/ENGINE.md, "Costs and sizing").
 */
export interface SubmitOrder {
  readonly action: OrderAction;
  /** +1 long, -1 short: the side the order opens or adds to (enter, add, reverse); the held side otherwise. */
  readonly side: number;
  /** Exit reason of the quantity it closes (exit: 'signal' or 'timeExit'; partialExit; reverse: 'reversal'). */
  readonly reason: ExitReason;
  /** ATR values read at the signal's close for ATR stop, target and trail distances (0 where not ATR-based). */
  readonly stopAtr: number;
  readonly targetAtr: number;
  readonly trailAtr: number;
}

/** Event: an order (or a stop or target inside a bar) filled. The result's `markers` are these, in order: the fill log. */
export type OrderFilled = Marker;

/** Event: a position, or part of it, closed. The result's `trades` are these. */
export type PositionClosed = Trade;
