import type uPlot from 'uplot';
import { lowerBound } from './downsample.js';

export type MarkerKind = 'longEntry' | 'longExit' | 'shortEntry' | 'shortExit';

/** A trade or signal marker on the price chart, at x = ts (seconds) and y = price (NaN: on the close). */
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

/** Returns the markers sorted by time, ready for drawMarkers. */
export function markerSet(markers: readonly Marker[]): MarkerSet {
  const items = [...markers].sort((a, b) => a.ts - b.ts);
  return { ts: Float64Array.from(items, (m) => m.ts), items };
}

const COLORS: Record<MarkerKind, string> = { longEntry: '#3fb97d', longExit: '#8fd6b1', shortEntry: '#ef5b5b', shortExit: '#f2a3a3' };

/**
 * Returns a draw hook painting markers as triangles (entries point up for long, down for
 * short; exits are hollow). Only the markers inside the visible x range are drawn, found by
 * binary search, at most one per pixel column: 100,000 trades draw like a few thousand.
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
      const up = marker.kind === 'longEntry' || marker.kind === 'shortExit';
      ctx.beginPath();
      ctx.moveTo(x, up ? y + size * 0.4 : y - size * 0.4);
      ctx.lineTo(x - size, up ? y + size * 2 : y - size * 2);
      ctx.lineTo(x + size, up ? y + size * 2 : y - size * 2);
      ctx.closePath();
      if (marker.kind.endsWith('Entry')) {
        ctx.fillStyle = COLORS[marker.kind];
        ctx.fill();
      } else {
        ctx.strokeStyle = COLORS[marker.kind];
        ctx.lineWidth = devicePixelRatio;
        ctx.stroke();
      }
    }
    ctx.restore();
  };
}
