import type { BarColumns } from '../market/bars.js';
import { BaseKernel } from './kernel.js';
import { TrueRangeState, WilderAverage } from './smoothing.js';

export const BOLLINGER_OUTPUTS = ['upper', 'middle', 'lower', 'percentB', 'width'] as const;

/**
 * Bollinger Bands of the close: middle = SMA(period), bands = middle +/- stdDev x the
 * population standard deviation; percentB = 100 (close - lower) / (upper - lower)
 * (50 when the bands touch), width = 100 (upper - lower) / middle.
 *
 * O(1) per bar with running sums of (x - K) and (x - K)^2 over a ring. Shifting by K,
 * a recent mean, avoids the catastrophic cancellation of sum(x^2)/n - mean^2 when the
 * spread is tiny next to the price; each time the ring wraps, K moves to the window
 * mean and both sums are recomputed exactly, so rounding cannot accumulate.
 */
export class BollingerKernel extends BaseKernel {
  private readonly ring: Float64Array;
  private index = 0;
  private filled = 0;
  private shift = NaN;
  private sum = 0;
  private sumSquares = 0;

  constructor(
    private readonly period: number,
    private readonly stdDev: number,
    private readonly output: number,
  ) {
    super();
    this.ring = new Float64Array(period);
  }

  update(bars: BarColumns, i: number): number {
    const x = bars.close[i]!;
    const period = this.period;
    const ring = this.ring;
    if (this.shift !== this.shift) this.shift = x;
    const k = this.shift;
    if (this.filled === period) {
      const old = ring[this.index]! - k;
      this.sum -= old;
      this.sumSquares -= old * old;
    } else {
      this.filled++;
    }
    const d = x - k;
    this.sum += d;
    this.sumSquares += d * d;
    ring[this.index] = x;
    this.index++;
    if (this.index === period) {
      this.index = 0;
      this.recompute();
    }
    if (this.filled < period) return NaN;
    const meanOffset = this.sum / period;
    const variance = Math.max(0, this.sumSquares / period - meanOffset * meanOffset);
    const middle = this.shift + meanOffset;
    const half = this.stdDev * Math.sqrt(variance);
    const upper = middle + half;
    const lower = middle - half;
    switch (this.output) {
      case 0:
        return upper;
      case 1:
        return middle;
      case 2:
        return lower;
      case 3:
        return upper > lower ? (100 * (x - lower)) / (upper - lower) : 50;
      default:
        return (100 * (upper - lower)) / middle;
    }
  }

  private recompute(): void {
    const ring = this.ring;
    let total = 0;
    for (let j = 0; j < this.period; j++) total += ring[j]!;
    const k = total / this.period;
    let sum = 0;
    let sumSquares = 0;
    for (let j = 0; j < this.period; j++) {
      const d = ring[j]! - k;
      sum += d;
      sumSquares += d * d;
    }
    this.shift = k;
    this.sum = sum;
    this.sumSquares = sumSquares;
  }
}

/** Average true range with Wilder's smoothing; first value at bar `period` (true range needs a previous close). */
export class AtrKernel extends BaseKernel {
  private readonly trueRange = new TrueRangeState();
  private readonly average: WilderAverage;

  constructor(period: number) {
    super();
    this.average = new WilderAverage(period);
  }

  update(bars: BarColumns, i: number): number {
    const range = this.trueRange.push(bars.high[i]!, bars.low[i]!, bars.close[i]!);
    return range === range ? this.average.push(range) : NaN;
  }
}
