import { DomainError } from '../../domain/errors.js';
import { checkConstraints } from '../../domain/optimize/constraints.js';
import { compareScored, isEligible, rankVariants, scoreOf, type Scored } from '../../domain/optimize/objective.js';
import { checkSourceRanges } from '../../domain/optimize/param-limits.js';
import { checkSpace } from '../../domain/optimize/param-space.js';
import { searchPlanSteps, type Candidate } from '../../domain/optimize/search.js';
import { buildVariantSpec, checkSourceParams } from '../../domain/optimize/variant-spec.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { buildTemplate } from '../../domain/strategy/templates.js';
import { ValidationError } from '../errors.js';
import { checkSpec } from '../strategies/strategy-service.js';
import type { BarsRead, CancelSignal, EvaluatedVariant, SweepConfig, SweepCounts, SweepData, SweepVariant, VariantEvaluator } from './ports.js';

/** Progress of a sweep: variants done of the total, rate and time left. */
export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  readonly variantsPerSecond: number;
  /** Estimated ms left (null before the first variant finished). */
  readonly etaMs: number | null;
}

export interface SearchHooks {
  /** Each batch of finished variants (any order), with the counts after it. */
  onVariants?(variants: readonly SweepVariant[], counts: SweepCounts): void;
  onProgress?(progress: SweepProgress): void;
  readonly cancel?: CancelSignal;
  /** Wall clock for the rate and ETA (epoch ms); also times the slices of work between yields. */
  readonly clock: () => number;
  /** Names the search for the evaluator (EvaluateRequest.key): the sweep's id. */
  readonly key?: string;
  /**
   * Keep every variant for `ranked` (default true). False keeps only the best ones: a
   * sweep in the app has its variants in the store, and 200,000 of them are ~200 MB.
   */
  readonly keepVariants?: boolean;
  /**
   * Lets the host's event loop run (I/O first) between slices of work; without it the work
   * runs unsliced (a CLI has nothing else to serve).
   */
  readonly yieldNow?: () => Promise<void>;
}

export interface SearchOutcome {
  /** Every variant run, best first (empty when keepVariants was false). */
  readonly ranked: readonly SweepVariant[];
  /** The first of `ranked`, kept whatever keepVariants says. */
  readonly best: SweepVariant | null;
  /** The best variant that produced metrics (a failed one ranks among the ineligible). */
  readonly bestWithMetrics: SweepVariant | null;
  readonly counts: SweepCounts;
  readonly cancelled: boolean;
  readonly barsRead: readonly BarsRead[];
}

/**
 * Most milliseconds of planning or spec building between two yields to the event loop:
 * the thread that runs a sweep also answers the UI (docs/RELIABILITY.md, stall figures).
 */
export const OPTIMIZE_SLICE_MS = 8;
/**
 * Variants whose specs are built and handed to the evaluator at a time; at most two such
 * chunks are in flight, so the specs of a 200,000-variant sweep never all exist at once.
 */
export const EVALUATE_CHUNK = 2_048;

