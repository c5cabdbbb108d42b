import { DomainError } from '../../domain/errors.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import { objective as makeObjective, type Objective } from '../../domain/optimize/objective.js';
import type { Universe } from '../../domain/strategy/spec.js';
import { ValidationError } from '../errors.js';
import type { BarStore } from '../data/bar-store.js';
import { checkSweepConfig, searchVariants, type SweepProgress } from './search-variants.js';
import type { CancelSignal, SweepConfig, SweepCounts, SweepStore, SweepSummary, SweepVariant, VariantEvaluator } from './ports.js';
import { recordedUniverse, requireSweepBars, sweepData, sweepInstruments } from './sweep-instruments.js';
import { findTemplate } from '../../domain/strategy/templates.js';

export interface RunSweepDeps {
  readonly bars: Pick<BarStore, 'findInstrument' | 'instrumentsTagged' | 'seriesVersion' | 'iterateChunks'>;
  readonly evaluator: VariantEvaluator;
  readonly sweeps: SweepStore;
  /** Wall clock, epoch ms (rate and ETA). */
  readonly clock: () => number;
  /** Lets the host's event loop run between slices of planning (see SearchHooks.yieldNow). */
  readonly yieldNow?: () => Promise<void>;
}

export interface RunSweepArgs extends Omit<SweepConfig, 'objective'> {
  readonly objective: Objective | { readonly metric: string; readonly direction?: Objective['direction']; readonly minTrades?: number };
  /** One instrument; or `universe` for a portfolio (without either, the spec source's `portfolio.universe`). */
  readonly symbol?: string;
  readonly universe?: Universe;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly magnifier?: boolean;
  readonly quantityStep?: number;
  /** Default: the template id or the spec's name, with the method. */
  readonly name?: string;
}

/** Progress, streaming and cancel hooks (shaped like the job registry's JobContext). */
export interface RunSweepControl {
  /** Called once the sweep row exists (its id is what the UI follows). */
  onStarted?(sweep: SweepSummary): void;
  progress?(progress: SweepProgress & { readonly sweepId: string }): void;
  /** Each batch of finished variants, already persisted. */
  onVariants?(variants: readonly SweepVariant[], counts: SweepCounts): void;
  readonly cancel?: CancelSignal;
  /** Return every variant in `variants` (default true); the app reads them from the store instead. */
  readonly keepVariants?: boolean;
}

export interface SweepOutcome {
  readonly sweep: SweepSummary;
  /** Every variant run, best first (empty when keepVariants was false). */
  readonly variants: readonly SweepVariant[];
  readonly best: SweepVariant | null;
}

/** Builds the objective, checking the metric name and minimum trades (ValidationError). */
export function toObjective(o: RunSweepArgs['objective']): Objective {
  try {
    return makeObjective(o.metric, o.direction ?? 'maximize', o.minTrades ?? 0);
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
}

/**
 * Runs a parameter sweep and persists it: the sweep row first (status running), each
 * batch of variants as it finishes, then the final status: completed, cancelled (the
 * variants finished before the cancel are kept) or failed.
 */
export async function runSweep(deps: RunSweepDeps, args: RunSweepArgs, control: RunSweepControl = {}): Promise<SweepOutcome> {
  const config: SweepConfig = { source: args.source, space: args.space, constraints: args.constraints, method: args.method, objective: toObjective(args.objective) };
  checkSweepConfig(config);
  const target = sweepInstruments(deps.bars, config.source, args);
  const { instrument } = target;
  // Said before the sweep is recorded, as a run says it: not a sweep of empty variants ranked as results.
  requireSweepBars(deps.bars, target, args);
  const data = sweepData(target, args);
  // The template's own name ("SMA cross"), not its id ("sma-cross").
  const sourceName = config.source.kind === 'template' ? (findTemplate(config.source.templateId)?.name ?? config.source.templateId) : config.source.spec.name;
  const sweep = deps.sweeps.create({
    name: args.name ?? `${sourceName} (${config.method.kind})`,
    config,
    instrumentId: instrument.id,
    symbol: instrument.symbol,
    ...(target.universe ? { universe: recordedUniverse(target.universe) } : {}),
    timeframe: args.timeframe,
    fromTs: args.fromTs ?? null,
    toTs: args.toTs ?? null,
    magnifier: args.magnifier ?? true,
    quantityStep: args.quantityStep ?? null,
    runsOn: deps.evaluator.runsOn ?? null,
  });
  control.onStarted?.(sweep);
  let counts: SweepCounts = sweep.counts;
  try {
    const outcome = await searchVariants(deps.evaluator, config, data, {
      clock: deps.clock,
      key: sweep.id,
      ...(deps.yieldNow ? { yieldNow: deps.yieldNow } : {}),
      ...(control.keepVariants === undefined ? {} : { keepVariants: control.keepVariants }),
      ...(control.cancel ? { cancel: control.cancel } : {}),
      onVariants: (variants, c) => {
        counts = c;
        deps.sweeps.addVariants(sweep.id, variants, c);
        control.onVariants?.(variants, c);
      },
      onProgress: (p) => control.progress?.({ ...p, sweepId: sweep.id }),
    });
    deps.sweeps.finish(sweep.id, outcome.cancelled ? 'cancelled' : 'completed', outcome.counts);
    return { sweep: deps.sweeps.get(sweep.id)!, variants: outcome.ranked, best: outcome.best };
  } catch (error) {
    deps.sweeps.finish(sweep.id, 'failed', counts, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
