import { api } from '../../api/client.js';
import { useQuery } from '../../api/use-query.js';
import { formatCountOf, formatTs } from '../../app/format.js';

/** Listed in the note's tooltip at most. */
const LISTED = 20;

/**
 * Says when other stored runs have this run's hash: the same data, spec and engine, so
 * bit-identical results (the engine is deterministic). A trader rerunning unchanged
 * inputs sees that nothing changed, and which earlier run it repeats.
 */
export function SameRuns({ runId, hash }: { runId: string; hash: string }) {
  const same = useQuery(() => api().invoke('runs/list', { hash, limit: LISTED + 1 }), [hash]);
  const others = (same.data?.items ?? []).filter((run) => run.id !== runId);
  if (others.length === 0) return null;
  const total = (same.data?.total ?? 1) - 1;
  return (
    <span className="muted" data-testid="same-runs" title={`Same hash (identical results): ${others.map((run) => formatTs(run.createdAt)).join(', ')}${total > others.length ? ', …' : ''} UTC`}>
      same as {formatCountOf(total, 'other run', 'other runs')}
    </span>
  );
}
