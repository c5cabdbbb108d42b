import { DayOfWeekKernel, TimeOfDayKernel } from './calendar.js';
import { HighestKernel, LowestKernel } from './extremes.js';
import { outputIndex, param, periodParam, type KernelFactory } from './kernel.js';
import { EmaKernel, SmaKernel, WmaKernel } from './moving-averages.js';
import { CciKernel, RocKernel, RsiKernel, StochasticKernel } from './oscillators.js';
import { FieldKernel, TypicalPriceKernel } from './price.js';
import { ADX_OUTPUTS, AdxKernel, MACD_OUTPUTS, MacdKernel } from './trend.js';
import { AtrKernel, BOLLINGER_OUTPUTS, BollingerKernel } from './volatility.js';
import { ObvKernel, VwapKernel } from './volume.js';

/**
 * Catalog id -> kernel factory, for every catalog variable except position-state ones
 * (the engine computes those). Parameters arrive resolved (catalog defaults filled in)
 * and the output id is one the catalog declares.
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
  rsi: (p) => new RsiKernel(periodParam(p, 'period')),
  macd: (p, output) =>
    new MacdKernel(periodParam(p, 'fast'), periodParam(p, 'slow'), periodParam(p, 'signal'), outputIndex(MACD_OUTPUTS, output, 'macd')),
  bollinger: (p, output) =>
    new BollingerKernel(periodParam(p, 'period'), param(p, 'stdDev'), outputIndex(BOLLINGER_OUTPUTS, output, 'bollinger')),
  atr: (p) => new AtrKernel(periodParam(p, 'period')),
  stochastic: (p, output) =>
    new StochasticKernel(periodParam(p, 'period'), periodParam(p, 'signal'), outputIndex(['k', 'd'], output, 'stochastic') === 1),
  adx: (p, output) => new AdxKernel(periodParam(p, 'period'), outputIndex(ADX_OUTPUTS, output, 'adx')),
  cci: (p) => new CciKernel(periodParam(p, 'period')),
  obv: () => new ObvKernel(),
  vwap: () => new VwapKernel(),
  highest: (p) => new HighestKernel(periodParam(p, 'period')),
  lowest: (p) => new LowestKernel(periodParam(p, 'period')),
  roc: (p) => new RocKernel(periodParam(p, 'period')),
  timeOfDay: () => new TimeOfDayKernel(),
  dayOfWeek: () => new DayOfWeekKernel(),
};
