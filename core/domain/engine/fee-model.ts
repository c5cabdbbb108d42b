import type { Costs } from '../strategy/spec.js';

/**
 * What a fill costs in commission (the role of nautilus_trader's `FeeModel`). The
 * execution asks it for every fill's commission; sizing asks it how many units a budget
 * pays for, commission included.
 */
export interface FeeModel {
  /** Returns the commission of one fill of `quantity` at `price`; never negative. */
  commission(quantity: number, price: number): number;
  /** Returns the largest quantity whose notional plus commission fits in `budget`, before step rounding (0 if none). */
  affordableQuantity(budget: number, price: number): number;
}

/** Percent of the notional plus a fixed amount per fill (`Costs.commissionPct`, `Costs.commissionFixed`). */
export class PercentPlusFixedFeeModel implements FeeModel {
  private readonly percent: number;
  private readonly fixed: number;
  /** 1 + percent / 100: what one unit costs per unit of price, commission included. */
  private readonly grossUp: number;

  constructor(costs: Costs) {
    this.percent = costs.commissionPct;
    this.fixed = costs.commissionFixed;
    this.grossUp = 1 + costs.commissionPct / 100;
  }

  commission(quantity: number, price: number): number {
    return Math.max(0, (quantity * price * this.percent) / 100 + this.fixed);
  }

  affordableQuantity(budget: number, price: number): number {
    const q = (budget - this.fixed) / (price * this.grossUp);
    return q > 0 ? q : 0;
  }
}
