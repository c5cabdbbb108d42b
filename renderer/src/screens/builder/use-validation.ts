import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { SpecCheck } from '../../api/contract.js';

// Short: a keystroke burst still collapses into one call, and the message shows within
// the 100 ms an edit may take to answer (validation is a cheap call on a local server).
const DELAY_MS = 40;

/**
 * Validates the spec as the user types (debounced `strategies/validate`); stale answers are
 * dropped. `current` is false until the answer for this very spec has arrived; `checked` is
 * the spec `check` answers (the one before the last edits while they are being checked).
 */
export function useValidation<Spec extends object>(spec: Spec | null): { check: SpecCheck | null; checked: Spec | null; current: boolean; error: string | null } {
  const [answered, setAnswered] = useState<{ spec: Spec; check: SpecCheck } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const first = useRef(true);
  useEffect(() => {
    if (!spec) return;
    let live = true;
    // The spec as loaded is checked at once; edits after it are debounced.
    const delay = first.current ? 0 : DELAY_MS;
    first.current = false;
    const timer = setTimeout(() => {
      performance.mark('validate-start');
      api()
        .invoke('strategies/validate', { spec: spec as Record<string, unknown> })
        .then(
          (answer) => {
            if (!live) return;
            setAnswered({ spec, check: answer });
            setError(null);
            performance.measure('validate', 'validate-start');
          },
          (failure: unknown) => live && setError(errorMessage(failure)),
        );
    }, delay);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [spec]);
  return { check: answered?.check ?? null, checked: answered?.spec ?? null, current: answered !== null && answered.spec === spec, error };
}
