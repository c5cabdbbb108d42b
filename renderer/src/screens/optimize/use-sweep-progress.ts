import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.js';

export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  /** Variants per second since this view started following the sweep; null before two batches. */
  readonly perSecond: number | null;
  readonly etaSeconds: number | null;
  /** Bumped at most every `throttleMs` while variants arrive: views refetch on it. */
  readonly version: number;
  /** True once the sweep's job finished while followed here. */
  readonly finished: boolean;
}

/**
 * Follows a sweep's `sweep/variants` and `job/finished` events. Refetch triggers are
 * throttled (leading and trailing edge), so a fast sweep streaming 50 batches a second
 * costs two heatmap queries a second, not fifty.
 */
export function useSweepProgress(sweepId: string, jobId: string | null, initial: { done: number; total: number }, throttleMs = 500): SweepProgress {
  const [state, setState] = useState({ done: initial.done, total: initial.total, perSecond: null as number | null, finished: false });
  const [version, setVersion] = useState(0);
  const first = useRef<{ ts: number; done: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastBump = useRef(0);

  useEffect(() => {
    setState({ done: initial.done, total: initial.total, perSecond: null, finished: false });
    first.current = null;
    const bump = (): void => {
      const now = performance.now();
      const wait = lastBump.current + throttleMs - now;
      if (wait <= 0) {
        lastBump.current = now;
        setVersion((v) => v + 1);
      } else if (timer.current === undefined) {
        timer.current = setTimeout(() => {
          timer.current = undefined;
          lastBump.current = performance.now();
          setVersion((v) => v + 1);
        }, wait);
      }
    };
    const client = api();
    const offVariants = client.on('sweep/variants', (event) => {
      if (event.sweepId !== sweepId) return;
      const now = performance.now();
      if (!first.current) first.current = { ts: now, done: event.done - event.variants.length };
      const elapsed = (now - first.current.ts) / 1000;
      const perSecond = elapsed > 0.2 ? (event.done - first.current.done) / elapsed : null;
      setState((s) => ({ ...s, done: event.done, total: event.total, perSecond }));
      bump();
    });
    const offFinished = client.on('job/finished', ({ job }) => {
      if (!jobId || job.id !== jobId) return;
      setState((s) => ({ ...s, finished: true }));
      clearTimeout(timer.current);
      timer.current = undefined;
      setVersion((v) => v + 1);
    });
    return () => {
      offVariants();
      offFinished();
      clearTimeout(timer.current);
      timer.current = undefined;
    };
    // initial counts only seed the state when the followed sweep changes.
  }, [sweepId, jobId, throttleMs]);

  const remaining = state.total - state.done;
  const etaSeconds = state.perSecond && state.perSecond > 0 && !state.finished ? remaining / state.perSecond : null;
  return { ...state, etaSeconds, version };
}
