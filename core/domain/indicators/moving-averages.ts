import type { BarColumns } from '../market/bars.js';
import { BaseKernel, type SeriesKernel } from './kernel.js';

/**
 * Running sum over a ring buffer of the last `period` values. The sum is recomputed
 * from the buffer each time the ring wraps, so floating-point drift cannot build up
 * over long histories (O(period) once per `period` values: O(1) amortized).
 */
export class RollingSum {
  private readonly ring: Float64Array;
  private index = 0;
  private filled = 0;
  sum = 0;

  constructor(readonly period: number) {
    this.ring = new Float64Array(period);
  }

  /** Adds a value, dropping the oldest once full; returns true once `period` values are in. */
  push(value: number): boolean {
    const ring = this.ring;
    const index = this.index;
    this.sum += value - ring[index]!;
    ring[index] = value;
    const next = index + 1;
    if (next === this.period) {
      this.index = 0;
      let exact = 0;
      for (let k = 0; k < this.period; k++) exact += ring[k]!;
      this.sum = exact;
    } else {
      this.index = next;
    }
    if (this.filled < this.period) this.filled++;
    return this.filled === this.period;
  }

  get full(): boolean {
    return this.filled === this.period;
  }

  /**
   * Pushes values[from..to) and writes the window mean (NaN until full) to out from
   * outStart. Bit-identical to calling `push` per value (same additions in the same
   * order, same recompute points), but once the window lies inside `values` it reads
   * the leaving value from `values` instead of the ring and keeps the state in locals:
   * this is the measured hot path (bench/strategy.ts), within a few tens of percent of
   * a bare loop. The ring is brought up to date once at the end.
   */
  fill(values: Float64Array, from: number, to: number, out: Float64Array, outStart: number): void {
    const period = this.period;
    let i = from;
    let o = outStart;
    // Until a whole window of this call's values is in, go through the ring.
    for (; i < to && i - from < period; i++, o++) out[o] = this.push(values[i]!) ? this.sum / period : NaN;
    if (i === to) return;
    let index = this.index;
    let sum = this.sum;
    for (; i < to; i++, o++) {
      sum += values[i]! - values[i - period]!;
      if (++index === period) {
        index = 0;
        // The ring would hold values[i - period + 1 .. i], oldest first: sum them in that order.
        sum = 0;
        for (let k = i - period + 1; k <= i; k++) sum += values[k]!;
      }
      out[o] = sum / period;
    }
    // Ring slot index - 1 holds the newest value, going back from there.
    const ring = this.ring;
    for (let k = 1; k <= period; k++) ring[(index - k + period) % period] = values[to - k]!;
    this.index = index;
    this.sum = sum;
    // filled is already `period`: the first loop pushed at least `period` values.
  }
}

/** Simple moving average of close over `period` bars. */
export class SmaKernel implements SeriesKernel {
  private readonly sum: RollingSum;

  constructor(readonly period: number) {
    this.sum = new RollingSum(period);
  }

  update(bars: BarColumns, i: number): number {
    return this.sum.push(bars.close[i]!) ? this.sum.sum / this.period : NaN;
  }

  /**
   * Same arithmetic as RollingSum.push, with the state in locals for the loop: V8 does
   * not keep object fields in registers across iterations, and this loop is the
   * measured hot path (bench/strategy.ts).
   */
  fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void {
    this.sum.fill(bars.close, from, to, out, outStart);
  }
}

/**
 * Exponential moving average on a stream of values, seeded with the simple average of
 * the first `period` values (the usual definition, and technicalindicators'), with
 * alpha = 2 / (period + 1). Used by EMA and MACD.
 */
export class EmaState {
  private readonly alpha: number;
  private count = 0;
  private seedSum = 0;
  value = NaN;

  constructor(readonly period: number) {
    this.alpha = 2 / (period + 1);
  }

  /** Consumes a value; returns the EMA, NaN until `period` values were seen. */
  push(x: number): number {
    if (this.count >= this.period) {
      this.value += (x - this.value) * this.alpha;
      return this.value;
    }
    this.seedSum += x;
    this.count++;
    if (this.count === this.period) this.value = this.seedSum / this.period;
    return this.value;
  }

  /** Pushes values[from..to) and writes the EMA after each to out from outStart (state in locals for speed). */
  fill(values: Float64Array, from: number, to: number, out: Float64Array, outStart: number): void {
    let i = from;
    let o = outStart;
    for (; i < to && this.count < this.period; i++, o++) out[o] = this.push(values[i]!);
    const alpha = this.alpha;
    let value = this.value;
    for (; i < to; i++, o++) {
      value += (values[i]! - value) * alpha;
      out[o] = value;
    }
    this.value = value;
  }
}

/** Exponential moving average of close. */
export class EmaKernel implements SeriesKernel {
  private readonly ema: EmaState;

  constructor(period: number) {
    this.ema = new EmaState(period);
  }

  update(bars: BarColumns, i: number): number {
    return this.ema.push(bars.close[i]!);
  }

  fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void {
    this.ema.fill(bars.close, from, to, out, outStart);
  }
}

/**
 * Linearly weighted moving average of close (weights 1..period, newest heaviest) in
 * O(1): keeps the plain sum S and the weighted sum W; on a new value x, with the
 * oldest value x0 leaving, W' = W - S + period * x and S' = S - x0 + x. Both sums are
 * recomputed from the ring when it wraps, bounding drift.
 */
export class WmaKernel extends BaseKernel {
  private readonly ring: Float64Array;
  private readonly divisor: number;
  private index = 0;
  private filled = 0;
  private plain = 0;
  private weighted = 0;

  constructor(readonly period: number) {
    super();
    this.ring = new Float64Array(period);
    this.divisor = (period * (period + 1)) / 2;
  }

  update(bars: BarColumns, i: number): number {
    const x = bars.close[i]!;
    const period = this.period;
    const ring = this.ring;
    if (this.filled < period) {
      // Filling: the k-th value (1-based) gets weight k for now.
      this.filled++;
      this.weighted += this.filled * x;
      this.plain += x;
    } else {
      this.weighted += period * x - this.plain;
      this.plain += x - ring[this.index]!;
    }
    ring[this.index] = x;
    this.index++;
    if (this.index === period) {
      this.index = 0;
      // The ring now runs oldest..newest from 0: recompute both sums exactly.
      let plain = 0;
      let weighted = 0;
      for (let k = 0; k < period; k++) {
        plain += ring[k]!;
        weighted += (k + 1) * ring[k]!;
      }
      this.plain = plain;
      this.weighted = weighted;
    }
    return this.filled === period ? this.weighted / this.divisor : NaN;
  }
}
