import type { Page } from 'playwright-core';

export interface Probe {
  /** Milliseconds from just before `action` until `done()` holds and the next frame is painted. */
  time(action: () => void, done: () => boolean, timeoutMs?: number): Promise<number>;
  /**
   * Arms a timer started by the next real `eventType` event (its own timeStamp) and ended
   * when `done()` holds and a frame is painted; the result is `pending`. For interactions
   * driven with Playwright's real mouse, like a drag on a chart.
   */
  arm(eventType: string, done: () => boolean, timeoutMs?: number): void;
  pending: Promise<number> | null;
  /** Sets an input's value the way typing does, so React sees it. */
  type(selector: string, value: string): void;
  /** Event Timing entries (input to next paint of discrete events) of 16 ms or more. */
  readonly events: { name: string; duration: number }[];
  /** Durations of the app's own `chart-draw` measures (uPlot setData), oldest first. */
  chartDraws(): number[];
}

declare global {
  interface Window {
    __perf: Probe;
  }
}

/**
 * Installs `window.__perf`: times an action with the page's own clock from just before it
 * starts until a condition holds and a frame has been painted after it (requestAnimationFrame,
 * then a message handled after that paint). That is input-to-next-paint for actions whose result needs a
 * round trip (validation, a run), which Event Timing alone does not cover; Event Timing
 * entries are kept as well. Actions and conditions are closures inside page.evaluate
 * (no eval: the app's CSP forbids it).
 */
export async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const events: { name: string; duration: number }[] = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) events.push({ name: entry.name, duration: entry.duration });
    }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);
    // The frame's rAF callbacks run just before it paints; a message posted from there is
    // handled right after the paint. (A second rAF would add up to a frame of its own.)
    const nextPaint = () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve();
          channel.port2.postMessage(null);
        }),
      );
    const until = (predicate: () => boolean, timeoutMs: number) =>
      new Promise<void>((resolve, reject) => {
        const started = performance.now();
        const check = (): void => {
          if (predicate()) return resolve();
          if (performance.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
          setTimeout(check, 0);
        };
        check();
      });
    window.__perf = {
      events,
      async time(action, done, timeoutMs = 30_000) {
        const started = performance.now();
        action();
        await until(done, timeoutMs);
        await nextPaint();
        return performance.now() - started;
      },
      type(selector, value) {
        const input = document.querySelector(selector) as HTMLInputElement;
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      },
      pending: null,
      arm(eventType, done, timeoutMs = 30_000) {
        this.pending = new Promise<number>((resolve, reject) => {
          document.addEventListener(
            eventType,
            (event) => {
              until(done, timeoutMs)
                .then(nextPaint)
                .then(() => resolve(performance.now() - event.timeStamp), reject);
            },
            { capture: true, once: true },
          );
        });
      },
      chartDraws: () => performance.getEntriesByName('chart-draw').map((entry) => entry.duration),
    };
  });
}

/** Returns p50 and p95 of samples (nearest rank). */
export function percentiles(samples: readonly number[]): { p50: number; p95: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
  return { p50: rank(0.5), p95: rank(0.95), n: sorted.length };
}
