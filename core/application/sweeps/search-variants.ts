import { DomainError } from '../../domain/errors.js';
import { checkConstraints } from '../../domain/optimize/constraints.js';
import { isEligible, rankVariants, scoreOf } from '../../domain/optimize/objective.js';
import { checkSourceRanges } from '../../domain/optimize/param-limits.js';
import { checkSpace } from '../../domain/optimize/param-space.js';
import { createSearchPlan, type Candidate } from '../../domain/optimize/search.js';
import { buildVariantSpec, checkSourceParams } from '../../domain/optimize/variant-spec.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
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
  /** Wall clock for the rate and ETA (epoch ms). */
  readonly clock: () => number;
}

export interface SearchOutcome {
  /** Every variant run, best first. */
  readonly ranked: readonly SweepVariant[];
  readonly counts: SweepCounts;
  readonly cancelled: boolean;
  readonly barsRead: readonly BarsRead[];
}

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
 */
export async function searchVariants(evaluator: VariantEvaluator, config: SweepConfig, data: SweepData, hooks: SearchHooks): Promise<SearchOutcome> {
  let plan;
  try {
    plan = createSearchPlan(config.space, config.constraints, config.method, config.objective);
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
  const started = hooks.clock();
  const all: SweepVariant[] = [];
  const barsRead: BarsRead[] = [];
  let invalid = 0;
  let failed = 0;
  let nextIndex = 0;
  let cancelled = false;
  const counts = (): SweepCounts => ({ planned: Math.max(plan.plannedTotal - invalid, all.length), done: all.length, failed, rejected: plan.rejected, invalid });
  const report = (done: number): void => {
    if (!hooks.onProgress) return;
    const c = counts();
    const seconds = (hooks.clock() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    hooks.onProgress({ done, total: c.planned, variantsPerSecond: rate, etaMs: rate > 0 ? ((c.planned - done) / rate) * 1000 : null });
  };

  for (let candidates = plan.next(); candidates !== null && !cancelled; candidates = plan.next()) {
    const byIndex = new Map<number, Candidate>();
    const toRun: { index: number; spec: StrategySpec }[] = [];
    const invalidOutcomes: { key: string; scored: { index: number; metrics: null } }[] = [];
    for (const c of candidates) {
      const spec = variantSpec(config, c.values, data.timeframe);
      if (typeof spec === 'string') {
        invalid++;
        invalidOutcomes.push({ key: c.key, scored: { index: Number.MAX_SAFE_INTEGER, metrics: null } });
        continue;
      }
      const index = nextIndex++;
      byIndex.set(index, c);
      toRun.push({ index, spec });
    }
    plan.tell(invalidOutcomes);
    if (toRun.length === 0) continue;
    const doneBefore = all.length;
    const toVariant = (item: EvaluatedVariant): SweepVariant => {
      const c = byIndex.get(item.index)!;
      if (item.error !== null) failed++;
      return {
        index: item.index,
        generation: c.generation,
        params: c.values,
        metrics: item.metrics,
        error: item.error,
        score: scoreOf(item.metrics, config.objective),
        eligible: isEligible(item.metrics, config.objective),
        runId: null,
      };
    };
    const outcome = await evaluator.evaluate(
      { data, variants: toRun },
      {
        onBatch: (items) => {
          const variants = items.map(toVariant);
          all.push(...variants);
          hooks.onVariants?.(variants, counts());
          report(all.length);
        },
        onProgress: (done) => report(doneBefore + done),
        ...(hooks.cancel ? { cancel: hooks.cancel } : {}),
      },
    );
    barsRead.push(...outcome.barsRead);
    cancelled = outcome.cancelled || (hooks.cancel?.isCancelled() ?? false);
    plan.tell(all.slice(doneBefore).map((v) => ({ key: byIndex.get(v.index)!.key, scored: { index: v.index, metrics: v.metrics } })));
  }
  return { ranked: rankVariants(all, config.objective), counts: counts(), cancelled, barsRead };
}
