import type { RunSummary } from '../../api/contract.js';
import { formatRange } from '../../app/format.js';

/**
 * What tells runs apart where several are listed side by side (compare columns, run
 * pickers): strategy, data, range and the hash's head. The name alone repeated itself
 * ("SMA cross · 823476" three times over).
 */
export function runLabel(run: Pick<RunSummary, 'name' | 'symbol' | 'timeframe' | 'fromTs' | 'toTs' | 'hash'>): string {
  return `${run.name} · ${run.symbol} ${run.timeframe} · ${formatRange(run.fromTs, run.toTs)} · ${run.hash.slice(0, 6)}`;
}
