import { workerData } from 'node:worker_threads';
import { foregroundYielder } from '../../core/infrastructure/workers/foreground-signal.js';
import type { PoolWorkerData } from '../../core/infrastructure/workers/worker-pool.js';

const signal = (workerData as PoolWorkerData | undefined)?.foreground ?? null;
const yieldNow = signal ? foregroundYielder(signal) : () => 0;

/**
 * Pauses here while the user is interacting, for the steps between the engine's polls
 * (reading bars, computing indicators, saving the run) that would otherwise keep the
 * core for tens of ms; `cancelled` ends a pause within 10 ms.
 */
export function pauseForForeground(cancelled: () => boolean): void {
  yieldNow(cancelled);
}

/**
 * Wraps a cancel poll so that every poll (the engine's, every 65,536 bars: a few ms) also
 * pauses this worker while the user is interacting with the app (foreground-signal.ts).
 */
export function yieldingPoll(poll: () => boolean): () => boolean {
  return () => {
    // A cancel ends a pause within one 10 ms slice.
    yieldNow(poll);
    return poll();
  };
}
