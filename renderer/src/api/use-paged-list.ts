import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { errorMessage } from './api-error.js';
import type { Page } from './contract.js';

export interface PagedList<T> {
  /** Rows the filter matched; null until the first page arrives. */
  readonly total: number | null;
  /** Returns the row if its page is loaded (else undefined: draw a placeholder). */
  readonly rowAt: (index: number) => T | undefined;
  /**
   * Loads the pages covering rows [start, stop] (the visible ones); call from
   * onRowsRendered, with the rows mounted (visible + overscan) as `mounted`.
   */
  readonly ensure: (start: number, stop: number, mounted?: { readonly startIndex: number; readonly stopIndex: number }) => void;
  /** Changes whenever a page of mounted rows arrives: pass it to rows so they re-render. */
  readonly version: number;
  readonly error: string | null;
  readonly reload: () => void;
}

/**
 * A long list fetched a page at a time as it scrolls into view (the API caps pages at
 * 1,000 rows): 100,000 trades or 10,000 strategies never cross the wire at once.
 */
export function usePagedList<T>(
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
  deps: readonly unknown[],
  pageSize = 500,
  /**
   * Rows to fetch beyond the visible ones in the direction of the last scroll: a fast
   * drag or a page-down lands on rows already here instead of waiting a round trip.
   */
  readAhead = 0,
): PagedList<T> {
  const pages = useRef(new Map<number, T[]>());
  // After a reload of the same query (a rename, a restore, a data-changed event): the
  // pages from before, shown until their fresh copies arrive. Dropping them drew
  // placeholders for a frame, and a click in that frame selected nothing.
  const stale = useRef(new Map<number, T[]>());
  const pending = useRef(new Set<number>());
  const generation = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const [total, setTotal] = useState<number | null>(null);
  const totalRef = useRef<number | null>(null);
  totalRef.current = total;
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const lastStart = useRef(0);
  // Rows the list has mounted: a page arriving for other rows (read ahead) re-renders
  // nothing. Re-rendering the mounted rows for each of the four read-ahead pages of a
  // jump was most of its main-thread time.
  const mounted = useRef<{ startIndex: number; stopIndex: number } | null>(null);

  const load = useCallback(
    (pageIndex: number) => {
      if (pages.current.has(pageIndex) || pending.current.has(pageIndex)) return;
      pending.current.add(pageIndex);
      const mine = generation.current;
      fetchRef.current(pageIndex * pageSize, pageSize).then(
        (page) => {
          if (mine !== generation.current) return;
          pending.current.delete(pageIndex);
          pages.current.set(pageIndex, page.items);
          stale.current.delete(pageIndex);
          setTotal(page.total);
          setError(null);
          const shown = mounted.current;
          const first = pageIndex * pageSize;
          // Rows on screen render in this task, before the read-ahead pages' answers (queued
          // behind it on the socket) are parsed: a scheduled render waited behind them.
          if (shown === null || (first <= shown.stopIndex && first + page.items.length > shown.startIndex)) flushSync(() => setVersion((v) => v + 1));
        },
        (failure: unknown) => {
          if (mine !== generation.current) return;
          pending.current.delete(pageIndex);
          setError(errorMessage(failure));
        },
      );
    },
    [pageSize],
  );

  // New filter or sort: drop every page in the same render that shows the new sort, so no
  // row of the old order is ever painted under it; keep the old total until the first page
  // answers (no layout jump). A reload of the same query keeps the old pages as stale.
  const keys = [...deps, tick];
  const lastKeys = useRef<readonly unknown[] | null>(null);
  if (lastKeys.current === null || lastKeys.current.length !== keys.length || keys.some((k, i) => !Object.is(k, lastKeys.current![i]))) {
    const sameQuery = lastKeys.current !== null && lastKeys.current.length === keys.length && deps.every((k, i) => Object.is(k, lastKeys.current![i]));
    lastKeys.current = keys;
    generation.current += 1;
    stale.current = sameQuery ? new Map([...stale.current, ...pages.current]) : new Map();
    pages.current = new Map();
    pending.current = new Set();
    mounted.current = null;
  }
  useEffect(() => {
    load(0);
  }, [...deps, tick, load]);

  const ensure = useCallback(
    (start: number, stop: number, rendered?: { readonly startIndex: number; readonly stopIndex: number }) => {
      mounted.current = rendered ? { startIndex: rendered.startIndex, stopIndex: rendered.stopIndex } : null;
      // Half a page of slack either side: the next page is on its way before it scrolls into view.
      const slack = Math.floor(pageSize / 2);
      const backwards = start < lastStart.current;
      lastStart.current = start;
      const first = Math.max(0, Math.floor((start - slack - (backwards ? readAhead : 0)) / pageSize));
      const known = totalRef.current;
      const ahead = Math.max(start, stop) + slack + (backwards ? 0 : readAhead);
      const end = known === null ? ahead : Math.min(known - 1, ahead);
      const last = Math.floor(Math.max(0, end) / pageSize);
      // The pages on screen first: the server answers in order, so after a far jump the
      // rows the user looks at no longer wait behind the slack and read-ahead pages.
      const shownLast = Math.min(last, Math.floor(Math.max(0, known === null ? stop : Math.min(known - 1, stop)) / pageSize));
      for (let p = Math.max(first, Math.floor(start / pageSize)); p <= shownLast; p += 1) load(p);
      for (let p = first; p <= last; p += 1) load(p);
    },
    [load, pageSize, readAhead],
  );
  const rowAt = useCallback((index: number) => {
    const page = Math.floor(index / pageSize);
    return (pages.current.get(page) ?? stale.current.get(page))?.[index % pageSize];
  }, [pageSize]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // Rows re-render when a page arrives (version) or when the pages were dropped (generation).
  return { total, rowAt, ensure, version: generation.current * 1_000_000 + version, error, reload };
}
