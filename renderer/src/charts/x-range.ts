/** A range of the x axis in uPlot's units (seconds for time charts). */
export interface XRange {
  readonly min: number;
  readonly max: number;
}

/** What the group needs of a chart: its x scale can be set (a uPlot). */
export interface XScaled {
  setScale(key: 'x', range: { min: number; max: number }): void;
}

/** How long a gesture must rest before its range is committed (and fetched again at full detail). */
export const SETTLE_MS = 120;

let groups = 0;

/**
 * Charts that zoom and pan together: the price, equity and drawdown charts of one run,
 * or a preview's price chart and its indicator panes. A wheel, drag or pinch on one moves
 * the x scale of all of them at once, straight on their uPlot instances (no React render,
 * so the move paints in the same frame). Once the gesture has rested for SETTLE_MS, the
 * range is committed: charts subscribed to it fetch the visible range again at full
 * detail. Ranges are kept inside the bounds (the data's whole span) and no narrower than
 * `minSpan`.
 */
export class XRangeGroup {
  /** uPlot's cursor sync key: hovering one chart moves the cursor line on the others. */
  readonly syncKey = `x-range-${++groups}`;
  private readonly charts = new Set<XScaled>();
  private readonly listeners = new Set<() => void>();
  private live: XRange | null = null;
  private committed: XRange | null = null;
  private bounds: XRange | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly minSpan = 0) {}

  /** Adds a chart to the group (moved with the others from now on); returns its removal. */
  add(chart: XScaled): () => void {
    this.charts.add(chart);
    return () => this.charts.delete(chart);
  }

  /** The range shown now, committed or still moving; null for the whole data. */
  current(): XRange | null {
    return this.live;
  }

  /** The range the charts' data is fetched for; null for the whole data. */
  readonly getCommitted = (): XRange | null => this.committed;

  /** Subscribes to commits (a useSyncExternalStore source); returns the unsubscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Widens the bounds to take in a chart's whole span (what zooming out and panning stop at). */
  extendBounds(span: XRange): void {
    if (!(span.max > span.min)) return;
    this.bounds = this.bounds ? { min: Math.min(this.bounds.min, span.min), max: Math.max(this.bounds.max, span.max) } : span;
  }

  /** Returns `range` moved and shrunk to lie inside the bounds, no narrower than minSpan; null when it covers them all. */
  clamp(range: XRange): XRange | null {
    let { min, max } = range;
    if (max - min < this.minSpan) {
      const middle = (min + max) / 2;
      min = middle - this.minSpan / 2;
      max = middle + this.minSpan / 2;
    }
    const b = this.bounds;
    if (!b) return { min, max };
    if (max - min >= b.max - b.min) return null;
    if (min < b.min) [min, max] = [b.min, b.min + (max - min)];
    if (max > b.max) [min, max] = [b.max - (max - min), b.max];
    return { min, max };
  }

  /** A gesture's step: moves every chart to `range` now, commits once it rests. */
  move(range: XRange): void {
    const next = this.clamp(range);
    this.live = next;
    this.show(next);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.commit(), SETTLE_MS);
  }

  /** Sets and commits a range at once (a trade picked in a table, a box zoom); null shows the whole data. */
  set(range: XRange | null): void {
    const next = range && this.clamp(range);
    this.live = next;
    this.show(next);
    clearTimeout(this.timer);
    this.commit();
  }

  /** Drops a pending commit (the charts are going away). */
  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Sets the charts' x scale to `range`, or to the bounds for the whole data (when known). */
  private show(range: XRange | null): void {
    const target = range ?? this.bounds;
    if (!target) return;
    for (const chart of this.charts) chart.setScale('x', { min: target.min, max: target.max });
  }

  private commit(): void {
    if (sameRange(this.committed, this.live)) return;
    this.committed = this.live;
    for (const listener of this.listeners) listener();
  }
}

const sameRange = (a: XRange | null, b: XRange | null): boolean => a === b || (a !== null && b !== null && a.min === b.min && a.max === b.max);

/**
 * The range to fetch for a committed view: the view itself (inside the bounds given);
 * null (the whole data) stays null. No margins either side: reading twice the range on
 * every zoom made the refetch twice as slow (an A/B on a year of minutes, docs/UI-PERFORMANCE.md),
 * while a pan past the loaded data shows it once the pan rests.
 */
export function fetchRange(view: XRange | null, bounds?: { min?: number; max?: number }): XRange | null {
  if (!view) return null;
  return { min: Math.max(bounds?.min ?? -Infinity, view.min), max: Math.min(bounds?.max ?? Infinity, view.max) };
}

/** What a chart has loaded: its x values (uPlot's units) and whether they were reduced from more. */
export interface LoadedPoints {
  readonly xs: ArrayLike<number>;
  readonly downsampled: boolean;
}

/**
 * The range a chart should have loaded for a committed view: the one it has while that
 * covers the view in enough detail (at least a point per pixel, or every point there is),
 * else the view (fetchRange); null, the whole data, for no view. Zooming
 * into data that is already fine enough asks the server for nothing.
 */
export function nextFetchRange(loadedRange: XRange | null, view: XRange | null, loaded: LoadedPoints | null, pixels: number, bounds?: { min?: number; max?: number }): XRange | null {
  if (!view) return null;
  if (loaded) {
    const covers = loadedRange === null || (loadedRange.min <= view.min && loadedRange.max >= view.max);
    if (covers && (!loaded.downsampled || pointsWithin(loaded.xs, view) >= pixels)) return loadedRange;
  }
  return fetchRange(view, bounds);
}

/** How many of the ascending `xs` lie in [range.min, range.max]. */
function pointsWithin(xs: ArrayLike<number>, range: XRange): number {
  let count = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i]! >= range.min && xs[i]! <= range.max) count++;
  return count;
}
