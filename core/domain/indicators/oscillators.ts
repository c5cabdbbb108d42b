import type { BarColumns } from '../market/bars.js';
import { RollingExtreme } from './extremes.js';
import { BaseKernel, type SeriesKernel } from './kernel.js';
import { RollingSum } from './moving-averages.js';
import { WilderAverage } from './smoothing.js';

/**
 * RSI of the close with Wilder's smoothing: average gain and loss over `period` price
 * changes, seeded with their simple averages; first value at bar `period`.
 * 100 when there were no losses, 0 when there were no gains, 50 when neither.
 */
export class RsiKernel implements SeriesKernel {
  private readonly gains: WilderAverage;
  private readonly losses: WilderAverage;
  private previous = NaN;

  constructor(period: number) {
    this.gains = new WilderAverage(period);
    this.losses = new WilderAverage(period);
  }

  update(bars: BarColumns, i: number): number {
    return this.next(bars.close[i]!);
  }

  /** Warm-up through `next`, then the steady state with the averages in locals (measured hot path). */
  fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void {
    const close = bars.close;
    let i = from;
    let o = outStart;
    for (; i < to && !this.gains.seeded; i++, o++) out[o] = this.next(close[i]!);
    if (i === to) return;
    const weight = this.gains.weight;
    let gain = this.gains.value;
    let loss = this.losses.value;
    let previous = this.previous;
    for (; i < to; i++, o++) {
      const x = close[i]!;
      const change = x - previous;
      previous = x;
      gain += ((change > 0 ? change : 0) - gain) * weight;
      loss += ((change < 0 ? -change : 0) - loss) * weight;
      out[o] = loss === 0 ? (gain === 0 ? 50 : 100) : (100 * gain) / (gain + loss);
    }
    this.gains.value = gain;
    this.losses.value = loss;
    this.previous = previous;
  }

  private next(x: number): number {
    const previous = this.previous;
    this.previous = x;
    if (previous !== previous) return NaN;
    const change = x - previous;
    const gain = this.gains.push(change > 0 ? change : 0);
    const loss = this.losses.push(change < 0 ? -change : 0);
    if (gain !== gain) return NaN;
    // 100 - 100 / (1 + gain / loss), written with one division.
    if (loss === 0) return gain === 0 ? 50 : 100;
    return (100 * gain) / (gain + loss);
  }
}

/**
 * Stochastic oscillator: %K = 100 (close - lowest low) / (highest high - lowest low)
 * over `period` bars, %D = SMA(signal) of %K. A flat window (high = low) gives 50.
 */
export class StochasticKernel extends BaseKernel {
  private readonly highest: RollingExtreme;
  private readonly lowest: RollingExtreme;
  private readonly dSum: RollingSum;

  constructor(
    period: number,
    private readonly signal: number,
    private readonly wantD: boolean,
  ) {
    super();
    this.highest = new RollingExtreme(period, true);
    this.lowest = new RollingExtreme(period, false);
    this.dSum = new RollingSum(signal);
  }

  update(bars: BarColumns, i: number): number {
    const hh = this.highest.push(bars.high[i]!);
    const ll = this.lowest.push(bars.low[i]!);
    if (hh !== hh) return NaN;
    const range = hh - ll;
    const k = range > 0 ? (100 * (bars.close[i]! - ll)) / range : 50;
    if (!this.wantD) return k;
    return this.dSum.push(k) ? this.dSum.sum / this.signal : NaN;
  }
}

/**
 * Commodity channel index: (tp - SMA(tp)) / (0.015 * mean absolute deviation of tp),
 * tp = typical price. The mean deviation depends on the current mean, so it needs a
 * pass over the window: O(period) per bar (period <= 1000 in the catalog); the SMA
 * itself is O(1). 0 when the window is flat.
 */
export class CciKernel extends BaseKernel {
  private readonly sum: RollingSum;
  private readonly ring: Float64Array;
  private index = 0;

  constructor(private readonly period: number) {
    super();
    this.sum = new RollingSum(period);
    this.ring = new Float64Array(period);
  }

  update(bars: BarColumns, i: number): number {
    const tp = (bars.high[i]! + bars.low[i]! + bars.close[i]!) / 3;
    this.ring[this.index] = tp;
    this.index = this.index + 1 === this.period ? 0 : this.index + 1;
    if (!this.sum.push(tp)) return NaN;
    const mean = this.sum.sum / this.period;
    let deviation = 0;
    for (let k = 0; k < this.period; k++) deviation += Math.abs(this.ring[k]! - mean);
    deviation /= this.period;
    return deviation === 0 ? 0 : (tp - mean) / (0.015 * deviation);
  }
}

/** Rate of change: 100 (close - close N bars ago) / close N bars ago; first value at bar N. */
export class RocKernel extends BaseKernel {
  private readonly ring: Float64Array;
  private index = 0;
  private seen = 0;

  constructor(private readonly period: number) {
    super();
    this.ring = new Float64Array(period);
  }

  update(bars: BarColumns, i: number): number {
    const x = bars.close[i]!;
    const past = this.ring[this.index]!;
    const ready = this.seen >= this.period;
    this.ring[this.index] = x;
    this.index = this.index + 1 === this.period ? 0 : this.index + 1;
    this.seen++;
    return ready ? (100 * (x - past)) / past : NaN;
  }

  /**
   * update()'s arithmetic in a loop with the state in locals: a portfolio ranks by ROC on
   * every bar of every instrument, and BaseKernel's shared loop calls update() through a
   * megamorphic site that also boxes each returned double (~84 MB of garbage per ten
   * years of minutes, bench/portfolio.ts).
   */
  override fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void {
    const close = bars.close;
    const ring = this.ring;
    const period = this.period;
    let index = this.index;
    let seen = this.seen;
    for (let i = from, o = outStart; i < to; i++, o++) {
      const x = close[i]!;
      const past = ring[index]!;
      const ready = seen >= period;
      ring[index] = x;
      index = index + 1 === period ? 0 : index + 1;
      seen++;
      out[o] = ready ? (100 * (x - past)) / past : NaN;
    }
    this.index = index;
    this.seen = seen;
  }
}
