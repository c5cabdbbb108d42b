import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('throttle', () => {
  it('runs the first call at once and folds a burst into one trailing run', () => {
    const fn = vi.fn();
    const t = throttle(fn, 500, () => Date.now());
    t.call();
    expect(fn).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 8; i++) {
      vi.advanceTimersByTime(50);
      t.call();
    }
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(2_000);
    expect(fn).toHaveBeenCalledTimes(2);
    t.call();
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('cancel drops a pending trailing run', () => {
    const fn = vi.fn();
    const t = throttle(fn, 500, () => Date.now());
    t.call();
    t.call();
    t.cancel();
    vi.advanceTimersByTime(1_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
