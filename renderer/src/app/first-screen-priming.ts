import { primeIntl } from './format.js';

/** Set by the first screen once its data has painted (DataScreen). */
export const FIRST_SCREEN_MARK = 'app-interactive';
/** Screens that set no mark: prime this long after start anyway. */
const FALLBACK_MS = 1_500;

/**
 * Pays one-off costs of a new page process once the first screen has painted, each in
 * idle time of its own, in order: Intl's ICU set-up (31-63 ms), then `preloads` (the other
 * screens' code), so neither the first screen nor the user's first click on another
 * screen pays them (a switch would otherwise wait on its chunk's fetch and compile).
 */
export function primeAfterFirstScreen(preloads: readonly (() => Promise<unknown>)[] = []): void {
  let started = false;
  const tasks: (() => unknown)[] = [primeIntl, ...preloads];
  const next = (): void => {
    const task = tasks.shift();
    if (!task) return;
    requestIdleCallback(
      () => {
        // A preload that fails (offline, a new build) is tried again on the screen's visit.
        Promise.resolve(task()).then(next, next);
      },
      { timeout: 2_000 },
    );
  };
  const start = () => {
    if (started) return;
    started = true;
    observer.disconnect();
    next();
  };
  const observer = new PerformanceObserver((list) => {
    if (list.getEntriesByName(FIRST_SCREEN_MARK).length > 0) start();
  });
  observer.observe({ type: 'mark' });
  setTimeout(start, FALLBACK_MS);
}
