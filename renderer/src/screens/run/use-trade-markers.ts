import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { OpenPosition } from '../../api/contract.js';
import { markerSet, type Marker, type MarkerSet } from '../../charts/markers.js';

/** Trades drawn on the chart at most: beyond it the markers would be one per pixel anyway. */
const MAX_MARKER_TRADES = 20_000;
const PAGE = 1000;

/** The entry marker of the position still open after the last bar (it has no exit). */
export function openPositionMarkers(open: OpenPosition | null): Marker[] {
  return open ? [{ ts: open.entryTs / 1000, price: open.entryPrice, kind: open.side === 'long' ? 'entryLong' : 'entryShort' }] : [];
}

/**
 * Loads the run's trades (paged, in time order) as entry/exit markers for the price chart,
 * with the entry of the position still open at the end.
 */
export function useTradeMarkers(runId: string, tradeCount: number, openPosition: OpenPosition | null): { markers: MarkerSet; partial: boolean } {
  const [markers, setMarkers] = useState<MarkerSet>(() => markerSet(openPositionMarkers(openPosition)));
  useEffect(() => {
    let live = true;
    const load = async (): Promise<void> => {
      const all: Marker[] = openPositionMarkers(openPosition);
      if (live) setMarkers(markerSet(all));
      const wanted = Math.min(tradeCount, MAX_MARKER_TRADES);
      for (let offset = 0; offset < wanted && live; offset += PAGE) {
        const page = await api().invoke('runs/trades', { id: runId, sort: 'entryTs', order: 'asc', offset, limit: PAGE });
        for (const t of page.items) {
          all.push({ ts: t.entryTs / 1000, price: t.entryPrice, kind: t.side === 'long' ? 'entryLong' : 'entryShort' });
          all.push({ ts: t.exitTs / 1000, price: t.exitPrice, kind: t.side === 'long' ? 'exitLong' : 'exitShort' });
        }
        // Draw what has arrived: the first page shows at once, the rest fills in.
        if (live) setMarkers(markerSet(all));
        if (page.items.length < PAGE) break;
      }
    };
    load().catch(() => undefined); // The trades table shows the same error where it matters.
    return () => {
      live = false;
    };
  }, [runId, tradeCount, openPosition]);
  return { markers, partial: tradeCount > MAX_MARKER_TRADES };
}
