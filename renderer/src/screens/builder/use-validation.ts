import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { SpecCheck } from '../../api/contract.js';

const DELAY_MS = 150;

/** Validates the spec as the user types (debounced `strategies/validate`); stale answers are dropped. */
export function useValidation(spec: object | null): { check: SpecCheck | null; error: string | null } {
  const [check, setCheck] = useState<SpecCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!spec) return;
    let live = true;
    const timer = setTimeout(() => {
      performance.mark('validate-start');
      api()
        .invoke('strategies/validate', { spec: spec as Record<string, unknown> })
        .then(
          (answer) => {
            if (!live) return;
            setCheck(answer);
            setError(null);
            performance.measure('validate', 'validate-start');
          },
          (failure: unknown) => live && setError(errorMessage(failure)),
        );
    }, DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [spec]);
  return { check, error };
}
