import { api } from '../api/client.js';
import { throttle } from './throttle.js';

/** Input that means the user is at the app right now (scrolls of any list included). */
const EVENTS = ['pointerdown', 'pointerup', 'keydown', 'wheel', 'scroll', 'input', 'click'] as const;
/** At most one report per this many ms: the workers' quiet window (150 ms) spans the gaps. */
const REPORT_EVERY_MS = 100;

/**
 * Tells the core while the user interacts, so backtests and sweeps pause and the
 * interaction gets the cores (see core/infrastructure/workers/foreground-signal.ts).
 * Returns a function that stops reporting.
 */
export function reportForegroundActivity(target: Document = document): () => void {
  const report = throttle(() => {
    api()
      .invoke('system/activity')
      .catch(() => undefined); // best effort: a lost report only means the workers keep running
  }, REPORT_EVERY_MS);
  const onInput = () => report.call();
  const onVisible = () => target.visibilityState === 'visible' && report.call();
  for (const name of EVENTS) target.addEventListener(name, onInput, { capture: true, passive: true });
  // Coming back to the app (tab or window shown again) is about to be interaction.
  target.addEventListener('visibilitychange', onVisible);
  return () => {
    for (const name of EVENTS) target.removeEventListener(name, onInput, { capture: true });
    target.removeEventListener('visibilitychange', onVisible);
    report.cancel();
  };
}
