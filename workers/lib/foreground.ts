import { workerData } from 'node:worker_threads';
import { foregroundYielder } from '../../core/infrastructure/workers/foreground-signal.js';
import type { PoolWorkerData } from '../../core/infrastructure/workers/worker-pool.js';

const data = workerData as PoolWorkerData | undefined;
const signal = data?.foreground ?? null;
const urgent = data?.urgent ? new Int32Array(data.urgent) : null;
const yieldNow = signal ? foregroundYielder(signal, { urgent: () => urgent !== null && Atomics.load(urgent, 0) > 0 }) : () => 0;

/** How one job gives way to the user (foreground-signal.ts). */
export interface ForegroundPauses {
  /**
   * Pauses here while the user is interacting, for the steps between the engine's polls
   * (reading bars, computing indicators, saving the run) that would otherwise keep the
   * core for tens of ms; `cancelled` ends a pause within 10 ms.
   */
  pause(cancelled: () => boolean): void;
  /** Wraps a cancel poll (the engine's, every 65,536 bars: a few ms) so that every poll also pauses. */
  yieldingPoll(poll: () => boolean): () => boolean;
  /** The ms this job has spent paused so far (reported with its timings). */
  pausedMs(): number;
}

/**
 * The pauses of one job. A job the user is waiting on (interactive) is the foreground:
 * it never pauses.
 */
export function foregroundPauses(interactive: boolean): ForegroundPauses {
  if (interactive) return { pause: () => undefined, yieldingPoll: (poll) => poll, pausedMs: () => 0 };
  let paused = 0;
  return {
    pause: (cancelled) => {
      paused += yieldNow(cancelled);
    },
    yieldingPoll: (poll) => () => {
      // A cancel ends a pause within one 10 ms slice.
      paused += yieldNow(poll);
      return poll();
    },
    pausedMs: () => paused,
  };
}
