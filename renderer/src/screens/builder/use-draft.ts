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
  /** Saves the draft now if an edit waits for its save (Run is about to read it); resolves once stored. */
  readonly flush: () => Promise<void>;
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

  // The edit waiting for its save, sent at once when Run asks or the builder goes away: the
  // Run screen runs the stored draft, so the last keystrokes must be in it.
  const pending = useRef<(() => Promise<void>) | null>(null);
  // Leaving the builder (another screen) saves what is waiting instead of dropping it. Declared
  // before the effect below, so its clean-up runs first, while the waiting save is still there.
  useEffect(() => {
    const live = pending;
    return () => void live.current?.();
  }, []);
  useEffect(() => {
    if (!draft || (!dirty && !dirtyDraftStored.current)) return;
    // "Draft saved" speaks of the latest edit only: a newer edit is unsaved until its own save answers.
    setSavedAt(null);
    const save = (): Promise<void> => {
      pending.current = null;
      clearTimeout(timer);
      dirtyDraftStored.current = dirty;
      return api()
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
    };
    const timer = setTimeout(() => void save(), DELAY_MS);
    pending.current = save;
    return () => {
      clearTimeout(timer);
      if (pending.current === save) pending.current = null;
    };
  }, [strategyId, draft, dirty]);

  const cleared = useCallback(() => {
    dirtyDraftStored.current = false;
  }, []);
  const flush = useCallback(async () => {
    await pending.current?.();
  }, []);
  return { savedAt, error, missing, cleared, flush };
}
