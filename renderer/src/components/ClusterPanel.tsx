import { api } from '../api/client.js';
import type { ResultOf } from '../api/contract.js';
import { formatCount, formatNumber } from '../app/format.js';
import { useVisiblePoll } from '../screens/performance/use-visible-poll.js';
import { ErrorBox } from './ErrorBox.js';

type ClusterStatus = ResultOf<'cluster/status'>;
type Configured = Extract<ClusterStatus, { configured: true }>;

/** The cluster's status, read every `intervalMs` while the page is visible. */
export function useClusterStatus(intervalMs = 1_000): { status: ClusterStatus | undefined; error: string | null } {
  const { data, error } = useVisiblePoll(() => api().invoke('cluster/status'), intervalMs);
  return { status: data, error };
}

/**
 * A cluster's agents (each one's workers, rate and whether it runs `sweepId` now) and its
 * queue of batches: on the Optimize screen beside a cluster sweep, and on the Performance
 * screen. Says so when no cluster is configured.
 */
export function ClusterPanel({ sweepId, title = 'Cluster' }: { sweepId?: string; title?: string }) {
  const { status, error } = useClusterStatus();
  if (!status) return error ? <ErrorBox message={error} testId="cluster-error" /> : null;
  if (!status.configured) {
    return (
      <section className="panel col" data-testid="cluster-panel" data-configured="false">
        <h3 style={{ margin: 0 }}>{title}</h3>
        <span className="muted">No cluster configured: sweeps run on this machine's workers (start the app with --cluster redis://:PASSWORD@HOST:PORT to add agents; docs/CLUSTER.md).</span>
      </section>
    );
  }
  return <ConfiguredCluster status={status} title={title} {...(sweepId === undefined ? {} : { sweepId })} />;
}

function ConfiguredCluster({ status, sweepId, title }: { status: Configured; sweepId?: string; title: string }) {
  const q = status.queue;
  const working = sweepId === undefined ? [] : status.agents.filter((a) => a.sweeps.includes(sweepId));
  return (
    <section className="panel col" data-testid="cluster-panel" data-configured="true" data-agents={status.agents.length} data-reachable={status.reachable}>
      <div className="row">
        <h3 style={{ margin: 0 }}>{title}</h3>
        <span className="muted" data-testid="cluster-address">
          {status.address} · this app runs engine {status.engineVersion}
        </span>
        {q && (
          <span className="muted" data-testid="cluster-queue" data-waiting={q.waiting} data-active={q.active}>
            queue: {formatCount(q.waiting)} waiting · {formatCount(q.active)} running · {formatCount(q.delayed)} delayed · {formatCount(q.completed)} finished, not collected · {formatCount(q.failed)} failed
          </span>
        )}
        {sweepId !== undefined && (
          <span className="muted" data-testid="cluster-working">
            {working.length} of {status.agents.length} agents on this sweep
          </span>
        )}
      </div>
      {!status.reachable && <ErrorBox message={`Redis does not answer: ${status.error ?? ''}`} testId="cluster-unreachable" />}
      {status.reachable && status.agents.length === 0 && (
        <span className="muted" data-testid="cluster-no-agents">
          No agent connected: batches wait in the queue until one starts (bws agent --redis URL).
        </span>
      )}
      {status.agents.length > 0 && (
        <table className="grid" data-testid="cluster-agents">
          <thead>
            <tr>
              <th>Agent</th>
              <th>Engine</th>
              <th className="num">Workers</th>
              <th className="num">Variants/s</th>
              <th className="num">Variants done</th>
              <th className="num">Batches running</th>
              {sweepId !== undefined && <th>On this sweep</th>}
            </tr>
          </thead>
          <tbody>
            {status.agents.map((a) => (
              <tr key={a.id} data-testid="cluster-agent" data-id={a.id} data-rate={a.variantsPerSecond}>
                <td>{a.id}</td>
                <td className={a.compatible ? '' : 'bad'}>{a.compatible ? a.engineVersion : `${a.engineVersion} (refuses this app's batches)`}</td>
                <td className="num">{a.workers}</td>
                <td className="num" data-testid="cluster-agent-rate">
                  {formatNumber(a.variantsPerSecond, 1)}
                </td>
                <td className="num">{formatCount(a.variantsDone)}</td>
                <td className="num">{a.activeBatches}</td>
                {sweepId !== undefined && <td>{a.sweeps.includes(sweepId) ? 'yes' : ''}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
