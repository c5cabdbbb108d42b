import { isBacktestCancelled } from '../../domain/engine/types.js';
import { CancelledError } from '../errors.js';
import type { PortfolioBarFeed, PortfolioWindow } from './execute-run.js';

/**
 * Hands the feed's windows to `onWindow` in time order, each read into reused arrays (so
 * `onWindow` is done with one before the next is read), and returns the time spent
 * reading them. Ends the feed's read when `onWindow` throws (a cancel, a failed run).
 */
export function eachWindow(feed: PortfolioBarFeed, now: () => number, onWindow: (window: PortfolioWindow) => void): number {
  let readMs = 0;
  const windows = feed.windows({ reuse: true })[Symbol.iterator]();
  try {
    for (;;) {
      const before = now();
      const next = windows.next();
      readMs += now() - before;
      if (next.done) return readMs;
      onWindow(next.value);
    }
  } finally {
    windows.return?.();
  }
}

/** Runs an engine call; the engine's cancel surfaces as the application's CancelledError. */
export function cancellable<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isBacktestCancelled(error)) throw new CancelledError(error instanceof Error ? error.message : 'Cancelled');
    throw error;
  }
}
