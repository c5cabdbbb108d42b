import { DomainError } from '../errors.js';
import type { BarColumns } from '../market/bars.js';

/**
 * A streaming indicator: it owns its state and consumes bars strictly in order, one
 * at a time, in O(1) per bar (amortized where noted). It never reads a previous bar
 * from `bars` (it keeps what it needs in its state), so it can be fed chunk by chunk
 * with a different `bars` object per chunk and the index relative to that chunk.
 * Values during warm-up are NaN.
 */
export interface SeriesKernel {
  /** Consumes bar `i` of `bars` and returns the selected output's value for it. */
  update(bars: BarColumns, i: number): number;
  /**
   * Consumes bars [from, to) of `bars` and writes their values to
   * out[outStart + (k - from)]. Same result as calling `update` for each bar; the loop
   * lives inside the kernel so the call per bar stays monomorphic and inlinable.
   */
  fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void;
}

/** Builds a kernel from resolved parameter values and the output id to produce. */
export type KernelFactory = (params: Readonly<Record<string, number>>, output: string) => SeriesKernel;

/**
 * Base for kernels without a hand-specialised `fill`. The generic loop calls
 * `this.update`, a call site shared by all subclasses (megamorphic): fine for the
 * less used indicators; hot ones (prices, SMA, EMA, RSI) override `fill`.
 */
export abstract class BaseKernel implements SeriesKernel {
  abstract update(bars: BarColumns, i: number): number;

  fill(bars: BarColumns, from: number, to: number, out: Float64Array, outStart: number): void {
    for (let i = from, o = outStart; i < to; i++, o++) out[o] = this.update(bars, i);
  }
}

/** Returns the value of a required numeric parameter (the caller resolved defaults). */
export function param(params: Readonly<Record<string, number>>, name: string): number {
  const value = params[name];
  if (value === undefined || !Number.isFinite(value)) throw new DomainError(`Indicator parameter "${name}" is missing or not finite`);
  return value;
}

/** Returns a whole-number period >= 1 from a parameter. */
export function periodParam(params: Readonly<Record<string, number>>, name: string): number {
  const value = param(params, name);
  if (!Number.isInteger(value) || value < 1) throw new DomainError(`Indicator parameter "${name}" must be an integer >= 1, got ${value}`);
  return value;
}

/** Returns the index of `output` in `outputs`, throwing on an unknown one. */
export function outputIndex(outputs: readonly string[], output: string, variable: string): number {
  const index = outputs.indexOf(output);
  if (index < 0) throw new DomainError(`Variable "${variable}" has no output "${output}"; expected one of ${outputs.join(', ')}`);
  return index;
}
