import type { BarColumns } from '../market/bars.js';
import { BaseKernel } from './kernel.js';

/**
 * Maximum (or minimum) of the last `period` values with a monotonic deque: each value
 * enters and leaves the deque once, so O(1) amortized per value. The deque lives in a
 * fixed ring (capacity `period`) so nothing is allocated per value.
 */
export class RollingExtreme {
  private readonly values: Float64Array;
  private readonly stamps: Float64Array;
  private head = 0;
  private size = 0;
  private pushed = 0;

  constructor(
    readonly period: number,
    private readonly wantMax: boolean,
  ) {
    this.values = new Float64Array(period);
    this.stamps = new Float64Array(period);
  }

  /** Adds a value; returns the extreme of the window, NaN until `period` values were seen. */
  push(x: number): number {
    const cap = this.period;
    const values = this.values;
    const stamp = this.pushed++;
    // Drop from the back every value the new one dominates.
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % cap;
      const v = values[back]!;
      if (this.wantMax ? v <= x : v >= x) this.size--;
      else break;
    }
    // Drop from the front the value that left the window.
    if (this.size > 0 && this.stamps[this.head]! <= stamp - cap) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    const slot = (this.head + this.size) % cap;
    values[slot] = x;
    this.stamps[slot] = stamp;
    this.size++;
    return this.pushed >= cap ? values[this.head]! : NaN;
  }
}

/** Highest high of the last `period` bars, this bar included (upper Donchian channel). */
export class HighestKernel extends BaseKernel {
  private readonly extreme: RollingExtreme;

  constructor(period: number) {
    super();
    this.extreme = new RollingExtreme(period, true);
  }

  update(bars: BarColumns, i: number): number {
    return this.extreme.push(bars.high[i]!);
  }
}

/** Lowest low of the last `period` bars, this bar included (lower Donchian channel). */
export class LowestKernel extends BaseKernel {
  private readonly extreme: RollingExtreme;

  constructor(period: number) {
    super();
    this.extreme = new RollingExtreme(period, false);
  }

  update(bars: BarColumns, i: number): number {
    return this.extreme.push(bars.low[i]!);
  }
}
