import type uPlot from 'uplot';
import type { MarkerKind } from '../../../core/domain/engine/index.js';
import type { MarkerSeries } from '../api/contract.js';
import { lowerBound } from './downsample.js';

/** A trade or signal marker on the price chart, at x = ts (seconds) and y = price (NaN: on the close); its kind is the engine's. */
export interface Marker {
  readonly ts: number;
  readonly price: number;
  readonly kind: MarkerKind;
}

/** Markers sorted by time, with their times in a typed array for binary search on every draw. */
export interface MarkerSet {
  readonly ts: Float64Array;
  readonly items: readonly Marker[];
}

/** The fills of a run or a preview as chart markers (times in seconds). */
export function markersOf(series: MarkerSeries): Marker[] {
  return series.ts.map((ts, i) => ({ ts: ts / 1000, price: series.price[i]!, kind: series.kind[i]! }));
}

/** Returns the markers sorted by time, ready for drawMarkers. */
export function markerSet(markers: readonly Marker[]): MarkerSet {
  const items = [...markers].sort((a, b) => a.ts - b.ts);
  return { ts: Float64Array.from(items, (m) => m.ts), items };
}

// Entries (and adds) green triangles up for long, red down for short; exits (partial or
// whole) an orange cross, so an exit never reads as a pale entry (hollow light-green
// triangles were hard to tell apart). Keyed by every engine kind: a new one must be drawn.
const LONG_ENTRY = { colour: '#2ea36b', glyph: 'up' } as const;
const SHORT_ENTRY = { colour: '#e04848', glyph: 'down' } as const;
const EXIT = { colour: '#e08a1e', glyph: 'cross' } as const;
const STYLES: Readonly<Record<MarkerKind, { readonly colour: string; readonly glyph: 'up' | 'down' | 'cross' }>> = {
  entryLong: LONG_ENTRY,
  addLong: LONG_ENTRY,
  entryShort: SHORT_ENTRY,
  addShort: SHORT_ENTRY,
  exitLong: EXIT,
  partialExitLong: EXIT,
  exitShort: EXIT,
  partialExitShort: EXIT,
};

/**
 * Returns a draw hook painting markers: entries as filled triangles (up for long, down for
 * short) under/over the price, exits as an orange cross on the exit price. Only the
 * markers inside the visible x range are drawn, found by binary search, at most one per
 * pixel column: 100,000 trades draw like a few thousand.
 */
export function drawMarkers(getMarkers: () => MarkerSet): (u: uPlot) => void {
  return (u) => {
    const { ts, items: markers } = getMarkers();
    if (markers.length === 0) return;
    const xMin = u.scales.x!.min!;
    const xMax = u.scales.x!.max!;
    const from = lowerBound(ts, xMin);
    const ctx = u.ctx;
    const size = 5 * devicePixelRatio;
    let lastColumn = -1;
    ctx.save();
    for (let i = from; i < markers.length; i += 1) {
      const marker = markers[i]!;
      if (marker.ts > xMax) break;
      const x = Math.round(u.valToPos(marker.ts, 'x', true));
      if (x === lastColumn) continue;
      lastColumn = x;
      let price = marker.price;
      if (Number.isNaN(price)) {
        // A signal without a price sits on the drawn close at its time.
        const xs = u.data[0] as ArrayLike<number>;
        const closes = u.data[1] as ArrayLike<number | null>;
        if (xs.length === 0) continue;
        price = closes[Math.min(xs.length - 1, lowerBound(xs, marker.ts))] ?? Number.NaN;
      }
      const y = u.valToPos(price, 'y', true);
      const style = STYLES[marker.kind];
      if (style.glyph === 'cross') {
        drawCross(ctx, x, y, size * 0.9, style.colour);
        continue;
      }
      const up = style.glyph === 'up';
      ctx.beginPath();
      ctx.moveTo(x, up ? y + size * 0.4 : y - size * 0.4);
      ctx.lineTo(x - size, up ? y + size * 2 : y - size * 2);
      ctx.lineTo(x + size, up ? y + size * 2 : y - size * 2);
      ctx.closePath();
      ctx.fillStyle = style.colour;
      ctx.fill();
    }
    ctx.restore();
  };
}

function drawCross(ctx: CanvasRenderingContext2D, x: number, y: number, half: number, colour: string): void {
  ctx.beginPath();
  ctx.moveTo(x - half, y - half);
  ctx.lineTo(x + half, y + half);
  ctx.moveTo(x - half, y + half);
  ctx.lineTo(x + half, y - half);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2 * devicePixelRatio;
  ctx.stroke();
}

/** A time range to shade on the chart (ms), e.g. the trade picked in the trades table. */
export interface Band {
  readonly fromTs: number;
  readonly toTs: number;
}

/** Returns a draw hook shading `getBand()`'s range over the plot's full height (none: nothing). */
export function drawBand(getBand: () => Band | null | undefined, colour: () => string): (u: uPlot) => void {
  return (u) => {
    const band = getBand();
    if (!band) return;
    const left = u.valToPos(band.fromTs / 1000, 'x', true);
    const right = u.valToPos(band.toTs / 1000, 'x', true);
    const { top, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.globalAlpha = 0.16;
    ctx.fillStyle = colour();
    // At least 2 px wide: a trade of one bar still shows once zoomed out.
    ctx.fillRect(Math.min(left, right), top, Math.max(2 * devicePixelRatio, Math.abs(right - left)), height);
    ctx.restore();
  };
}
