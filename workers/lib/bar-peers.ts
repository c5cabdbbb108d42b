import type { BarPeers, PeerBars } from '../../core/infrastructure/sqlite/bar-source.js';
import { BAR_FIELDS } from '../../core/domain/market/bars.js';
import type { PeerInbox } from './peer-inbox.js';

const KIND = 'bars';

/**
 * A sweep worker's link to the other workers of its pool for bar sets: the first worker
 * to read a series reads it into shared memory and offers it; the others take it from
 * their inbox on their own miss instead of holding a copy each.
 */
export function inboxBarPeers(inbox: PeerInbox): BarPeers {
  return {
    publish: (offer) => inbox.post(KIND, offer),
    receive: () => inbox.take(KIND).filter(isPeerBars),
  };
}

function isPeerBars(value: unknown): value is PeerBars {
  const v = value as Partial<PeerBars> | null;
  return typeof v?.key === 'string' && typeof v.series === 'string' && typeof v.bars === 'object' && v.bars !== null && BAR_FIELDS.every((f) => v.bars![f] instanceof Float64Array);
}
