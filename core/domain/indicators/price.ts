import type { BarColumns } from '../market/bars.js';
import type { SeriesKernel } from './kernel.js';

/** close, open, high, low, volume: the bar's field itself (stateless). */
export class FieldKernel implements SeriesKernel {
  constructor(private readonly field: 'open' | 'high' | 'low' | 'close' | 'volume') {}

  update(bars: BarColumns, i: number): number {
    return bars[this.field][i]!;
  }

  fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void {
    out.set(bars[this.field].subarray(from, to), outStart);
  }
}

/** Typical price (high + low + close) / 3. */
export class TypicalPriceKernel implements SeriesKernel {
  update(bars: BarColumns, i: number): number {
    return (bars.high[i]! + bars.low[i]! + bars.close[i]!) / 3;
  }

  fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void {
    const { high, low, close } = bars;
    for (let i = from, o = outStart; i < to; i++, o++) out[o] = (high[i]! + low[i]! + close[i]!) / 3;
  }
}
