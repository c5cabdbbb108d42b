import type { BarColumns } from '../market/bars.js';
import { BaseKernel } from './kernel.js';

/** On-balance volume: 0 on the first bar, then + volume on an up close, - volume on a down close. */
export class ObvKernel extends BaseKernel {
  private previousClose = NaN;
  private total = 0;

  update(bars: BarColumns, i: number): number {
    const close = bars.close[i]!;
    if (close > this.previousClose) this.total += bars.volume[i]!;
    else if (close < this.previousClose) this.total -= bars.volume[i]!;
    this.previousClose = close;
    return this.total;
  }
}

const DAY_MS = 86_400_000;

/**
 * VWAP anchored to each UTC day: sum(typical price x volume) / sum(volume) over the
 * day's bars so far. Until the day has traded any volume, it is the bar's typical price.
 */
export class VwapKernel extends BaseKernel {
  private day = NaN;
  private weighted = 0;
  private volume = 0;

  update(bars: BarColumns, i: number): number {
    const day = Math.floor(bars.ts[i]! / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.weighted = 0;
      this.volume = 0;
    }
    const tp = (bars.high[i]! + bars.low[i]! + bars.close[i]!) / 3;
    const v = bars.volume[i]!;
    this.weighted += tp * v;
    this.volume += v;
    return this.volume > 0 ? this.weighted / this.volume : tp;
  }
}
