import type { SweepSource } from '../../domain/optimize/variant-spec.js';
import type { BarStore } from '../data/bar-store.js';
import { seriesSource } from '../data/series-bars.js';
import { NotFoundError } from '../errors.js';
import { resolveInstruments, type BacktestTarget, type RequestUniverse, type ResolvedInstruments } from '../backtest/request.js';
import type { RunUniverse } from '../runs/run-store.js';
import type { SweepData } from './ports.js';

/** What a sweep or walk-forward runs on: a backtest's target without its spec (the sweep's source gives that). */
export type SweepInstrumentArgs = Omit<BacktestTarget, 'spec'>;

/** The instruments a sweep's variants run on: one, or a portfolio's (every variant runs the whole universe with one account). */
export type SweepInstruments = ResolvedInstruments;

/** Resolves a sweep's instruments as a backtest resolves its own (backtest/request.ts resolveInstruments). */
export function sweepInstruments(bars: Pick<BarStore, 'findInstrument' | 'instrumentsTagged'>, source: SweepSource, args: SweepInstrumentArgs): SweepInstruments {
  return resolveInstruments(bars, args, source.kind === 'spec' ? source.spec.portfolio?.universe : undefined, 'optimize on');
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
  return wordsFor(target.instrument.symbol, u ? { count: u.instruments.length, tag: u.tag } : null);
}

/** The same words for a stored sweep's instruments (a resumed sweep's job title). */
export function storedInstrumentsWords(sweep: { readonly symbol: string; readonly universe?: RunUniverse | undefined }): string {
  const u = sweep.universe;
  return wordsFor(sweep.symbol, u ? { count: u.instrumentIds.length, tag: u.tag } : null);
}

function wordsFor(symbol: string, universe: { readonly count: number; readonly tag: string | undefined } | null): string {
  if (!universe) return symbol;
  return `${universe.count} instrument${universe.count === 1 ? '' : 's'}${universe.tag === undefined ? '' : ` (${universe.tag})`}`;
}

/**
 * NotFoundError, as a run says it, when no instrument of the sweep has a bar of its
 * timeframe (stored, or built from stored minutes) in [fromTs, toTs): every variant would
 * run on no bars and the sweep would rank empty results as if they were results.
 */
export function requireSweepBars(bars: Pick<BarStore, 'seriesVersion' | 'iterateChunks'>, target: SweepInstruments, args: SweepInstrumentArgs): void {
  const instruments = target.universe?.instruments ?? [target.instrument];
  for (const instrument of instruments) {
    const source = seriesSource(bars, instrument.id, args.timeframe);
    for (const chunk of bars.iterateChunks(instrument.id, source.timeframe, args.fromTs, args.toTs)) if (chunk.ts.length > 0) return;
  }
  const what = target.universe ? `any of the ${instruments.length} instruments of the universe` : target.instrument.symbol;
  throw new NotFoundError(`No ${args.timeframe} bars of ${what} in the requested range`, { timeframe: args.timeframe });
}
