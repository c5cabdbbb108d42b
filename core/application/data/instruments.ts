import type { Instrument } from '../../domain/market/instrument.js';
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
