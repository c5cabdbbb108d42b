import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import { strategyMissing, type StrategyMissing } from '../../api/strategy-missing.js';
import type { StrategySpec } from '../../api/contract.js';

const DELAY_MS = 400;

export interface DraftStatus {
  readonly savedAt: number | null;
  readonly error: string | null;
  /** Set when the save found the strategy gone (deleted meanwhile). */
  readonly missing: StrategyMissing | null;
  /** Tells the hook the stored draft is gone (a save cleared it). */
  readonly cleared: () => void;
}

/**
 * Saves the builder's unsaved spec as a draft shortly after each edit (`strategies/saveDraft`),
 * so a reload or crash loses at most the last fraction of a second. An edit typed back to the
 * saved value overwrites the stored draft with that clean spec, so a reload does not bring the
 * reverted edit back. Returns the save status.
 */
export function useDraftAutosave(strategyId: string, draft: StrategySpec | null, dirty: boolean, draftStored: boolean): DraftStatus {
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<StrategyMissing | null>(null);
  // Whether the server may hold a draft that differs from the saved spec.
  const dirtyDraftStored = useRef(false);
  const restoredSeen = useRef(false);
  if (draftStored && !restoredSeen.current) {
    restoredSeen.current = true;
    dirtyDraftStored.current = true;
  }

  useEffect(() => {
    if (!draft || (!dirty && !dirtyDraftStored.current)) return;
    // "Draft saved" speaks of the latest edit only: a newer edit is unsaved until its own save answers.
    setSavedAt(null);
    const timer = setTimeout(() => {
      dirtyDraftStored.current = dirty;
      api()
        .invoke('strategies/saveDraft', { id: strategyId, draft })
        .then(
          (answer) => {
            setSavedAt(answer.savedAt);
            setError(null);
          },
          (failure: unknown) => {
            setError(errorMessage(failure));
            setMissing(strategyMissing(failure));
          },
        );
    }, DELAY_MS);
    return () => clearTimeout(timer);
  }, [strategyId, draft, dirty]);

  const cleared = useCallback(() => {
    dirtyDraftStored.current = false;
  }, []);
  return { savedAt, error, missing, cleared };
}
