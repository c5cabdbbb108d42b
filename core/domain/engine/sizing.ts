import type { Sizing } from '../strategy/spec.js';
import type { FeeModel } from './fee-model.js';
import { roundDownQuantity } from './rounding.js';

/**
 * Returns the quantity of an order filled at `price` under the sizing rule, rounded down
 * to the step. `equity` is the account's equity marked at this open; `free` is what is
 * left for new exposure (equity minus the open position's notional): the engine never
 * borrows, so every order is capped at what `free` pays for, commission included.
 * `slots`: how many positions share the equity under `equalWeight` (a portfolio's
 * maxPositions; 1 for a single-instrument run).
 */
export function orderQuantity(sizing: Sizing, equity: number, free: number, price: number, fees: FeeModel, step: number, slots = 1): number {
  let wanted: number;
  switch (sizing.kind) {
    case 'fixedQuantity':
      wanted = sizing.quantity;
      break;
    case 'fixedCash':
      wanted = fees.affordableQuantity(sizing.cash, price);
      break;
    case 'percentEquity':
      wanted = fees.affordableQuantity((equity * sizing.percent) / 100, price);
      break;
    case 'equalWeight':
      wanted = fees.affordableQuantity(equity / slots, price);
      break;
  }
  const cap = fees.affordableQuantity(free, price);
  return roundDownQuantity(Math.min(wanted, cap), step);
}
