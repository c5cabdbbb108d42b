import type { RunId } from '../../domain/market/ids.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { METRIC_NAMES, type MetricName } from './metric-names.js';
import type { EquityCurve, ListRunsQuery, RunDetail, RunPage, RunStore, RunSummary } from './run-store.js';

/** Lists saved runs, newest first. */
export function listRuns(runs: RunStore, query: ListRunsQuery = {}): RunPage {
  return runs.list(query);
}

/** Returns a run with its spec, trades and full equity curve; NotFoundError when absent. */
export function getRun(runs: RunStore, id: RunId): RunDetail {
  const run = runs.get(id);
  if (!run) throw new NotFoundError(`No run with id ${id}`);
  return run;
}

/** Deletes a run and its trades and equity; NotFoundError when absent. */
export function deleteRun(runs: RunStore, id: RunId): { id: RunId } {
  if (!runs.delete(id)) throw new NotFoundError(`No run with id ${id}`);
  return { id };
}

/** One metric across the compared runs, in the order the ids were given. */
export interface MetricRow {
  readonly name: MetricName;
  readonly values: readonly (number | null)[];
}

export interface RunComparisonData {
  readonly runs: readonly RunSummary[];
  /** Every metric any of the runs has, side by side. */
  readonly metrics: readonly MetricRow[];
  readonly equity: readonly EquityCurve[];
}

/** Puts 2-4 runs side by side: their metrics by name and their full equity curves. */
export function compareRuns(runs: RunStore, ids: readonly RunId[]): RunComparisonData {
  if (ids.length < 2 || ids.length > 4) throw new ValidationError(`Compare takes 2 to 4 runs, got ${ids.length}`);
  const details = ids.map((id) => getRun(runs, id));
  return {
    runs: details.map(({ spec: _spec, trades: _trades, equity: _equity, extras: _extras, ...summary }) => summary),
    metrics: METRIC_NAMES.map((name) => ({ name, values: details.map((d) => d.metrics[name]) })),
    equity: details.map((d) => d.equity),
  };
}
