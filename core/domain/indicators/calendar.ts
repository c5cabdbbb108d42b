import type { BarColumns } from '../market/bars.js';
import { BaseKernel } from './kernel.js';

const DAY_MS = 86_400_000;

/** Minutes since midnight UTC of the bar's open time (0-1439). */
export class TimeOfDayKernel extends BaseKernel {
  update(bars: BarColumns, i: number): number {
    const ms = bars.ts[i]! % DAY_MS;
    return Math.floor((ms < 0 ? ms + DAY_MS : ms) / 60_000);
  }
}

/** Day of week of the bar's open time, UTC, 0 = Sunday (1970-01-01 was a Thursday, 4). */
export class DayOfWeekKernel extends BaseKernel {
  update(bars: BarColumns, i: number): number {
    const dow = (Math.floor(bars.ts[i]! / DAY_MS) + 4) % 7;
    return dow < 0 ? dow + 7 : dow;
  }
}
