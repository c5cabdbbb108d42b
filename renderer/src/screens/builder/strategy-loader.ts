import { api } from '../../api/client.js';
import type { ResultOf, StrategyDetail } from '../../api/contract.js';

export interface LoadedStrategy {
  readonly detail: StrategyDetail;
  readonly draft: ResultOf<'strategies/getDraft'>;
}

/** A prefetch is used only this soon after it started; later the builder asks again. */
const FRESH_MS = 5_000;
const early = new Map<string, { at: number; loading: Promise<LoadedStrategy> }>();

function fetchStrategy(id: string): Promise<LoadedStrategy> {
  return Promise.all([api().invoke('strategies/get', { id }), api().invoke('strategies/getDraft', { id })]).then(([detail, draft]) => ({ detail, draft }));
}

/** Drops a prefetch of `id` (after a delete): a load started before it would show the strategy as it was. */
export function forgetStrategy(id: string): void {
  early.delete(id);
}

/**
 * Starts loading what the builder needs for a strategy before the builder mounts: from
 * a row's click (the first click of a double click) or the open action itself, so the
 * round trip overlaps the screen change instead of following it.
 */
export function prefetchStrategy(id: string): void {
  const entry = early.get(id);
  if (entry && performance.now() - entry.at < FRESH_MS) return;
  const loading = fetchStrategy(id);
  loading.catch(() => early.delete(id));
  early.set(id, { at: performance.now(), loading });
}

/** What the builder loads on mount: a fresh prefetch when there is one (taken once), else a new fetch. */
export function loadStrategy(id: string): Promise<LoadedStrategy> {
  const entry = early.get(id);
  early.delete(id);
  return entry && performance.now() - entry.at < FRESH_MS ? entry.loading : fetchStrategy(id);
}
