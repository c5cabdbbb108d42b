/**
 * The foreground signal: a SharedArrayBuffer holding the wall-clock time (Date.now(), the
 * same clock in every thread) until which the user counts as active. The UI reports
 * interaction (at most ~10 times a second); backtest and sweep workers look at the signal
 * where they already poll for cancel and pause until the UI has been quiet for a while,
 * so an interaction gets the cores to itself; with no interaction they run at full speed.
 * Thread priority (nice) alone cannot give that: on a 2-core machine a busy low-priority
 * thread still cost interactions 14-67 % at p95 (docs/UI-PERFORMANCE.md).
 *
 * A time rather than a counter: a worker that was idle while the user clicked long ago
 * must not take that as a reason to pause when its next job starts.
 */
const ACTIVE_UNTIL = 0; // BigInt64 slot
const SLEEP = 2; // Int32 slot that never changes: Atomics.wait on it is a plain sleep

export interface ForegroundPolicy {
  /** A pause ends once the UI has been quiet this long. */
  readonly quietMs: number;
  /** A pause never lasts longer than this (a UI that never stops cannot starve a job)... */
  readonly maxPauseMs: number;
  /** ...and after a maximal pause the worker runs at least this long before the next. */
  readonly minRunMs: number;
}

export const DEFAULT_FOREGROUND_POLICY: ForegroundPolicy = { quietMs: 150, maxPauseMs: 1_000, minRunMs: 200 };

export function createForegroundSignal(): SharedArrayBuffer {
  return new SharedArrayBuffer(16);
}

/** The time (ms since the epoch) until which the user counts as active. */
export function activeUntil(signal: SharedArrayBuffer): number {
  return Number(Atomics.load(new BigInt64Array(signal, 0, 1), ACTIVE_UNTIL));
}

/** Records activity lasting until `untilMs` (never shortens a stretch already recorded). */
export function markActiveUntil(signal: SharedArrayBuffer, untilMs: number): void {
  const view = new BigInt64Array(signal, 0, 1);
  const next = BigInt(Math.floor(untilMs));
  for (;;) {
    const current = Atomics.load(view, ACTIVE_UNTIL);
    if (current >= next || Atomics.compareExchange(view, ACTIVE_UNTIL, current, next) === current) return;
  }
}

/** How often a pause looks at the signal and at the job's cancel flag. */
const SLICE_MS = 10;

const sleeper = (signal: SharedArrayBuffer) => {
  const view = new Int32Array(signal);
  return (ms: number) => void Atomics.wait(view, SLEEP, 0, ms);
};

export interface YielderOptions {
  readonly policy?: ForegroundPolicy;
  /** Injectable for tests (with `sleep`): Atomics.wait may not block the main thread, where tests run. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => void;
  /** True while a job the user waits on is queued behind this worker: finish, do not pause. */
  readonly urgent?: () => boolean;
}

/**
 * Returns the function a worker calls from its cancel poll: it returns at once unless the
 * user was active within the last `quietMs`, and then sleeps (Atomics.wait, a
 * worker-thread sleep, in slices of 10 ms) until the UI has been quiet for `quietMs`,
 * `maxPauseMs` have passed, `interrupted()` (the job's cancel flag) says to stop, or
 * `urgent()` says a job the user waits on needs this worker. Returns the ms paused.
 */
export function foregroundYielder(signal: SharedArrayBuffer, options: YielderOptions = {}): (interrupted?: () => boolean) => number {
  const { policy = DEFAULT_FOREGROUND_POLICY, now = () => Date.now(), sleep = sleeper(signal), urgent = () => false } = options;
  let runUntil = Number.NEGATIVE_INFINITY;
  return (interrupted = () => false) => {
    const started = now();
    if (started >= activeUntil(signal) + policy.quietMs || started < runUntil || urgent()) return 0;
    for (;;) {
      const t = now();
      if (t - started >= policy.maxPauseMs) {
        runUntil = t + policy.minRunMs;
        break;
      }
      const resumeAt = activeUntil(signal) + policy.quietMs;
      if (t >= resumeAt || interrupted() || urgent()) break;
      sleep(Math.min(SLICE_MS, resumeAt - t, policy.maxPauseMs - (t - started)));
    }
    return now() - started;
  };
}

/** The app's side of the signal: what the UI reports, and holds while the user waits on a job. */
export class ForegroundActivity {
  constructor(
    readonly signal: SharedArrayBuffer,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** An interaction now; `forMs` > 0 a stretch of one (a page loading and rendering with no input). */
  note(forMs = 0): void {
    markActiveUntil(this.signal, this.now() + Math.max(0, forMs));
  }
}

/** While held, the signal is kept active in steps of this long. */
const HOLD_STEP_MS = 100;

/**
 * Keeps the user counted as active until `release()`: while a job the user waits on runs
 * (the Run button's backtest), background work pauses as it would for input. The pause
 * policy's cap still applies, so background work is slowed, never stopped.
 */
export function holdForeground(signal: SharedArrayBuffer, now: () => number = () => Date.now()): () => void {
  markActiveUntil(signal, now() + HOLD_STEP_MS);
  const timer = setInterval(() => markActiveUntil(signal, now() + HOLD_STEP_MS), HOLD_STEP_MS / 2);
  timer.unref?.();
  return () => clearInterval(timer);
}
