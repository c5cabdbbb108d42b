import { isTimeframe, type Timeframe } from '../../../../core/domain/market/timeframe.js';

/**
 * What the Run form remembers per strategy (kept in local storage, as the series is): the
 * timeframe last chosen, and the range last typed with the series it was typed for. A
 * reload had put the timeframe back to the stored one and the range to the whole series.
 */
export interface RunChoice {
  readonly timeframe: Timeframe | null;
  readonly range: { readonly series: string; readonly from: string; readonly to: string } | null;
}

export const NO_RUN_CHOICE: RunChoice = { timeframe: null, range: null };

/** Local-storage key of a strategy's remembered Run choices. */
export const runChoiceKey = (strategyId: string): string => `bws.run.${strategyId}`;

/** Whether a stored value is a RunChoice (an old or foreign value is dropped). */
export function isRunChoice(value: unknown): value is RunChoice {
  if (typeof value !== 'object' || value === null) return false;
  const { timeframe, range } = value as Record<string, unknown>;
  if (timeframe !== null && !isTimeframe(timeframe)) return false;
  if (range === null) return true;
  if (typeof range !== 'object') return false;
  const { series, from, to } = range as Record<string, unknown>;
  return typeof series === 'string' && typeof from === 'string' && typeof to === 'string';
}

/**
 * The timeframe to show: the remembered one when the instrument's bars give it, else the
 * series' stored timeframe (undefined while no series is known).
 */
export function shownTimeframe(remembered: Timeframe | null, available: readonly Timeframe[], stored: Timeframe | undefined): Timeframe | undefined {
  return remembered !== null && available.includes(remembered) ? remembered : stored;
}

/** The range to show for a series: the one remembered for it, else the default (the whole series). */
export function shownRange(remembered: RunChoice['range'], series: string, fallback: { from: string; to: string }): { from: string; to: string } {
  return remembered !== null && remembered.series === series ? { from: remembered.from, to: remembered.to } : fallback;
}
