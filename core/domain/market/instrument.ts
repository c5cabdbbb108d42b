import { DomainError } from '../errors.js';
import type { InstrumentId } from './ids.js';

/** Where an instrument's bars are downloaded from: an exchange and its market (`bws data download`). */
export interface InstrumentSource {
  /** The exchange's id in the exchange library (e.g. 'binance', 'upbit'). */
  readonly exchange: string;
  /** The exchange's market as BASE/QUOTE (e.g. 'BTC/USDT'). */
  readonly market: string;
}

/** A tradable thing: its price tick and quantity step bound every order. */
export interface Instrument {
  readonly id: InstrumentId;
  readonly symbol: string;
  readonly venue: string;
  /** Smallest price increment, e.g. 0.01. */
  readonly priceTick: number;
  /** Smallest quantity increment, e.g. 1 share or 0.00001 BTC. */
  readonly quantityStep: number;
  readonly quoteCurrency: string;
  /** IANA zone the venue trades in; bars are always stored in UTC. */
  readonly timeZone: string;
  /** Set for an instrument downloaded from an exchange: what "Update" downloads from. Absent for bars imported from files. */
  readonly source?: InstrumentSource;
}

export type InstrumentDraft = Omit<Instrument, 'id'>;

/** Checks an instrument draft, throwing on the first broken field. */
export function assertInstrumentDraft(draft: InstrumentDraft): void {
  if (!/^[A-Za-z0-9._:/-]{1,32}$/.test(draft.symbol)) {
    throw new DomainError(`Invalid symbol "${draft.symbol}": 1-32 letters, digits or . _ : / -`);
  }
  for (const key of ['priceTick', 'quantityStep'] as const) {
    const v = draft[key];
    if (!Number.isFinite(v) || v <= 0) throw new DomainError(`${key} must be a positive number, got ${v}`);
  }
}

/**
 * Rounds a quantity down to a whole number of steps. A small epsilon absorbs binary
 * representation error so that 0.3 / 0.1 counts as 3 steps, not 2.
 */
export function roundDownToStep(quantity: number, step: number): number {
  if (!(quantity > 0)) return 0;
  const steps = Math.floor(quantity / step + 1e-9);
  // Multiplying by the step's decimals avoids results like 0.30000000000000004.
  const decimals = stepDecimals(step);
  return Number((steps * step).toFixed(decimals));
}

function stepDecimals(step: number): number {
  const s = step.toString();
  if (s.includes('e-')) return Number(s.split('e-')[1]) + (s.split('e-')[0]?.split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}
