import type { BacktestExecutor, SavedBacktest } from '../backtest/backtest-executor.js';
import { backtestRequest } from '../backtest/request.js';
import { runBacktest } from '../backtest/run-backtest.js';
import type { BarStore } from '../data/bar-store.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { variantSpec } from './search-variants.js';
import type { PageQuery, SweepPage, SweepStore, SweepSummary, SweepVariant, VariantPage } from './ports.js';

/** Lists sweeps, newest first. */
export function listSweeps(sweeps: SweepStore, query: PageQuery = {}): SweepPage {
  return sweeps.list(query);
}

/** Returns a sweep's summary (config, status, counts); NotFoundError when absent. */
export function getSweep(sweeps: SweepStore, id: string): SweepSummary {
  const sweep = sweeps.get(id);
  if (!sweep) throw new NotFoundError(`No sweep with id ${id}`);
  return sweep;
}

/** Returns a page of a sweep's variants, best first. */
export function listSweepVariants(sweeps: SweepStore, id: string, query: PageQuery = {}): VariantPage {
  getSweep(sweeps, id);
  return sweeps.variants(id, query);
}

export interface OpenedVariant {
  readonly variant: SweepVariant;
  readonly run: SavedBacktest;
}

/**
 * Opens a sweep variant as a full run: rebuilds its spec from the sweep's source and the
 * variant's parameters, re-runs it alone through the normal backtest path on the same
 * data (same range, magnifier, quantity step), stores the run with the sweep, variant and
 * parameter values in its extras (the spec alone does not say which values were swept),
 * and links it to the variant.
 */
export async function openSweepVariant(
  deps: { readonly bars: Pick<BarStore, 'findInstrument' | 'instrumentsTagged'>; readonly executor: BacktestExecutor; readonly sweeps: SweepStore },
  id: string,
  index: number,
): Promise<OpenedVariant> {
  const sweep = getSweep(deps.sweeps, id);
  const variant = deps.sweeps.variant(id, index);
  if (!variant) throw new NotFoundError(`Sweep ${id} has no variant ${index}`);
  const spec = variantSpec(sweep.config, variant.params, sweep.timeframe);
  if (typeof spec === 'string') throw new ValidationError(`Variant ${index} of sweep ${id} has no runnable spec: ${spec}`);
  // A portfolio sweep's variant runs the instruments the sweep ran (its tag's members then), whole.
  const universe = sweep.universe;
  const built = backtestRequest(deps.bars, {
    spec,
    ...(universe ? { universe: { symbols: universe.symbols } } : { symbol: sweep.symbol }),
    timeframe: sweep.timeframe,
    magnifier: sweep.magnifier,
    fromTs: sweep.fromTs ?? undefined,
    toTs: sweep.toTs ?? undefined,
    quantityStep: sweep.quantityStep ?? undefined,
  });
  const request = universe?.tag !== undefined && built.universe ? { ...built, universe: { ...built.universe, tag: universe.tag } } : built;
  const extras = { sweepVariant: { sweepId: sweep.id, sweepName: sweep.name, index, params: variant.params } };
  // The user clicked the variant and waits to see it.
  const run = await runBacktest(deps.executor, request, { extras }, { priority: 'interactive' });
  deps.sweeps.setVariantRun(id, index, run.run.id);
  return { variant: { ...variant, runId: run.run.id }, run };
}

/** Deletes a sweep and its variants (runs opened from it stay); NotFoundError when absent. */
export function deleteSweep(sweeps: SweepStore, id: string): { id: string } {
  if (!sweeps.delete(id)) throw new NotFoundError(`No sweep with id ${id}`);
  return { id };
}
