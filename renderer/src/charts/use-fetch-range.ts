import { useEffect, useRef, useState } from 'react';
import { nextFetchRange, type LoadedPoints, type XRange } from './x-range.js';

/**
 * The range a chart keeps loaded for its group's committed view (null: the whole data):
 * what it has while that covers the view at a point per pixel or better, else the view
 * with its margins (nextFetchRange). A zoom into data already fine enough fetches nothing.
 */
export function useFetchRange(view: XRange | null, loaded: LoadedPoints | null, pixels: () => number, bounds?: { min?: number; max?: number }): XRange | null {
  const [range, setRange] = useState<XRange | null>(null);
  const latest = useRef({ loaded, pixels, bounds });
  latest.current = { loaded, pixels, bounds };
  useEffect(() => {
    const { loaded: points, pixels: width, bounds: limits } = latest.current;
    setRange((current) => nextFetchRange(current, view, points, width(), limits));
  }, [view]);
  return range;
}
