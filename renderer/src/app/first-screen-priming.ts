import { primeIntl } from './format.js';

/** Set by the first screen once its data has painted (DataScreen). */
export const FIRST_SCREEN_MARK = 'app-interactive';
/** Screens that set no mark: prime this long after start anyway. */
const FALLBACK_MS = 1_500;

/**
 * Pays one-off costs of a new page process (Intl's ICU set-up, 31-63 ms) once the first
 * screen has painted and the page is idle, so neither the first screen nor the user's
 * first click on a screen that formats numbers pays them.
 */
export function primeAfterFirstScreen(): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    observer.disconnect();
    requestIdleCallback(() => primeIntl(), { timeout: 2_000 });
  };
  const observer = new PerformanceObserver((list) => {
    if (list.getEntriesByName(FIRST_SCREEN_MARK).length > 0) start();
  });
  observer.observe({ type: 'mark' });
  setTimeout(start, FALLBACK_MS);
}
