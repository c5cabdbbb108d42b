import type { RunInfo } from '../../api/contract.js';
import { formatCount, formatCountOf } from '../../app/format.js';

export type RunWarmUp = NonNullable<RunInfo['extras']['warmUp']>;

/**
 * What the results header says of a run's indicator warm-up (docs/ENGINE.md): the bars
 * before the range the indicators were computed on, or how many the range itself spent
 * because fewer were stored. Null when the spec needs none.
 */
export function warmUpText(warmUp: RunWarmUp | undefined): { short: string; long: string; shortBy: number } | null {
  if (!warmUp || warmUp.needed <= 0) return null;
  const { bars, needed } = warmUp;
  if (bars >= needed) {
    return { short: `warm-up ${formatCountOf(bars, 'bar')}`, long: `The indicators were warmed up on the ${formatCountOf(bars, 'stored bar')} before the range; trading starts at its first bar.`, shortBy: 0 };
  }
  const missing = needed - bars;
  const before = bars === 0 ? 'No bars before the range were stored' : `Only ${formatCount(bars)} of the ${formatCount(needed)} bars the indicators need before the range were stored`;
  return {
    short: `warm-up ${formatCount(bars)} of ${formatCountOf(needed, 'bar')}`,
    long: `${before}: about the first ${formatCountOf(missing, 'bar')} of the range warmed the indicators up and could not trade.`,
    shortBy: missing,
  };
}
