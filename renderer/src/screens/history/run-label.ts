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
export function runLabel(run: Pick<RunSummary, 'name' | 'symbol' | 'universe' | 'timeframe' | 'fromTs' | 'toTs' | 'hash' | 'sweepVariant'>): string {
  return `${runName(run)} · ${runInstruments(run)} ${run.timeframe} · ${formatRange(run.fromTs, run.toTs)} · ${run.hash.slice(0, 6)}`;
}

/** What a run traded: its symbol, or a portfolio run's universe ('10 instruments tagged demo-basket', '3 instruments'). */
export function runInstruments(run: Pick<RunSummary, 'symbol' | 'universe'>): string {
  const u = run.universe;
  if (!u) return run.symbol;
  return `${u.symbols.length} instrument${u.symbols.length === 1 ? '' : 's'}${u.tag === undefined ? '' : ` tagged ${u.tag}`}`;
}
