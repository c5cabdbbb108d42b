import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';

/**
 * useState kept in sessionStorage under `key`: a screen's view settings (sort, search,
 * filter) survive leaving the screen and a reload of the tab, as a trader expects coming
 * back from the builder. `isValue` guards against an old or foreign stored value.
 */
export function useSessionState<T>(key: string, initial: T, isValue: (value: unknown) => value is T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = sessionStorage.getItem(key);
      if (stored !== null) {
        const parsed: unknown = JSON.parse(stored);
        if (isValue(parsed)) return parsed;
      }
    } catch {
      // blocked or corrupt storage: start from the default
    }
    return initial;
  });
  useEffect(() => {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // blocked storage: the value lives as long as the screen
    }
  }, [key, value]);
  return [value, setValue];
}
