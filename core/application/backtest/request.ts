import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec, Universe } from '../../domain/strategy/spec.js';
import type { BarStore } from '../data/bar-store.js';
import { requireInstrument, withQuantityStep } from '../data/instruments.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { checkSpec, requireRunnableSpec } from '../strategies/strategy-service.js';

/** Most instruments one portfolio run trades. */
export const MAX_UNIVERSE = 500;

/** A portfolio run's instruments, by symbol, and the tag that chose them (when one did). */
export interface RequestUniverse {
  readonly instruments: readonly Instrument[];
  readonly tag?: string;
}

/**
 * One backtest, checked: the one request shape from the edge (a handler, the CLI, a
 * sweep variant) to wherever it runs (a worker, this thread). Built only by
 * `backtestRequest`, which validates the spec and looks the instruments up once; nothing
 * downstream checks either again. Ranges are [fromTs, toTs), epoch ms UTC.
 */
export interface BacktestRequest {
  /** The stored instrument, with the caller's quantity step when it overrode the stored one; a portfolio's first. */
  readonly instrument: Instrument;
  /** Present for a portfolio run: every instrument it trades with one account (`instrument` is the first). */
  readonly universe?: RequestUniverse;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  /** Runnable on `timeframe`: no errors, no unaccepted warnings. */
  readonly spec: StrategySpec;
  /** Resolve stops/targets on 1-minute bars inside higher-timeframe bars (default true). */
  readonly magnifier?: boolean;
}

/**
 * What a caller asks to run: a spec as it arrived, one series by symbol or a universe
 * (symbols or a tag; without either, the spec's own `portfolio.universe`), a range, options.
 */
export interface BacktestTarget {
  /** The spec as JSON (validated here) or a typed spec. */
  readonly spec: unknown;
  readonly symbol?: string | undefined;
  readonly universe?: Universe | undefined;
  readonly timeframe: Timeframe;
  readonly fromTs?: number | undefined;
  readonly toTs?: number | undefined;
  readonly magnifier?: boolean | undefined;
  /** Overrides the instruments' quantity step for this run (e.g. fractional shares). */
  readonly quantityStep?: number | undefined;
}

type Bars = Pick<BarStore, 'findInstrument' | 'instrumentsTagged'>;

/**
 * Checks a target once and returns its request: ValidationError listing the spec's
 * errors (and unaccepted warnings), NotFoundError for a symbol without stored bars or a
 * tag no instrument has.
 */
export function backtestRequest(bars: Bars, target: BacktestTarget): BacktestRequest {
  return requestFor(bars, target, requireRunnableSpec(target.spec, target.timeframe));
}

/**
 * The request of the builder's signal preview: the spec's errors block it (ValidationError
 * with `details.problems`), its unaccepted warnings do not (the builder shows them beside it).
 */
export function previewRequest(bars: Bars, target: BacktestTarget): BacktestRequest {
  const check = checkSpec(target.spec, target.timeframe);
  if (!check.spec || check.errors.length > 0) throw new ValidationError('The strategy has errors; fix them to see its signals', { problems: check.errors });
  // The builder previews one instrument's signals.
  return requestFor(bars, { ...target, universe: undefined }, check.spec);
}

function requestFor(bars: Bars, target: BacktestTarget, spec: StrategySpec): BacktestRequest {
  const { instrument, universe } = resolveInstruments(bars, target, spec.portfolio?.universe, 'run on');
  return { ...targetRange(target), instrument, ...(universe ? { universe } : {}), timeframe: target.timeframe, spec };
}

/** What a run, sweep or walk-forward trades: one instrument, or a universe's (its first by symbol as `instrument`). */
export interface ResolvedInstruments {
  readonly instrument: Instrument;
  readonly universe: RequestUniverse | null;
}

/**
 * One instrument by symbol, or a universe (symbols or a tag; without either, the spec's
 * own `specUniverse`): ValidationError for both or neither (`purpose` says for what: "run
 * on", "optimize on"), NotFoundError for a symbol not stored or a tag no instrument has.
 */
export function resolveInstruments(
  bars: Bars,
  target: Pick<BacktestTarget, 'symbol' | 'universe' | 'quantityStep'>,
  specUniverse: Universe | undefined,
  purpose: string,
): ResolvedInstruments {
  if (target.symbol !== undefined && target.universe !== undefined) throw new ValidationError('Name one instrument or a universe, not both');
  const universe = target.universe ?? (target.symbol === undefined ? specUniverse : undefined);
  if (universe === undefined) {
    if (target.symbol === undefined) throw new ValidationError(`Name the instrument to ${purpose} (or a universe of instruments)`);
    return { instrument: requireInstrument(bars, target.symbol, target.quantityStep), universe: null };
  }
  const resolved = resolveUniverse(bars, universe, target.quantityStep);
  return { instrument: resolved.instruments[0]!, universe: resolved };
}

/** The stored instruments of a universe, by symbol: NotFoundError naming a symbol not stored or a tag no instrument has. */
export function resolveUniverse(bars: Bars, universe: Universe, quantityStep?: number): RequestUniverse {
  if ('tag' in universe) {
    const tagged = bars.instrumentsTagged(universe.tag);
    if (tagged.length === 0) throw new NotFoundError(`No instrument has the tag "${universe.tag}"`, { tag: universe.tag });
    if (tagged.length > MAX_UNIVERSE) throw new ValidationError(`The tag "${universe.tag}" names ${tagged.length} instruments; a portfolio trades at most ${MAX_UNIVERSE}`);
    const instruments = tagged.map((i) => withQuantityStep(i, quantityStep));
    return { instruments, tag: universe.tag };
  }
  const symbols = [...universe.symbols];
  if (symbols.length === 0) throw new ValidationError('The universe names no instrument');
  if (symbols.length > MAX_UNIVERSE) throw new ValidationError(`The universe names ${symbols.length} instruments; a portfolio trades at most ${MAX_UNIVERSE}`);
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (seen.has(symbol)) throw new ValidationError(`${symbol} is in the universe twice`, { symbol });
    seen.add(symbol);
  }
  const instruments = symbols.map((symbol) => requireInstrument(bars, symbol, quantityStep));
  return { instruments: instruments.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)) };
}

/** The optional parts of a target, without keys for what it leaves out. */
function targetRange(target: BacktestTarget): Pick<BacktestRequest, 'fromTs' | 'toTs' | 'magnifier'> {
  const out: { fromTs?: number; toTs?: number; magnifier?: boolean } = {};
  if (target.fromTs !== undefined) out.fromTs = target.fromTs;
  if (target.toTs !== undefined) out.toTs = target.toTs;
  if (target.magnifier !== undefined) out.magnifier = target.magnifier;
  return out;
}