/** Checks a sweep's configuration (names, constraints, ranges within their limits); domain problems become ValidationError. */
export function checkSweepConfig(config: SweepConfig): void {
  try {
    checkSpace(config.space);
    checkConstraints(
      config.constraints,
      config.space.map((p) => p.name),
    );
    checkSourceParams(config.source, config.space);
    // A value outside its parameter's limit would only be counted invalid: refuse the range.
    checkSourceRanges(config.source, config.space);
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
  checkPortfolioRules(config);
}

/**
 * Refuses a source whose portfolio rules (slots, ranking, rotation) are invalid where no
 * swept parameter sets them: every variant would share the fault and only be counted
 * invalid. ValidationError naming the spec path, with the problems in `details`.
 */
function checkPortfolioRules(config: SweepConfig): void {
  let base: StrategySpec;
  try {
    base = config.source.kind === 'spec' ? config.source.spec : buildTemplate(config.source.templateId, config.source.fixed ?? {}, config.source.base);
  } catch (error) {
    // A template refusing its defaults is the variants' problem (each says why).
    if (error instanceof DomainError) return;
    throw error;
  }
  if (!base.portfolio) return;
  const swept = new Set(config.space.map((p) => p.name));
  const problems = checkSpec(base).errors.filter((p) => (p.path === 'portfolio' || p.path.startsWith('portfolio.')) && !swept.has(p.path));
  if (problems.length > 0) throw new ValidationError(`The strategy's portfolio rules are invalid at ${problems[0]!.path}: ${problems[0]!.message}`, { problems });
}

/** Builds a variant's spec and checks it is runnable; returns the reason when not. */
export function variantSpec(config: SweepConfig, values: Readonly<Record<string, number>>, timeframe: SweepData['timeframe']): StrategySpec | string {
  let spec: StrategySpec;
  try {
    spec = buildVariantSpec(config.source, values);
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
  const check = checkSpec(spec, timeframe);
  if (check.spec && check.runnable) return check.spec;
  const first = [...check.errors, ...check.warnings][0];
  return first ? `${first.path}: ${first.message}` : 'invalid spec';
}

/**
 * Runs a search over the evaluator: asks the plan for variants, builds and validates
 * their specs (constraint breakers and invalid specs are counted, never run), evaluates
 * them on the workers, streams each batch, and tells the plan the outcomes before
 * asking for more (genetic search breeds from them). Variant indices follow the order
 * the plan proposed them, so results do not depend on which worker finished first.
 * The plan and the specs are built in slices of at most OPTIMIZE_SLICE_MS with the event
 * loop let run between them, and handed over EVALUATE_CHUNK at a time.
 */
export async function searchVariants(evaluator: VariantEvaluator, config: SweepConfig, data: SweepData, hooks: SearchHooks): Promise<SearchOutcome> {
  const yieldNow = hooks.yieldNow;
  let sliceStart = hooks.clock();
  /** True when the current slice of work has run its time and the loop should be let run. */
  const sliceOver = (): boolean => yieldNow !== undefined && hooks.clock() - sliceStart >= OPTIMIZE_SLICE_MS;
  const pause = async (): Promise<void> => {
    await yieldNow!();
    sliceStart = hooks.clock();
  };
  let plan;
  try {
    const steps = searchPlanSteps(config.space, config.constraints, config.method, config.objective);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) {
        plan = step.value;
        break;
      }
      if (sliceOver()) await pause();
    }
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
  const keep = hooks.keepVariants !== false;
  const started = hooks.clock();
  const all: SweepVariant[] = [];
  const barsRead: BarsRead[] = [];
  let best: SweepVariant | null = null;
  let bestWithMetrics: SweepVariant | null = null;
  let done = 0;
  let invalid = 0;
  let failed = 0;
  let nextIndex = 0;
  let cancelled = false;
  const isCancelled = () => cancelled || (hooks.cancel?.isCancelled() ?? false);
  const counts = (): SweepCounts => ({ planned: Math.max(plan.plannedTotal - invalid, done), done, failed, rejected: plan.rejected, invalid });
  const report = (doneNow: number): void => {
    if (!hooks.onProgress) return;
    const c = counts();
    const seconds = (hooks.clock() - started) / 1000;
    const rate = seconds > 0 ? doneNow / seconds : 0;
    hooks.onProgress({ done: doneNow, total: c.planned, variantsPerSecond: rate, etaMs: rate > 0 ? ((c.planned - doneNow) / rate) * 1000 : null });
  };
  const take = (v: SweepVariant): void => {
    done++;
    if (v.error !== null) failed++;
    if (keep) all.push(v);
    if (best === null || compareScored(v, best, config.objective) < 0) best = v;
    if (v.metrics !== null && (bestWithMetrics === null || compareScored(v, bestWithMetrics, config.objective) < 0)) bestWithMetrics = v;
  };

  // Chunks on the workers: at most two, so the specs of a big sweep never all exist at once.
  const inFlight: Promise<void>[] = [];
  for (let candidates = plan.next(); candidates !== null && !isCancelled(); candidates = plan.next()) {
    const told: { key: string; scored: Scored }[] = [];
    for (let offset = 0; offset < candidates.length && !isCancelled(); offset += EVALUATE_CHUNK) {
      // Build the next chunk's specs while the previous one runs on the workers.
      const byIndex = new Map<number, Candidate>();
      const toRun: { index: number; spec: StrategySpec }[] = [];
      const end = Math.min(candidates.length, offset + EVALUATE_CHUNK);
      for (let i = offset; i < end; i++) {
        const c = candidates[i]!;
        const spec = variantSpec(config, c.values, data.timeframe);
        if (typeof spec === 'string') {
          invalid++;
          if (plan.learns) told.push({ key: c.key, scored: { index: Number.MAX_SAFE_INTEGER, metrics: null } });
        } else {
          const index = nextIndex++;
          byIndex.set(index, c);
          toRun.push({ index, spec });
        }
        if (sliceOver()) await pause();
      }
      if (toRun.length === 0) continue;
      if (inFlight.length === 2) await inFlight.shift();
      if (isCancelled()) break;
      const toVariant = (item: EvaluatedVariant): SweepVariant => {
        const c = byIndex.get(item.index)!;
        return {
          index: item.index,
          generation: c.generation,
          params: c.values,
          metrics: item.metrics,
          error: item.error,
          score: scoreOf(item.metrics, config.objective),
          eligible: isEligible(item.metrics, config.objective),
          runId: null,
          ...(item.hash === undefined ? {} : { hash: item.hash }),
        };
      };
      const doneBefore = done;
      inFlight.push(
        evaluator
          .evaluate(
            { data, variants: toRun, ...(hooks.key === undefined ? {} : { key: hooks.key }) },
            {
              onBatch: (items) => {
                const variants = items.map(toVariant);
                for (const v of variants) {
                  take(v);
                  // Only a plan that learns from outcomes needs them (200,000 metrics otherwise kept for nothing).
                  if (plan.learns) told.push({ key: byIndex.get(v.index)!.key, scored: { index: v.index, metrics: v.metrics } });
                }
                hooks.onVariants?.(variants, counts());
                report(done);
              },
              onProgress: (doneInChunk) => report(Math.max(done, doneBefore + doneInChunk)),
              ...(hooks.cancel ? { cancel: hooks.cancel } : {}),
            },
          )
          .then((outcome) => {
            barsRead.push(...outcome.barsRead);
            if (outcome.cancelled) cancelled = true;
          }),
      );
    }
    // A plan that learns breeds from every outcome of this generation before the next.
    if (plan.learns) {
      await Promise.all(inFlight.splice(0));
      plan.tell(told);
    }
  }
  await Promise.all(inFlight.splice(0));
  cancelled = isCancelled();
  return { ranked: keep ? rankVariants(all, config.objective) : [], best, bestWithMetrics, counts: counts(), cancelled, barsRead };
}
