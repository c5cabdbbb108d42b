import { useEffect, useRef } from 'react';
import { throttle } from '../app/throttle.js';
import { api } from './client.js';
import type { WorkstationEvents } from './contract.js';

type ChangeKind = WorkstationEvents['data/changed']['kind'];

/**
 * Calls `reload` when the core reports that data of `kind` changed, at most once per
 * `minIntervalMs`: eight backtests finishing within a second cost two list reloads, not
 * eight, and the last change is always shown.
 */
export function useDataChanged(kind: ChangeKind, reload: () => void, minIntervalMs = 500): void {
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  useEffect(() => {
    const limited = throttle(() => reloadRef.current(), minIntervalMs);
    const off = api().on('data/changed', (change) => change.kind === kind && limited.call());
    return () => {
      off();
      limited.cancel();
    };
  }, [kind, minIntervalMs]);
}
