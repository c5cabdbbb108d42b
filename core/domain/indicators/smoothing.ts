/**
 * Wilder's smoothing (an EMA with alpha = 1 / period), seeded with the simple average
 * of the first `period` values, as in Wilder's RSI, ATR and ADX.
 */
export class WilderAverage {
  private count = 0;
  private seedSum = 0;
  value = NaN;
  /** 1 / period: a multiply per value instead of a divide (the RSI fill loop uses it too). */
  readonly weight: number;

  constructor(readonly period: number) {
    this.weight = 1 / period;
  }

  /** True once `period` values were seen (the average is defined). */
  get seeded(): boolean {
    return this.count >= this.period;
  }

  /** Consumes a value; returns the average, NaN until `period` values were seen. */
  push(x: number): number {
    if (this.count >= this.period) {
      this.value += (x - this.value) * this.weight;
      return this.value;
    }
    this.seedSum += x;
    this.count++;
    if (this.count === this.period) this.value = this.seedSum / this.period;
    return this.value;
  }
}

/**
 * True range of a bar: max(high - low, |high - previous close|, |low - previous close|).
 * Undefined (NaN) on the very first bar, which has no previous close (as in
 * technicalindicators; Wilder's ATR then starts from the second bar).
 */
export class TrueRangeState {
  private previousClose = NaN;

  push(high: number, low: number, close: number): number {
    const previous = this.previousClose;
    this.previousClose = close;
    if (previous !== previous) return NaN;
    return Math.max(high - low, Math.abs(high - previous), Math.abs(low - previous));
  }
}
