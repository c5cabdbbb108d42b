/** A call limiter: `call()` runs `fn` at once, or once at the end of the current interval. */
export interface Throttle {
  call(): void;
  cancel(): void;
}

/**
 * Runs `fn` at most once per `minIntervalMs`: the first call at once, later calls inside
 * the interval folded into one trailing run when it ends, so the last change is never lost.
 */
export function throttle(fn: () => void, minIntervalMs: number, now: () => number = () => performance.now()): Throttle {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    last = now();
    fn();
  };
  return {
    call() {
      if (timer !== null) return;
      const wait = last + minIntervalMs - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
