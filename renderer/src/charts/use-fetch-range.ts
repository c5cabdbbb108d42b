import { useRef } from 'react';
import { nextFetchRange, type LoadedPoints, type XRange } from './x-range.js';

/**
 * The range a chart keeps loaded for its group's committed view (null: the whole data):
 * what it has while that covers the view at a point per pixel or better, else the view
 * (nextFetchRange). A zoom into data already fine enough fetches nothing. Worked out in the
 * render that sees the new view (not in an effect a frame later), so the fetch it needs
 * goes out in that same commit.
 */
export function useFetchRange(view: XRange | null, loaded: LoadedPoints | null, pixels: () => number, bounds?: { min?: number; max?: number }): XRange | null {
  const kept = useRef<{ view: XRange | null; range: XRange | null }>({ view: null, range: null });
  if (kept.current.view !== view) kept.current = { view, range: nextFetchRange(kept.current.range, view, loaded, pixels(), bounds) };
  return kept.current.range;
}
