import type { Costs } from '../strategy/spec.js';
import { roundToTick } from './rounding.js';

/**
 * At what price an order fills, given the reference price the bar offers: its open for
 * an order decided at the last close, a stop or target level (or the open, on a gap)
 * inside the bar. The role of nautilus_trader's `FillModel`; which reference applies is
 * the matching's business (execution.ts).
 */
export interface FillModel {
  /** Returns the fill price of a buy at `reference`. */
  buyPrice(reference: number): number;
  /** Returns the fill price of a sell at `reference`. */
  sellPrice(reference: number): number;
}

/** Adverse slippage of `Costs.slippageBps`, then the instrument's tick, rounded against the trader: buys up, sells down. */
export class SlippageFillModel implements FillModel {
  private readonly buyFactor: number;
  private readonly sellFactor: number;

  constructor(
    costs: Costs,
    private readonly tick: number,
  ) {
    this.buyFactor = 1 + costs.slippageBps / 10_000;
    this.sellFactor = 1 - costs.slippageBps / 10_000;
  }

  buyPrice(reference: number): number {
    return roundToTick(reference * this.buyFactor, this.tick, true);
  }

  sellPrice(reference: number): number {
    return roundToTick(reference * this.sellFactor, this.tick, false);
  }
}
