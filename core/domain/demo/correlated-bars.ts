import { allocateBars, type BarColumns } from '../market/bars.js';
import { createRandom } from '../random.js';

/** One instrument of a correlated set: its start price, how much it follows the market, its own volatility. */
export interface CorrelatedMember {
  readonly startPrice: number;
  /** Exposure to the common market factor (1: moves with it). */
  readonly beta: number;
  /** Volatility of its own moves per bar (a fraction: 0.01 = 1 %). */
  readonly ownVol: number;
  /** Drift of its own moves per bar (a fraction), so some members trend up and some down. */
  readonly drift?: number;
  readonly priceTick: number;
  readonly baseVolume: number;
}

/**
 * Generates bars for a set of instruments that move together: each bar's log return is
 * beta x a market return shared by all members plus the member's own return (a
 * one-factor model, the simplest that gives realistic correlation between members).
 * Deterministic in `seed`; bars are `stepMs` apart from `startTs`, sound (high and low
 * bracket open and close) and rounded to each member's tick.
 */
export function generateCorrelatedBars(members: readonly CorrelatedMember[], count: number, stepMs: number, startTs: number, seed: number, marketVol: number): BarColumns[] {
  const rng = createRandom(seed);
  const out = members.map(() => allocateBars(count));
  const prices = members.map((m) => m.startPrice);
  for (let i = 0; i < count; i++) {
    const market = marketVol * rng.normal();
    const ts = startTs + i * stepMs;
    for (let k = 0; k < members.length; k++) {
      const m = members[k]!;
      const bars = out[k]!;
      const ret = (m.drift ?? 0) + m.beta * market + m.ownVol * rng.normal();
      const open = prices[k]!;
      const close = open * Math.exp(ret);
      const sigma = Math.abs(m.beta * marketVol) + m.ownVol;
      const wickUp = Math.abs(rng.normal()) * sigma * 0.5;
      const wickDown = Math.abs(rng.normal()) * sigma * 0.5;
      const tick = m.priceTick;
      const o = roundTo(open, tick);
      const c = roundTo(close, tick);
      bars.ts[i] = ts;
      bars.open[i] = o;
      bars.close[i] = c;
      bars.high[i] = Math.max(roundTo(Math.max(open, close) * Math.exp(wickUp), tick), o, c);
      bars.low[i] = Math.min(roundTo(Math.min(open, close) * Math.exp(-wickDown), tick), o, c);
      bars.volume[i] = Math.round(m.baseVolume * Math.exp(0.5 * rng.normal()) * (1 + 20 * Math.abs(ret)));
      prices[k] = close;
    }
  }
  return out;
}

/** Rounds to the tick; dividing by the whole number 1/tick gives the nearest double to the decimal. */
function roundTo(value: number, tick: number): number {
  const perUnit = Math.round(1 / tick);
  return Math.max(tick, Math.round(value * perUnit) / perUnit);
}
