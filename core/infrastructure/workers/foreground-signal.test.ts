import { afterEach, describe, expect, it, vi } from 'vitest';
import { createForegroundSignal, ForegroundActivity, foregroundYielder, noteForegroundActivity } from './foreground-signal.js';

const policy = { quietMs: 60, maxPauseMs: 400, minRunMs: 200 };

/**
 * A fake clock and a fake Atomics.wait: waiting advances the clock by the timeout and
 * delivers the interactions scheduled in between, as the UI would bump the counter.
 */
function simulation(signal: SharedArrayBuffer, interactionsAt: number[]) {
  let t = 0;
  const pending = [...interactionsAt].sort((a, b) => a - b);
  const deliverUntil = (until: number) => {
    while (pending.length > 0 && pending[0]! <= until) {
      pending.shift();
      noteForegroundActivity(signal);
    }
  };
  return {
    now: () => t,
    wait: (_view: Int32Array, _index: number, _value: number, timeoutMs: number) => {
      t += timeoutMs;
      deliverUntil(t);
      return 'timed-out';
    },
    advance: (ms: number) => {
      t += ms;
      deliverUntil(t);
    },
  };
}

describe('foreground signal', () => {
  it('never pauses while the UI is idle', () => {
    const signal = createForegroundSignal();
    const sim = simulation(signal, []);
    const yieldNow = foregroundYielder(signal, policy, sim.now, sim.wait);
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
    const yieldNow = foregroundYielder(signal, policy, sim.now, sim.wait);
    expect(yieldNow()).toBe(0);
    sim.advance(10); // the first interaction
    const paused = yieldNow();
    // Slices of 10 ms see each interaction; 60 ms after the last one (190) it resumes.
    expect(paused).toBe(240);
    expect(sim.now()).toBe(250);
    expect(yieldNow()).toBe(0);
  });

  it('caps a pause at maxPauseMs and then runs minRunMs before pausing again', () => {
    const signal = createForegroundSignal();
    // A UI that never stops: an interaction every 10 ms for 2 s.
    const sim = simulation(signal, Array.from({ length: 200 }, (_, i) => 1 + i * 10));
    const yieldNow = foregroundYielder(signal, policy, sim.now, sim.wait);
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
    const yieldNow = foregroundYielder(signal, policy, sim.now, sim.wait);
    sim.advance(1);
    expect(yieldNow(() => sim.now() >= 50)).toBe(50);
  });

  describe('ForegroundActivity', () => {
    afterEach(() => vi.useRealTimers());
    const count = (signal: SharedArrayBuffer) => Atomics.load(new Int32Array(signal), 0);

    it('note() bumps once; note(forMs) keeps bumping until the stretch ends, and stop() ends it', () => {
      vi.useFakeTimers();
      const activity = new ForegroundActivity(createForegroundSignal(), () => Date.now());
      activity.note();
      expect(count(activity.signal)).toBe(1);
      activity.note(450);
      vi.advanceTimersByTime(1_000);
      // now + 100, 200, 300, 400 (at 500 the stretch is over)
      expect(count(activity.signal)).toBe(6);
      activity.note(1_000);
      vi.advanceTimersByTime(250);
      activity.stop();
      vi.advanceTimersByTime(2_000);
      expect(count(activity.signal)).toBe(9);
    });
  });
});
