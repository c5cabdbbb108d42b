import { periodParam, type KernelFactory } from './kernel.js';
import { EmaKernel, SmaKernel, WmaKernel } from './moving-averages.js';
import { FieldKernel, TypicalPriceKernel } from './price.js';

/**
 * Catalog id -> kernel factory, for every catalog variable except position-state ones
 * (the engine computes those). Parameters arrive resolved (catalog defaults filled in).
 */
export const KERNELS: Readonly<Record<string, KernelFactory>> = {
  close: () => new FieldKernel('close'),
  open: () => new FieldKernel('open'),
  high: () => new FieldKernel('high'),
  low: () => new FieldKernel('low'),
  volume: () => new FieldKernel('volume'),
  typical: () => new TypicalPriceKernel(),
  sma: (p) => new SmaKernel(periodParam(p, 'period')),
  ema: (p) => new EmaKernel(periodParam(p, 'period')),
  wma: (p) => new WmaKernel(periodParam(p, 'period')),
};
