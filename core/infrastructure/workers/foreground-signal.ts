/**
 * The foreground signal: one Int32 in a SharedArrayBuffer that the app bumps whenever the
 * user interacts (the UI reports it, at most ~10 times a second). Backtest and sweep
 * workers look at it where they already poll for cancel and pause while it keeps
 * changing, so an interaction gets the cores to itself; with no interaction they run
 * at full speed. Thread priority (nice) alone cannot give that: on a 2-core machine a
 * busy low-priority thread still cost interactions 14-67 % at p95 (docs/UI-PERFORMANCE.md).
 */
const COUNTER = 0;

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
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** Records one user interaction; paused workers see it when their quiet window ends. */
export function noteForegroundActivity(signal: SharedArrayBuffer): void {
  Atomics.add(new Int32Array(signal), COUNTER, 1);
}

/** How often a pause looks at the signal and at the job's cancel flag. */
const SLICE_MS = 10;

/**
 * Returns the function a worker calls from its cancel poll: it returns at once unless the
 * UI has been active since the last call, and then blocks (Atomics.wait, a worker-thread
 * sleep, in slices of 10 ms) until the UI has been quiet for `quietMs`, `maxPauseMs` have
 * passed, or `interrupted()` (the job's cancel flag) says to stop. Returns the ms paused.
 */
export function foregroundYielder(
  signal: SharedArrayBuffer,
  policy: ForegroundPolicy = DEFAULT_FOREGROUND_POLICY,
  // Injectable for tests: Atomics.wait may not block the main thread, where tests run.
  now: () => number = () => performance.now(),
  wait: (view: Int32Array, index: number, value: number, timeoutMs: number) => unknown = Atomics.wait,
): (interrupted?: () => boolean) => number {
  const view = new Int32Array(signal);
  let seen = Atomics.load(view, COUNTER);
  let runUntil = Number.NEGATIVE_INFINITY;
  return (interrupted = () => false) => {
    const current = Atomics.load(view, COUNTER);
    if (current === seen) return 0;
    const started = now();
    if (started < runUntil) {
      seen = current;
      return 0;
    }
    let last = current;
    let lastChange = started;
    for (;;) {
      const t = now();
      if (t - started >= policy.maxPauseMs) {
        runUntil = t + policy.minRunMs;
        break;
      }
      if (t - lastChange >= policy.quietMs || interrupted()) break;
      // Nobody notifies: each slice sleeps its full length unless the count already moved.
      wait(view, COUNTER, last, Math.min(SLICE_MS, policy.quietMs - (t - lastChange), policy.maxPauseMs - (t - started)));
      const after = Atomics.load(view, COUNTER);
      if (after !== last) {
        last = after;
        lastChange = now();
      }
    }
    seen = Atomics.load(view, COUNTER);
    return now() - started;
  };
}

/** Within a stretch of activity the counter is bumped this often (below the quiet window). */
const STRETCH_TICK_MS = 100;

/**
 * The app's side of the signal: `note()` records an interaction now; `note(forMs)` a
 * stretch of one (opening the app: the page loads and renders with no input event for
 * longer than the workers' quiet window) by bumping the counter until it ends.
 */
export class ForegroundActivity {
  private until = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly signal: SharedArrayBuffer,
    private readonly now: () => number = () => Date.now(),
  ) {}

  note(forMs = 0): void {
    noteForegroundActivity(this.signal);
    if (forMs <= 0) return;
    this.until = Math.max(this.until, this.now() + forMs);
    if (this.timer === null) this.tick();
  }

  private tick(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.now() >= this.until) return;
      noteForegroundActivity(this.signal);
      this.tick();
    }, STRETCH_TICK_MS);
    this.timer.unref?.();
  }

  /** Stops a stretch in progress (the app is closing). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.until = 0;
  }
}
