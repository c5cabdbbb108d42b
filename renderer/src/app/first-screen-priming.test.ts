import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_SCREEN_MARK, primeAfterFirstScreen } from './first-screen-priming.js';

describe('primeAfterFirstScreen', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
    performance.clearMarks(FIRST_SCREEN_MARK);
  });

  it('asks for idle time only once the first screen has marked its paint', async () => {
    const idle = vi.fn((run: () => void) => run());
    vi.stubGlobal('requestIdleCallback', idle);
    primeAfterFirstScreen();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).not.toHaveBeenCalled();
    performance.mark(FIRST_SCREEN_MARK);
    await vi.waitFor(() => expect(idle).toHaveBeenCalledTimes(1));
  });

  it('warms up after a while on a screen that sets no mark, once', () => {
    vi.useFakeTimers();
    const idle = vi.fn();
    vi.stubGlobal('requestIdleCallback', idle);
    primeAfterFirstScreen();
    vi.advanceTimersByTime(1_499);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it('runs the preloads after Intl, each in idle time of its own, in order', async () => {
    const idle = vi.fn((run: () => void) => run());
    vi.stubGlobal('requestIdleCallback', idle);
    const order: string[] = [];
    const preload = (name: string) => () => {
      order.push(name);
      return name === 'failing' ? Promise.reject(new Error('offline')) : Promise.resolve();
    };
    primeAfterFirstScreen([preload('strategies'), preload('failing'), preload('builder')]);
    performance.mark(FIRST_SCREEN_MARK);
    await vi.waitFor(() => expect(order).toEqual(['strategies', 'failing', 'builder']));
    expect(idle).toHaveBeenCalledTimes(4);
  });
});
