import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { BarStore } from './bar-store.js';

/**
 * The stored instrument of `symbol`, with `quantityStep` in place of the stored step when
 * given (a run's override, e.g. fractional shares); NotFoundError when none is stored.
 */
export function requireInstrument(bars: Pick<BarStore, 'findInstrument'>, symbol: string, quantityStep?: number): Instrument {
  const instrument = bars.findInstrument(symbol);
  if (!instrument) throw new NotFoundError(`No instrument "${symbol}"; import its bars first`, { symbol });
  return withQuantityStep(instrument, quantityStep);
}

/** The instrument with `quantityStep` in place of its stored step when given (ValidationError for one that is not a positive number). */
export function withQuantityStep(instrument: Instrument, quantityStep: number | undefined): Instrument {
  if (quantityStep === undefined) return instrument;
  if (!(quantityStep > 0 && Number.isFinite(quantityStep))) throw new ValidationError(`quantityStep must be a positive number, got ${quantityStep}`);
  return { ...instrument, quantityStep };
}

/**
 * Refuses, with NotFoundError naming the timeframes that are stored, a timeframe of which
 * `symbol` has no stored bars (an export writes stored bars only: it would be an empty file).
 */
export function requireStoredTimeframe(bars: Pick<BarStore, 'listSeries'>, symbol: string, timeframe: Timeframe): void {
  const stored = bars
    .listSeries()
    .filter((s) => s.instrument.symbol === symbol)
    .map((s) => s.timeframe);
  if (stored.includes(timeframe)) return;
  if (stored.length === 0) throw new NotFoundError(`No bars of "${symbol}" are stored; import them first`, { symbol });
  throw new NotFoundError(`No ${timeframe} bars of ${symbol} are stored; its timeframes are ${stored.join(', ')}. Nothing was written`, { symbol, timeframe });
}
