import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';

const DELAY_MS = 400;

/**
 * Saves the builder's unsaved spec as a draft shortly after each edit (`strategies/saveDraft`),
 * so a reload or crash loses at most the last fraction of a second. Returns the save status.
 */
export function useDraftAutosave(strategyId: string, draft: object | null, dirty: boolean): { savedAt: number | null; error: string | null } {
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(draft);
  latest.current = draft;

  useEffect(() => {
    if (!dirty || !draft) return;
    // "Draft saved" speaks of the latest edit only: a newer edit is unsaved until its own save answers.
    setSavedAt(null);
    const timer = setTimeout(() => {
      api()
        .invoke('strategies/saveDraft', { id: strategyId, draft: draft as Record<string, unknown> })
        .then(
          (answer) => {
            setSavedAt(answer.savedAt);
            setError(null);
          },
          (failure: unknown) => setError(errorMessage(failure)),
        );
    }, DELAY_MS);
    return () => clearTimeout(timer);
  }, [strategyId, draft, dirty]);

  return { savedAt, error };
}
