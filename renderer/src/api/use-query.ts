import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './api-error.js';

export interface QueryState<T> {
  readonly data: T | undefined;
  /** The message to show, never a stack. */
  readonly error: string | null;
  /** What the load threw (an ApiError with its type and details), for screens that tell errors apart. */
  readonly failure: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/**
 * Runs `load` when `deps` change and keeps the last answer. Stale answers (from before the
 * latest change) are dropped, so fast typing in a search box cannot show old results.
 * `initial`, read once on mount, is an answer already at hand (an early call's, see
 * api/early-calls.ts): the first render shows it and the first load is skipped.
 */
export function useQuery<T>(load: () => Promise<T>, deps: readonly unknown[], initial?: () => { readonly value: T } | undefined): QueryState<T> {
  const [first] = useState(() => initial?.());
  const [data, setData] = useState<T | undefined>(first?.value);
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [loading, setLoading] = useState(first === undefined);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const skipLoad = useRef(first !== undefined);

  useEffect(() => {
    if (skipLoad.current) {
      skipLoad.current = false;
      return;
    }
    const mine = ++generation.current;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
        setFailure(null);
        setLoading(false);
      },
      (thrown: unknown) => {
        if (mine !== generation.current) return;
        setError(errorMessage(thrown));
        setFailure(thrown);
        setLoading(false);
      },
    );
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, failure, loading, reload };
}
