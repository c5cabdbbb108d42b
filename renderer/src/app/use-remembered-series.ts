import type { Dispatch, SetStateAction } from 'react';
import { useStoredState } from './use-session-state.js';

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * The series ('SYMBOL/timeframe') last chosen on any screen (run form, signal preview,
 * sweeps), kept across screens and restarts: every picker had fallen back to the first
 * series by name, so a trader working on one instrument picked it again on each screen.
 * A key no longer listed falls back to the caller's default.
 */
export function useRememberedSeries(): [string, Dispatch<SetStateAction<string>>] {
  return useStoredState('local', 'bws.series', '', isString);
}
