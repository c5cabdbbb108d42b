import type uPlot from 'uplot';
import type { XRange, XRangeGroup } from './x-range.js';

/** Returns `range` zoomed by `factor` (< 1 in, > 1 out) around the point `at` of it (0: left edge, 1: right). */
export function zoomAround(range: XRange, at: number, factor: number): XRange {
  const anchor = range.min + (range.max - range.min) * at;
  return { min: anchor - (anchor - range.min) * factor, max: anchor + (range.max - anchor) * factor };
}

/** Returns `range` moved by `share` of its width (positive: later). */
export function panBy(range: XRange, share: number): XRange {
  const shift = (range.max - range.min) * share;
  return { min: range.min + shift, max: range.max + shift };
}

// A mouse wheel notch is ~100 px of deltaY: 16 % per notch. A trackpad pinch comes as a
// wheel event with ctrlKey and small deltas: a stronger rate makes it follow the fingers.
const WHEEL_RATE = 0.0015;
const PINCH_RATE = 0.01;
const LINE_PX = 16;
const PAGE_PX = 800;

/** Returns the zoom factor of a wheel event (deltaY down: out), in any deltaMode. */
export function wheelFactor(event: Pick<WheelEvent, 'deltaY' | 'deltaMode' | 'ctrlKey'>): number {
  const px = event.deltaY * (event.deltaMode === 1 ? LINE_PX : event.deltaMode === 2 ? PAGE_PX : 1);
  return Math.exp(px * (event.ctrlKey ? PINCH_RATE : WHEEL_RATE));
}

const xRangeOf = (u: uPlot): XRange | null => {
  const { min, max } = u.scales['x'] ?? {};
  return min === undefined || max === undefined || min === null || max === null ? null : { min, max };
};

/**
 * A uPlot plugin that makes a chart answer the mouse, the trackpad and touch, moving every
 * chart of `group` together: the wheel (or a pinch) zooms around the pointer, a drag pans,
 * a horizontal swipe pans, Shift+drag zooms to the box drawn, a double click shows the
 * whole data again. The wheel never scrolls the page while over a chart. uPlot's cursor
 * sync (the group's key) moves the hover line across the group's charts; only moves are
 * shared that way, zoom goes through the group.
 */
export function zoomPanPlugin(group: XRangeGroup): uPlot.Plugin {
  const width = (u: uPlot): number => u.over.clientWidth || 1;
  return {
    opts: (_u, opts) => ({
      ...opts,
      cursor: {
        ...opts.cursor,
        // Box selection only for Shift+drag (below); it never sets the scale by itself.
        drag: { x: true, y: false, setScale: false },
        sync: { key: group.syncKey, setSeries: false, filters: { pub: (type) => type === 'mousemove' } },
        bind: {
          ...opts.cursor?.bind,
          mousedown: (u, _target, handler) => (event) => {
            if (event.button !== 0) return null;
            if (event.shiftKey) handler(event);
            else startPan(u, event, group, width(u));
            return null;
          },
          dblclick: () => (event) => {
            if (event.button === 0) group.set(null);
            return null;
          },
        },
      },
    }),
    hooks: {
      ready: [
        (u) => {
          const over = u.over;
          over.style.touchAction = 'none';
          over.style.cursor = 'grab';
          over.addEventListener(
            'wheel',
            (event) => {
              event.preventDefault();
              const range = xRangeOf(u);
              if (!range) return;
              if (Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
                group.move(panBy(range, event.deltaX / width(u)));
                return;
              }
              const rect = over.getBoundingClientRect();
              const at = Math.min(1, Math.max(0, (event.clientX - rect.left) / (rect.width || 1)));
              group.move(zoomAround(range, at, wheelFactor(event)));
            },
            { passive: false },
          );
          touchGestures(u, group, width);
        },
      ],
      setSelect: [
        (u) => {
          if (u.select.width < 5) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          group.set({ min, max });
        },
      ],
    },
  };
}

/** Pans while the mouse button is held: the data follows the pointer. */
function startPan(u: uPlot, down: MouseEvent, group: XRangeGroup, plotWidth: number): void {
  const start = xRangeOf(u);
  if (!start) return;
  u.over.style.cursor = 'grabbing';
  const move = (event: MouseEvent): void => group.move(panBy(start, -(event.clientX - down.clientX) / plotWidth));
  const up = (): void => {
    u.over.style.cursor = 'grab';
    document.removeEventListener('mousemove', move);
    document.removeEventListener('mouseup', up);
  };
  document.addEventListener('mousemove', move);
  document.addEventListener('mouseup', up);
}

/** One finger pans, two pinch (zooming around their middle). */
function touchGestures(u: uPlot, group: XRangeGroup, width: (u: uPlot) => number): void {
  const over = u.over;
  const points = new Map<number, number>();
  let start: { range: XRange; x: number; spread: number } | null = null;
  const begin = (): void => {
    const range = xRangeOf(u);
    const xs = [...points.values()];
    start = range && xs.length > 0 ? { range, x: xs.reduce((a, b) => a + b, 0) / xs.length, spread: xs.length > 1 ? Math.abs(xs[0]! - xs[1]!) : 0 } : null;
  };
  over.addEventListener('pointerdown', (event) => {
    if (event.pointerType !== 'touch') return;
    over.setPointerCapture(event.pointerId);
    points.set(event.pointerId, event.clientX);
    begin();
  });
  over.addEventListener('pointermove', (event) => {
    if (!points.has(event.pointerId) || !start) return;
    points.set(event.pointerId, event.clientX);
    const xs = [...points.values()];
    const middle = xs.reduce((a, b) => a + b, 0) / xs.length;
    const panned = panBy(start.range, -(middle - start.x) / width(u));
    if (xs.length < 2 || start.spread === 0) {
      group.move(panned);
      return;
    }
    const rect = over.getBoundingClientRect();
    const at = Math.min(1, Math.max(0, (middle - rect.left) / (rect.width || 1)));
    group.move(zoomAround(panned, at, start.spread / Math.max(1, Math.abs(xs[0]! - xs[1]!))));
  });
  const end = (event: PointerEvent): void => {
    if (!points.delete(event.pointerId)) return;
    begin();
  };
  over.addEventListener('pointerup', end);
  over.addEventListener('pointercancel', end);
}
