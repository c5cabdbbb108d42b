import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { BarStore } from '../data/bar-store.js';
import { requireInstrument } from '../data/instruments.js';
import { ValidationError } from '../errors.js';
import { checkSpec, requireRunnableSpec } from '../strategies/strategy-service.js';

/**
 * One backtest, checked: the one request shape from the edge (a handler, the CLI, a
 * sweep variant) to wherever it runs (a worker, this thread). Built only by
 * `backtestRequest`, which validates the spec and looks the instrument up once; nothing
 * downstream checks either again. Ranges are [fromTs, toTs), epoch ms UTC.
 */
export interface BacktestRequest {
  /** The stored instrument, with the caller's quantity step when it overrode the stored one. */
  readonly instrument: Instrument;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  /** Runnable on `timeframe`: no errors, no unaccepted warnings. */
  readonly spec: StrategySpec;
  /** Resolve stops/targets on 1-minute bars inside higher-timeframe bars (default true). */
  readonly magnifier?: boolean;
}

/** What a caller asks to run: a spec as it arrived, a series by symbol, a range, options. */
export interface BacktestTarget {
  /** The spec as JSON (validated here) or a typed spec. */
  readonly spec: unknown;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number | undefined;
  readonly toTs?: number | undefined;
  readonly magnifier?: boolean | undefined;
  /** Overrides the instrument's quantity step for this run (e.g. fractional shares). */
  readonly quantityStep?: number | undefined;
}

/**
 * Checks a target once and returns its request: ValidationError listing the spec's
 * errors (and unaccepted warnings), NotFoundError for a symbol without stored bars.
 */
export function backtestRequest(bars: Pick<BarStore, 'findInstrument'>, target: BacktestTarget): BacktestRequest {
  return requestFor(bars, target, requireRunnableSpec(target.spec, target.timeframe));
}

/**
 * The request of the builder's signal preview: the spec's errors block it (ValidationError
 * with `details.problems`), its unaccepted warnings do not (the builder shows them beside it).
 */
export function previewRequest(bars: Pick<BarStore, 'findInstrument'>, target: BacktestTarget): BacktestRequest {
  const check = checkSpec(target.spec, target.timeframe);
  if (!check.spec || check.errors.length > 0) throw new ValidationError('The strategy has errors; fix them to see its signals', { problems: check.errors });
  return requestFor(bars, target, check.spec);
}

function requestFor(bars: Pick<BarStore, 'findInstrument'>, target: BacktestTarget, spec: StrategySpec): BacktestRequest {
  return { ...targetRange(target), instrument: requireInstrument(bars, target.symbol, target.quantityStep), timeframe: target.timeframe, spec };
}

/** The optional parts of a target, without keys for what it leaves out. */
function targetRange(target: BacktestTarget): Pick<BacktestRequest, 'fromTs' | 'toTs' | 'magnifier'> {
  const out: { fromTs?: number; toTs?: number; magnifier?: boolean } = {};
  if (target.fromTs !== undefined) out.fromTs = target.fromTs;
  if (target.toTs !== undefined) out.toTs = target.toTs;
  if (target.magnifier !== undefined) out.magnifier = target.magnifier;
  return out;
}
