import { DomainError } from '../../domain/errors.js';
import { createSeriesSource, operandKey } from '../../domain/engine/operands.js';
import { MAX_WARM_UP_BARS, operandWarmUpBars } from '../../domain/engine/warm-up.js';
import type { BarColumns } from '../../domain/market/bars.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { VariableOperand } from '../../domain/strategy/spec.js';
import { ValidationError } from '../errors.js';
import { forEachBucket } from '../charts/downsample.js';

/**
 * The most bars indicators are computed over in one call (the main process computes them):
 * a 30-day preview of minutes is 43,200; a year is 525,600, several times this budget.
 */
export const MAX_INDICATOR_BARS = 100_000;

/** Bars before the first shown bar that the operands need to be defined there (capped like a run's warm-up). */
export function operandsWarmUpBars(operands: readonly VariableOperand[], timeframe: Timeframe): number {
  return Math.min(MAX_WARM_UP_BARS, operands.reduce((most, operand) => Math.max(most, operandWarmUpBars(operand, timeframe)), 0));
}

/**
 * Each operand's value at every bar, as the engine computes it (streaming kernels; a
 * higher timeframe sees completed buckets only): NaN while it warms up. An operand the
 * engine cannot compute (unknown variable, a position variable, a timeframe below the
 * bars') is refused with a ValidationError naming it, as are more than MAX_INDICATOR_BARS bars.
 */
export function operandValues(bars: BarColumns, operands: readonly VariableOperand[], timeframe: Timeframe): { key: string; values: Float64Array }[] {
  const n = bars.ts.length;
  if (n > MAX_INDICATOR_BARS) {
    throw new ValidationError(`Indicators are drawn over at most ${MAX_INDICATOR_BARS.toLocaleString('en-US')} bars; this range has ${n.toLocaleString('en-US')} (with their warm-up): narrow it or pick a longer timeframe`, { path: 'operands' });
  }
  return operands.map((operand, index) => {
    let source;
    let key;
    try {
      key = operandKey(operand, timeframe);
      source = createSeriesSource(operand, timeframe, undefined);
    } catch (error) {
      if (error instanceof DomainError) throw new ValidationError(`Indicator ${index + 1} (${operand.variable}) cannot be drawn: ${error.message}`, { path: `operands[${index}]` });
      throw error;
    }
    // One pass over all the bars: the source's buffer is then the series (bar i at offset + i).
    source.advance(bars, 0, n, 0);
    const { values, offset } = source.current;
    return { key, values: values.subarray(offset, offset + n) };
  });
}

/**
 * The value of each bucket downsampleOhlc makes of bars [start, end): the value at the
 * bucket's last bar (as its close is), so a line drawn from them meets the price line.
 * The same buckets as downsampleOhlc (forEachBucket); NaN (warming up) as null.
 */
export function lastPerBucket(values: Float64Array, start: number, end: number, buckets: number): (number | null)[] {
  const count = end - start;
  const out: (number | null)[] = [];
  const at = (i: number): number | null => (Number.isNaN(values[i]!) ? null : values[i]!);
  if (count <= 0) return out;
  if (count <= buckets) {
    for (let i = start; i < end; i++) out.push(at(i));
    return out;
  }
  forEachBucket(start, end, buckets, (_from, to) => out.push(at(to - 1)));
  return out;
}
