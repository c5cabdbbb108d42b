import type { BacktestInput, BacktestResult } from '../engine/types.js';
import { runBacktest } from '../engine/backtest.js';
import type { BarColumns } from '../market/bars.js';
import type { Timeframe } from '../market/timeframe.js';
import type { StrategySpec } from '../strategy/spec.js';
import { barsFromRows } from './bars.js';

export const T0 = Date.UTC(2024, 0, 1);
export const MINUTE = 60_000;

/** Bars from [open, high, low, close] tuples, `stepMs` apart from `start` (test helper). */
export function ohlc(rows: readonly (readonly [number, number, number, number])[], stepMs = MINUTE, start = T0): BarColumns {
  return barsFromRows(rows.map(([open, high, low, close], i) => ({ ts: start + i * stepMs, open, high, low, close, volume: 1 })));
}

/** Runs a spec on bars with a 0.01 tick and a quantity step of 1 unless told otherwise (test helper). */
export function backtest(
  spec: StrategySpec,
  bars: BarColumns,
  extra: Partial<Omit<BacktestInput, 'spec' | 'bars'>> & { timeframe?: Timeframe } = {},
): BacktestResult {
  return runBacktest({ spec, bars, instrument: { priceTick: 0.01, quantityStep: 1 }, timeframe: '1m', ...extra });
}
