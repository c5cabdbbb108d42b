import { walkForwardWindows } from '../../../../core/domain/optimize/walk-forward.js';

const DAY_MS = 86_400_000;

/** What is wrong with the typed schedule (days), or null. */
export function scheduleProblem(inSample: string, outOfSample: string, step: string): string | null {
  const positive = (text: string) => text.trim() !== '' && Number(text) > 0 && Number.isFinite(Number(text));
  if (!positive(inSample)) return 'In-sample days must be a number above 0.';
  if (!positive(outOfSample)) return 'Out-of-sample days must be a number above 0.';
  if (step.trim() !== '' && !positive(step)) return 'Step days must be a number above 0, or empty (the out-of-sample length).';
  return null;
}

/**
 * The walk-forward windows of a typed schedule (days) over [fromTs, toTs), as the server
 * cuts them: how many, and the share of the range's bars their in-sample searches run on
 * together (above 1 when they overlap). Null when the schedule has a problem or no window fits.
 */
export function scheduleWindows(fromTs: number, toTs: number, inSample: string, outOfSample: string, step: string, anchored: boolean): { count: number; inSampleShare: number } | null {
  if (scheduleProblem(inSample, outOfSample, step) !== null || !(toTs > fromTs)) return null;
  const days = (text: string): number => Math.round(Number(text) * DAY_MS);
  try {
    const windows = walkForwardWindows(fromTs, toTs, { inSampleMs: days(inSample), outOfSampleMs: days(outOfSample), ...(step.trim() ? { stepMs: days(step) } : {}), anchored });
    const inSampleMs = windows.reduce((sum, w) => sum + (w.inSample.toTs - w.inSample.fromTs), 0);
    return { count: windows.length, inSampleShare: inSampleMs / (toTs - fromTs) };
  } catch {
    return null; // no window fits: said by the server's answer when started
  }
}
