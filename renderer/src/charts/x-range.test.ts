import { describe, expect, it, vi } from 'vitest';
import { fetchRange, nextFetchRange, SETTLE_MS, XRangeGroup } from './x-range.js';

const chart = () => ({ setScale: vi.fn() });

describe('x-range group', () => {
  it('moves every chart at once, keeps inside the bounds and no narrower than its minimum', () => {
    const group = new XRangeGroup(10);
    const [a, b] = [chart(), chart()];
    group.add(a);
    const leave = group.add(b);
    group.extendBounds({ min: 0, max: 1000 });
    group.move({ min: 100, max: 200 });
    expect(a.setScale).toHaveBeenLastCalledWith('x', { min: 100, max: 200 });
    expect(b.setScale).toHaveBeenLastCalledWith('x', { min: 100, max: 200 });
    group.move({ min: -50, max: 50 });
    expect(group.current()).toEqual({ min: 0, max: 100 });
    group.move({ min: 500, max: 502 });
    expect(group.current()).toEqual({ min: 496, max: 506 });
    // Wider than the data: the whole data (null), shown at its bounds.
    group.move({ min: -10, max: 2000 });
    expect(group.current()).toBeNull();
    expect(a.setScale).toHaveBeenLastCalledWith('x', { min: 0, max: 1000 });
    leave();
    group.move({ min: 10, max: 20 });
    expect(b.setScale).not.toHaveBeenLastCalledWith('x', { min: 10, max: 20 });
  });

  it('commits a gesture once it rests, a set at once', () => {
    vi.useFakeTimers();
    try {
      const group = new XRangeGroup();
      const seen: unknown[] = [];
      group.subscribe(() => seen.push(group.getCommitted()));
      group.move({ min: 1, max: 2 });
      group.move({ min: 1, max: 3 });
      expect(seen).toEqual([]);
      vi.advanceTimersByTime(SETTLE_MS);
      expect(seen).toEqual([{ min: 1, max: 3 }]);
      group.set({ min: 5, max: 9 });
      expect(seen).toEqual([{ min: 1, max: 3 }, { min: 5, max: 9 }]);
      group.set({ min: 5, max: 9 });
      expect(seen).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what a chart fetches for a view', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => i);
  it('fetches the view, inside the bounds', () => {
    expect(fetchRange({ min: 100, max: 200 })).toEqual({ min: 100, max: 200 });
    expect(fetchRange({ min: -10, max: 110 }, { min: 0 })).toEqual({ min: 0, max: 110 });
    expect(fetchRange(null)).toBeNull();
  });

  it('asks for nothing while the loaded points cover the view at a point per pixel or more', () => {
    const loaded = { xs, downsampled: true };
    expect(nextFetchRange(null, { min: 0, max: 600 }, loaded, 500)).toBeNull();
    expect(nextFetchRange(null, { min: 0, max: 300 }, loaded, 500)).toEqual({ min: 0, max: 300 });
    // Not reduced: every point is there already.
    expect(nextFetchRange(null, { min: 0, max: 10 }, { xs, downsampled: false }, 500)).toBeNull();
    // A view outside what is loaded is fetched.
    expect(nextFetchRange({ min: 0, max: 999 }, { min: 900, max: 1100 }, { xs, downsampled: false }, 50)).toEqual({ min: 900, max: 1100 });
    expect(nextFetchRange({ min: 0, max: 999 }, null, loaded, 50)).toBeNull();
  });
});
