import type { BarColumns } from '../market/bars.js';
import { BaseKernel } from './kernel.js';
import { EmaState } from './moving-averages.js';
import { TrueRangeState, WilderAverage } from './smoothing.js';

export const MACD_OUTPUTS = ['line', 'signal', 'histogram'] as const;

/**
 * MACD of the close: line = EMA(fast) - EMA(slow), signal = EMA(signal) of the line
 * (started once the line exists), histogram = line - signal.
 */
export class MacdKernel extends BaseKernel {
  private readonly fast: EmaState;
  private readonly slow: EmaState;
  private readonly signal: EmaState;

  constructor(
    fast: number,
    slow: number,
    signal: number,
    private readonly output: number,
  ) {
    super();
    this.fast = new EmaState(fast);
    this.slow = new EmaState(slow);
    this.signal = new EmaState(signal);
  }

  update(bars: BarColumns, i: number): number {
    const x = bars.close[i]!;
    const line = this.fast.push(x) - this.slow.push(x);
    if (line !== line) return NaN;
    const signal = this.signal.push(line);
    if (this.output === 0) return line;
    return this.output === 1 ? signal : line - signal;
  }
}

export const ADX_OUTPUTS = ['adx', 'plusDi', 'minusDi'] as const;

/**
 * Wilder's ADX: smoothed true range and directional movement give +DI and -DI (from
 * bar `period`); DX = 100 |+DI - -DI| / (+DI + -DI) (0 when both are 0) is smoothed
 * again, so ADX starts at bar 2 * period - 1. Same warm-up as technicalindicators.
 */
export class AdxKernel extends BaseKernel {
  private readonly trueRange = new TrueRangeState();
  private readonly tr: WilderAverage;
  private readonly plusDm: WilderAverage;
  private readonly minusDm: WilderAverage;
  private readonly dx: WilderAverage;
  private previousHigh = NaN;
  private previousLow = NaN;

  constructor(
    period: number,
    private readonly output: number,
  ) {
    super();
    this.tr = new WilderAverage(period);
    this.plusDm = new WilderAverage(period);
    this.minusDm = new WilderAverage(period);
    this.dx = new WilderAverage(period);
  }

  update(bars: BarColumns, i: number): number {
    const high = bars.high[i]!;
    const low = bars.low[i]!;
    const range = this.trueRange.push(high, low, bars.close[i]!);
    const up = high - this.previousHigh;
    const down = this.previousLow - low;
    this.previousHigh = high;
    this.previousLow = low;
    if (range !== range) return NaN;
    const atr = this.tr.push(range);
    const plus = this.plusDm.push(up > down && up > 0 ? up : 0);
    const minus = this.minusDm.push(down > up && down > 0 ? down : 0);
    if (atr !== atr) return NaN;
    const plusDi = atr > 0 ? (100 * plus) / atr : 0;
    const minusDi = atr > 0 ? (100 * minus) / atr : 0;
    const diSum = plusDi + minusDi;
    const adx = this.dx.push(diSum > 0 ? (100 * Math.abs(plusDi - minusDi)) / diSum : 0);
    if (this.output === 0) return adx;
    return this.output === 1 ? plusDi : minusDi;
  }
}
