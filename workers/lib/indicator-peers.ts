import type { IndicatorPeers, PeerArray } from '../../core/application/sweeps/sweep-indicator-cache.js';
import type { PeerInbox } from './peer-inbox.js';

const KIND = 'indicator';

/**
 * A sweep worker's link to the other workers of its pool (PeerHub) for indicator arrays:
 * the arrays it computes go out in shared memory, and the others' come in, read
 * synchronously when the cache misses (in the middle of a batch) and between batches.
 * Keys name the exact bar set (file, instrument, timeframe, range and stored version), so
 * an offer is only ever taken for the same bars.
 */
export function inboxIndicatorPeers(inbox: PeerInbox): IndicatorPeers {
  return {
    allocate: (length) => new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT)),
    publish: (array) => inbox.post(KIND, array),
    receive: () => inbox.take(KIND).filter(isPeerArray),
  };
}

function isPeerArray(value: unknown): value is PeerArray {
  const v = value as Partial<PeerArray> | null;
  return typeof v?.barsKey === 'string' && typeof v.key === 'string' && v.values instanceof Float64Array;
}
