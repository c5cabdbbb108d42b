import { afterEach, describe, expect, it, vi } from 'vitest';
import { activeUntil, createForegroundSignal, ForegroundActivity, foregroundYielder, holdForeground, markActiveUntil } from './foreground-signal.js';

const policy = { quietMs: 60, maxPauseMs: 400, minRunMs: 200 };

/**
 * A fake clock and a fake sleep: sleeping advances the clock and delivers the
 * interactions scheduled in between, as the UI would report them.
 */
function simulation(signal: SharedArrayBuffer, interactionsAt: number[]) {
  let t = 1_000_000;
  const pending = [...interactionsAt].map((at) => at + t).sort((a, b) => a - b);
  const deliverUntil = (until: number) => {
    while (pending.length > 0 && pending[0]! <= until) markActiveUntil(signal, pending.shift()!);
  };
  const advance = (ms: number) => {
    t += ms;
    deliverUntil(t);
  };
  return { now: () => t, elapsed: () => t - 1_000_000, sleep: advance, advance };
}

describe('foreground signal', () => {
  it('never pauses while the UI is idle', () => {
    const signal = createForegroundSignal();
    const sim = simulation(signal, []);
    const yieldNow = foregroundYielder(signal, { policy, now: sim.now, sleep: sim.sleep });
    let paused = 0;
    for (let i = 0; i < 1000; i++) {
      sim.advance(1);
      paused += yieldNow();
    }
    expect(paused).toBe(0);
  });

  it('pauses while interactions keep coming and resumes one quiet window after the last', () => {
    const signal = createForegroundSignal();
    // An interaction every 20 ms from 10 to 190 ms.
    const sim = simulation(signal, Array.from({ length: 10 }, (_, i) => 10 + i * 20));
    const yieldNow = foregroundYielder(signal, { policy, now: sim.now, sleep: sim.sleep });
    expect(yieldNow()).toBe(0);
    sim.advance(10); // the first interaction
    const paused = yieldNow();
    // 60 ms after the last interaction (190) it resumes.
    expect(paused).toBe(240);
    expect(sim.elapsed()).toBe(250);
    expect(yieldNow()).toBe(0);
  });

  it('does not pause for an interaction that is older than the quiet window', () => {
    const signal = createForegroundSignal();
    const sim = simulation(signal, [10]);
    const yieldNow = foregroundYielder(signal, { policy, now: sim.now, sleep: sim.sleep });
    // The worker was idle when the user clicked; its next job starts long after.
    sim.advance(5_000);
    expect(yieldNow()).toBe(0);
  });

  it('caps a pause at maxPauseMs and then runs minRunMs before pausing again', () => {
    const signal = createForegroundSignal();
    // A UI that never stops: an interaction every 10 ms for 2 s.
    const sim = simulation(signal, Array.from({ length: 200 }, (_, i) => 1 + i * 10));
    const yieldNow = foregroundYielder(signal, { policy, now: sim.now, sleep: sim.sleep });
    sim.advance(1);
    expect(yieldNow()).toBe(400);
    sim.advance(100);
    expect(yieldNow()).toBe(0); // inside the 200 ms of guaranteed running
    sim.advance(150);
    expect(yieldNow()).toBe(400); // past it: pausing again
  });

  it('ends a pause within one slice when the job is cancelled', () => {
    const signal = createForegroundSignal();
    const sim = simulation(signal, Array.from({ length: 100 }, (_, i) => 1 + i * 10));
    const yieldNow = foregroundYielder(signal, { policy, now: sim.now, sleep: sim.sleep });
    sim.advance(1);
    expect(yieldNow(() => sim.elapsed() >= 50)).toBe(50);
  });

  it('does not pause, and ends a pause, while a job the user waits on needs the worker', () => {
    const signal = createForegroundSignal();
    const sim = simulation(signal, Array.from({ length: 100 }, (_, i) => 1 + i * 10));
    let waiting = false;
    const yieldNow = foregroundYielder(signal, { policy, now: sim.now, sleep: sim.sleep, urgent: () => waiting });
    sim.advance(1);
    waiting = true;
    expect(yieldNow()).toBe(0);
    waiting = false;
    expect(yieldNow(() => {
      waiting = sim.elapsed() >= 31; // the user's job got queued while this one paused
      return false;
    })).toBe(30);
  });

  it('never moves the active-until time back', () => {
    const signal = createForegroundSignal();
    markActiveUntil(signal, 5_000);
    markActiveUntil(signal, 4_000);
    expect(activeUntil(signal)).toBe(5_000);
  });

  it('ForegroundActivity.note(forMs) marks a stretch; a later short note does not shorten it', () => {
    let t = 10_000;
    const activity = new ForegroundActivity(createForegroundSignal(), () => t);
    activity.note();
    expect(activeUntil(activity.signal)).toBe(10_000);
    activity.note(1_000);
    t += 100;
    activity.note();
    expect(activeUntil(activity.signal)).toBe(11_000);
  });

  describe('holdForeground', () => {
    afterEach(() => vi.useRealTimers());

    it('keeps the user counted as active until released', () => {
      vi.useFakeTimers();
      const signal = createForegroundSignal();
      const release = holdForeground(signal);
      vi.advanceTimersByTime(2_000);
      expect(activeUntil(signal)).toBeGreaterThan(Date.now());
      release();
      vi.advanceTimersByTime(500);
      expect(activeUntil(signal)).toBeLessThan(Date.now() - 300);
    });
  });
});
