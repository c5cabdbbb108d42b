import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { PrimingFigures } from '../../core/infrastructure/workers/backtest-protocol.js';
import { activeUntil, DEFAULT_FOREGROUND_POLICY } from '../../core/infrastructure/workers/foreground-signal.js';

export interface PrimingPlan {
  /** How many steps; each should take a few ms (a job waits for at most one). */
  readonly steps: number;
  readonly step: (index: number) => void;
  /** True once real jobs have warmed the code themselves: the rest is skipped. */
  readonly primedAlready: () => boolean;
  /** The foreground signal: no step runs while the user interacts. */
  readonly foreground: SharedArrayBuffer | null;
  /** Wait this long after the worker starts (the app is opening then). */
  readonly delayMs: number;
  /** Called once the priming ends, however it ends: free what the steps held. */
  readonly onEnd: () => void;
}

/**
 * Runs a JIT priming in the background of a worker, one step per macrotask: a job message that
 * arrives meanwhile is handled between two steps, so a real job waits for at most one step.
 * Steps wait while the user interacts. Returns a reader of its progress.
 */
export function primeInBackground(plan: PrimingPlan): () => PrimingFigures {
  let stepsRun = 0;
  let busyMs = 0;
  let state: PrimingFigures['state'] = 'waiting';
  const quietMs = DEFAULT_FOREGROUND_POLICY.quietMs;
  const userActive = () => plan.foreground !== null && Date.now() < activeUntil(plan.foreground) + quietMs;

  const run = async (): Promise<void> => {
    await sleep(plan.delayMs, undefined, { ref: false });
    state = 'running';
    for (let i = 0; i < plan.steps; i++) {
      while (userActive()) await sleep(quietMs, undefined, { ref: false });
      if (plan.primedAlready()) {
        state = 'skipped';
        return;
      }
      const t0 = performance.now();
      try {
        plan.step(i);
      } catch {
        // Priming is an optimisation: a failing step only means the first runs are slower.
        state = 'failed';
        return;
      }
      busyMs += performance.now() - t0;
      stepsRun++;
      // Lets a queued job message in before the next step: an immediate always has a poll
      // phase (where messages arrive) before it. A 0 ms timer did not: on a busy machine
      // Node ran it again in the same timers phase (the priming test caught it under load).
      await nextTurn(undefined, { ref: false });
    }
    state = 'done';
  };
  void run().finally(() => {
    try {
      plan.onEnd();
    } catch {
      // Nothing to recover: what it failed to free goes with the worker.
    }
  });

  return () => ({ stepsRun, stepsPlanned: plan.steps, busyMs, state });
}
