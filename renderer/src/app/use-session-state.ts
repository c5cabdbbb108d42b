import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';

/**
 * useState kept in browser storage under `key` (JSON): `session` for a screen's view
 * settings (sort, search, filter) that should survive leaving the screen and a reload of
 * the tab, `local` for choices kept across restarts. `isValue` guards against an old or
 * foreign stored value; blocked storage just means no memory.
 */
export function useStoredState<T>(where: 'session' | 'local', key: string, initial: T, isValue: (value: unknown) => value is T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = storage(where).getItem(key);
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
      storage(where).setItem(key, JSON.stringify(value));
    } catch {
      // blocked storage: the value lives as long as the screen
    }
  }, [where, key, value]);
  return [value, setValue];
}

/** useStoredState in sessionStorage: a screen's view, as a trader expects coming back from the builder. */
export function useSessionState<T>(key: string, initial: T, isValue: (value: unknown) => value is T): [T, Dispatch<SetStateAction<T>>] {
  return useStoredState('session', key, initial, isValue);
}

// Reading the property itself throws where storage is blocked.
const storage = (where: 'session' | 'local'): Storage => (where === 'session' ? sessionStorage : localStorage);
