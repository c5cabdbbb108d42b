import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { markerSet, type Marker, type MarkerSet } from '../../charts/markers.js';

/** Trades drawn on the chart at most: beyond it the markers would be one per pixel anyway. */
const MAX_MARKER_TRADES = 20_000;
const PAGE = 1000;

/** Loads the run's trades (paged, in time order) as entry/exit markers for the price chart. */
export function useTradeMarkers(runId: string, tradeCount: number): { markers: MarkerSet; partial: boolean } {
  const [markers, setMarkers] = useState<MarkerSet>(() => markerSet([]));
  useEffect(() => {
    let live = true;
    const load = async (): Promise<void> => {
      const all: Marker[] = [];
      const wanted = Math.min(tradeCount, MAX_MARKER_TRADES);
      for (let offset = 0; offset < wanted && live; offset += PAGE) {
        const page = await api().invoke('runs/trades', { id: runId, sort: 'entryTs', order: 'asc', offset, limit: PAGE });
        for (const t of page.items) {
          all.push({ ts: t.entryTs / 1000, price: t.entryPrice, kind: t.side === 'long' ? 'longEntry' : 'shortEntry' });
          all.push({ ts: t.exitTs / 1000, price: t.exitPrice, kind: t.side === 'long' ? 'longExit' : 'shortExit' });
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
  }, [runId, tradeCount]);
  return { markers, partial: tradeCount > MAX_MARKER_TRADES };
}
