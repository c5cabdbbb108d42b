import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';

/** Progress of a job: `done` of `total` units (bars for a backtest). */
export interface JobProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Returns a report function that posts progress on `port` at most once per
 * `minIntervalMs`. The pool throttles again on its side; throttling here too keeps a
 * tight loop from flooding the channel with messages nobody will see.
 */
export function progressReporter(port: MessagePort | undefined, minIntervalMs = 100): (done: number, total: number) => void {
  if (!port) return () => {};
  let last = -Infinity;
  return (done, total) => {
    const now = performance.now();
    if (now - last < minIntervalMs && done < total) return;
    last = now;
    port.postMessage({ done, total } satisfies JobProgress);
  };
}
