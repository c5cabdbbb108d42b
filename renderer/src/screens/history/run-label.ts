import type { RunSummary } from '../../api/contract.js';
import { formatRange } from '../../app/format.js';
import { variantParamsLabel } from '../../app/spec-summary.js';

/**
 * The strategy's name, with a sweep variant's parameters: 'SMA cross (fast 10 · slow 50)'.
 * Ten variants of one sweep share name, data and range; only their parameters differ.
 */
export function runName(run: Pick<RunSummary, 'name' | 'sweepVariant'>): string {
  return run.sweepVariant ? `${run.name} (${variantParamsLabel(run.sweepVariant)})` : run.name;
}

/**
 * What tells runs apart where several are listed side by side (compare columns, run
 * pickers): strategy (with a sweep variant's parameters), data, range and the hash's head.
 * The name alone repeated itself ("SMA cross · 823476" three times over).
 */
export function runLabel(run: Pick<RunSummary, 'name' | 'symbol' | 'timeframe' | 'fromTs' | 'toTs' | 'hash' | 'sweepVariant'>): string {
  return `${runName(run)} · ${run.symbol} ${run.timeframe} · ${formatRange(run.fromTs, run.toTs)} · ${run.hash.slice(0, 6)}`;
}
