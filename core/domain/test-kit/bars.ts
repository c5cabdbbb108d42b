import { allocateBars, type BarColumns } from '../market/bars.js';

export interface BarRow {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume?: number;
}

/** Builds bar columns from rows (test helper). */
export function barsFromRows(rows: readonly BarRow[]): BarColumns {
  const bars = allocateBars(rows.length);
  rows.forEach((r, i) => {
    bars.ts[i] = r.ts;
    bars.open[i] = r.open;
    bars.high[i] = r.high;
    bars.low[i] = r.low;
    bars.close[i] = r.close;
    bars.volume[i] = r.volume ?? 1;
  });
  return bars;
}

/** Builds `n` one-minute bars from a close series; open = previous close, high/low bracket both. */
export function barsFromCloses(closes: readonly number[], startTs = Date.UTC(2024, 0, 1), stepMs = 60_000): BarColumns {
  return barsFromRows(
    closes.map((close, i) => {
      const open = i === 0 ? close : (closes[i - 1] as number);
      return { ts: startTs + i * stepMs, open, high: Math.max(open, close) * 1.001, low: Math.min(open, close) * 0.999, close, volume: 100 + i };
    }),
  );
}
