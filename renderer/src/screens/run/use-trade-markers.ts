import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { markerSet, markersOf, type MarkerSet } from '../../charts/markers.js';

/**
 * Loads the run's fills (every entry, add and exit, the open position's entry included)
 * as markers for the price chart. `partial`: the run has more fills than one chart is sent.
 */
export function useTradeMarkers(runId: string, symbol: string | null = null): { markers: MarkerSet; partial: boolean } {
  const [state, setState] = useState<{ markers: MarkerSet; partial: boolean }>(() => ({ markers: markerSet([]), partial: false }));
  useEffect(() => {
    let live = true;
    api()
      // A portfolio run's chart shows one instrument: its fills only.
      .invoke('runs/markers', { id: runId, ...(symbol === null ? {} : { symbol }) })
      .then(
        (series) => live && setState({ markers: markerSet(markersOf(series)), partial: series.truncated }),
        () => undefined, // The trades table shows the same error where it matters.
      );
    return () => {
      live = false;
    };
  }, [runId, symbol]);
  return state;
}
