import { ValidationError } from '../errors.js';
import type { EvaluatedVariant, EvaluateRequest, SweepCounts, SweepData, SweepStore, SweepSummary, SweepVariant, VariantEvaluator } from './ports.js';
import type { RunSweepControl, SweepOutcome } from './run-sweep.js';
import { searchVariants } from './search-variants.js';

export interface ResumeSweepDeps {
  readonly evaluator: VariantEvaluator;
  readonly sweeps: SweepStore;
  readonly clock: () => number;
  /** Lets the host's event loop run between slices of planning (see SearchHooks.yieldNow). */
  readonly yieldNow?: () => Promise<void>;
}

/** The store pages at most this many variants per read. */
const STORE_PAGE = 100_000;

/** Every stored variant of a sweep, by index. */
function storedVariants(sweeps: SweepStore, id: string): Map<number, SweepVariant> {
  const byIndex = new Map<number, SweepVariant>();
  for (let offset = 0; ; offset += STORE_PAGE) {
    const page = sweeps.variants(id, { offset, limit: STORE_PAGE });
    for (const v of page.variants) byIndex.set(v.index, v);
    if (page.variants.length < STORE_PAGE) return byIndex;
  }
}

/**
 * An evaluator that answers the variants a sweep already stored from the store and has
 * `inner` deliver only the others (EvaluateRequest.finished): the search replays its plan
 * (the same indices, the same batches) and genetic search breeds from the same outcomes,
 * without running anything twice.
 */
function replaying(inner: VariantEvaluator, stored: ReadonlyMap<number, SweepVariant>): VariantEvaluator {
  return {
    ...(inner.runsOn === undefined ? {} : { runsOn: inner.runsOn }),
    async evaluate(request: EvaluateRequest, control = {}) {
      const known: EvaluatedVariant[] = [];
      for (const v of request.variants) {
        const hit = stored.get(v.index);
        if (hit) known.push({ index: v.index, metrics: hit.metrics, error: hit.error });
      }
      if (known.length > 0) control.onBatch?.(known);
      if (known.length === request.variants.length) return { cancelled: control.cancel?.isCancelled() ?? false, barsRead: [] };
      return inner.evaluate(
        { ...request, finished: new Set(known.map((v) => v.index)) },
        { ...control, ...(control.onProgress ? { onProgress: (done: number) => control.onProgress!(known.length + done) } : {}) },
      );
    },
  };
}

/**
 * Resumes a sweep a stopped process left running on a cluster: runs its search again from
 * its stored configuration under the same key, so the cluster's queued and finished
 * batches are found again by their ids, while variants already stored are taken from the
 * store. Only new variants are stored; the sweep ends completed, cancelled or failed as
 * if it had never stopped. A stored variant whose parameters differ from what the plan
 * proposes at its index (a sweep started by another version of the search) fails the
 * resume instead of mixing two plans.
 */
export async function resumeSweep(deps: ResumeSweepDeps, sweep: SweepSummary, control: Omit<RunSweepControl, 'onStarted'> = {}): Promise<SweepOutcome> {
  const stored = storedVariants(deps.sweeps, sweep.id);
  const data: SweepData = {
    instrumentId: sweep.instrumentId,
    ...(sweep.universe === undefined ? {} : { universe: sweep.universe.instrumentIds }),
    timeframe: sweep.timeframe,
    ...(sweep.fromTs === null ? {} : { fromTs: sweep.fromTs }),
    ...(sweep.toTs === null ? {} : { toTs: sweep.toTs }),
    magnifier: sweep.magnifier,
    ...(sweep.quantityStep === null ? {} : { quantityStep: sweep.quantityStep }),
  };
  let counts: SweepCounts = sweep.counts;
  try {
    const outcome = await searchVariants(replaying(deps.evaluator, stored), sweep.config, data, {
      clock: deps.clock,
      key: sweep.id,
      ...(deps.yieldNow ? { yieldNow: deps.yieldNow } : {}),
      ...(control.keepVariants === undefined ? {} : { keepVariants: control.keepVariants }),
      ...(control.cancel ? { cancel: control.cancel } : {}),
      onVariants: (variants, c) => {
        counts = c;
        const fresh: SweepVariant[] = [];
        for (const v of variants) {
          const before = stored.get(v.index);
          if (!before) fresh.push(v);
          else if (JSON.stringify(before.params) !== JSON.stringify(v.params)) {
            throw new ValidationError(`Sweep ${sweep.id} cannot resume: its stored variant ${v.index} has other parameters than the plan proposes now`);
          }
        }
        deps.sweeps.addVariants(sweep.id, fresh, c);
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
