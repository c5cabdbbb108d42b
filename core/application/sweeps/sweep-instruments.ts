import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { SweepSource } from '../../domain/optimize/variant-spec.js';
import type { Universe } from '../../domain/strategy/spec.js';
import type { BarStore } from '../data/bar-store.js';
import { requireInstrument } from '../data/instruments.js';
import { resolveUniverse, type RequestUniverse } from '../backtest/request.js';
import { ValidationError } from '../errors.js';
import type { RunUniverse } from '../runs/run-store.js';
import type { SweepData } from './ports.js';

/** What a sweep or walk-forward runs on: one instrument by symbol, or a universe (without either, the source spec's own `portfolio.universe`). */
export interface SweepInstrumentArgs {
  readonly symbol?: string | undefined;
  readonly universe?: Universe | undefined;
  readonly timeframe: Timeframe;
  readonly fromTs?: number | undefined;
  readonly toTs?: number | undefined;
  readonly magnifier?: boolean | undefined;
  readonly quantityStep?: number | undefined;
}

/** The instruments a sweep's variants run on: one, or a portfolio's (every variant runs the whole universe with one account). */
export interface SweepInstruments {
  /** The instrument; a portfolio's first (by symbol, as its runs order them). */
  readonly instrument: Instrument;
  readonly universe: RequestUniverse | null;
}

/**
 * Resolves a sweep's instruments as a backtest resolves its own (backtest/request.ts):
 * ValidationError for a symbol and a universe both, or neither without a spec universe;
 * NotFoundError for a symbol not stored or a tag no instrument has.
 */
export function sweepInstruments(bars: Pick<BarStore, 'findInstrument' | 'instrumentsTagged'>, source: SweepSource, args: SweepInstrumentArgs): SweepInstruments {
  if (args.symbol !== undefined && args.universe !== undefined) throw new ValidationError('Name one instrument or a universe, not both');
  const specUniverse = source.kind === 'spec' ? source.spec.portfolio?.universe : undefined;
  const universe = args.universe ?? (args.symbol === undefined ? specUniverse : undefined);
  if (universe === undefined) {
    if (args.symbol === undefined) throw new ValidationError('Name the instrument to optimize on (or a universe of instruments)');
    return { instrument: requireInstrument(bars, args.symbol, args.quantityStep), universe: null };
  }
  const resolved = resolveUniverse(bars, universe, args.quantityStep);
  return { instrument: resolved.instruments[0]!, universe: resolved };
}

/** The universe a sweep record keeps: its instruments in run order and the tag that chose them. */
export function recordedUniverse(universe: RequestUniverse): RunUniverse {
  return {
    symbols: universe.instruments.map((i) => i.symbol),
    instrumentIds: universe.instruments.map((i) => i.id),
    ...(universe.tag === undefined ? {} : { tag: universe.tag }),
  };
}

/** The data every variant of a sweep (or one walk-forward window) runs on. */
export function sweepData(target: SweepInstruments, args: SweepInstrumentArgs): SweepData {
  return {
    instrumentId: target.instrument.id,
    ...(target.universe ? { universe: target.universe.instruments.map((i) => i.id) } : {}),
    timeframe: args.timeframe,
    ...(args.fromTs === undefined ? {} : { fromTs: args.fromTs }),
    ...(args.toTs === undefined ? {} : { toTs: args.toTs }),
    ...(args.magnifier === undefined ? {} : { magnifier: args.magnifier }),
    ...(args.quantityStep === undefined ? {} : { quantityStep: args.quantityStep }),
  };
}

/** 'DEMO-BTC', or '10 instruments (demo-basket)' for a portfolio: what a job title or message says it runs on. */
export function instrumentsWords(target: SweepInstruments): string {
  const u = target.universe;
  if (!u) return target.instrument.symbol;
  return `${u.instruments.length} instrument${u.instruments.length === 1 ? '' : 's'}${u.tag === undefined ? '' : ` (${u.tag})`}`;
}
