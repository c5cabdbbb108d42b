import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/api-error.js';

/**
 * Calls `load` every `intervalMs` while the page is visible, one call at a time (the next
 * waits for the previous answer), and stops while the tab or window is hidden: the monitor
 * must not load the core it measures when nobody looks.
 */
export function useVisiblePoll<T>(load: () => Promise<T>, intervalMs: number): { data: T | undefined; error: string | null } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const tick = (): void => {
      timer = undefined;
      if (stopped || document.hidden || inFlight) return;
      inFlight = true;
      loadRef.current().then(
        (value) => {
          inFlight = false;
          if (stopped) return;
          setData(value);
          setError(null);
          schedule();
        },
        (failure: unknown) => {
          inFlight = false;
          if (stopped) return;
          setError(errorMessage(failure));
          schedule();
        },
      );
    };
    const schedule = (): void => {
      if (!stopped && !document.hidden && timer === undefined) timer = setTimeout(tick, intervalMs);
    };
    const onVisibility = (): void => {
      if (document.hidden) {
        clearTimeout(timer);
        timer = undefined;
      } else if (timer === undefined && !inFlight) tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs]);

  return { data, error };
}
