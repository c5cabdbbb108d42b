import { useCallback, useState } from 'react';

const KEY = 'bws.series';

const saved = (): string => {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return ''; // storage blocked: no memory, the first series is the default
  }
};

/**
 * The series ('SYMBOL/timeframe') last chosen on any screen (run form, signal preview,
 * sweeps), kept across screens and restarts: every picker had fallen back to the first
 * series by name, so a trader working on one instrument picked it again on each screen.
 * A key no longer listed falls back to the caller's default.
 */
export function useRememberedSeries(): [string, (key: string) => void] {
  const [key, setKey] = useState(saved);
  const choose = useCallback((next: string) => {
    setKey(next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // storage blocked: remembered for this screen only
    }
  }, []);
  return [key, choose];
}
