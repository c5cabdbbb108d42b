import { DomainError } from '../errors.js';
import type { BarColumns } from '../market/bars.js';
import { findOutput, findVariable, withDefaults } from '../strategy/catalog.js';
import type { SeriesKernel } from './kernel.js';
import { KERNELS } from './registry.js';

export type { SeriesKernel } from './kernel.js';

/**
 * Creates a streaming kernel for a catalog variable: feed it bars in order (chunk by
 * chunk if you like, with `update` per bar or `fill` per range); its state carries
 * across calls. Missing params take the catalog defaults; `output` defaults to the
 * variable's first output. Throws DomainError for an unknown variable or output, a
 * position-state variable (the engine computes those) or an unusable parameter.
 */
export function createSeriesKernel(variable: string, params: Readonly<Record<string, number>> = {}, output?: string): SeriesKernel {
  const def = findVariable(variable);
  if (!def) throw new DomainError(`Unknown variable "${variable}"`);
  const factory = KERNELS[variable];
  if (!factory) throw new DomainError(`Variable "${variable}" is ${def.kind === 'position' ? 'position state, computed by the engine' : 'not computable'}`);
  const out = findOutput(def, output);
  if (!out) throw new DomainError(`Variable "${variable}" has no output "${output}"; expected one of ${def.outputs.map((o) => o.id).join(', ')}`);
  return factory(withDefaults(def, params), out.id);
}

/**
 * Computes a variable over all bars: one value per bar, NaN during warm-up. Same
 * arguments and errors as createSeriesKernel.
 */
export function computeSeries(
  bars: BarColumns,
  variable: string,
  params: Readonly<Record<string, number>> = {},
  output?: string,
): Float64Array {
  const n = bars.ts.length;
  const out = new Float64Array(n);
  createSeriesKernel(variable, params, output).fill(bars, 0, n, out, 0);
  return out;
}
