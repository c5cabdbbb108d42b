import { useState } from 'react';
import { api } from '../../api/client.js';
import type { Route } from '../../app/use-route.js';
import { useQuery } from '../../api/use-query.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { RunForm } from './RunForm.js';
import { RunResults } from './RunResults.js';

/** Run & results: choose the data, run with progress and cancel, then the results of that run. */
export function RunScreen({ strategyId, navigate }: { strategyId: string | undefined; navigate: (route: Route) => void }) {
  const [runId, setRunId] = useState<string | null>(null);
  const strategy = useQuery(() => (strategyId ? api().invoke('strategies/get', { id: strategyId }) : Promise.resolve(null)), [strategyId]);

  if (!strategyId) {
    return (
      <EmptyState title="No strategy chosen" testId="run-empty">
        <button className="primary" onClick={() => navigate({ screen: 'strategies' })}>
          Pick a strategy to run
        </button>
      </EmptyState>
    );
  }
  return (
    <div className="col" style={{ overflow: 'auto', minHeight: 0 }}>
      <ErrorBox message={strategy.error} />
      <RunForm key={strategyId} strategyId={strategyId} strategyName={strategy.data?.name ?? '…'} onFinished={setRunId} onEdit={() => navigate({ screen: 'builder', id: strategyId })} />
      {runId ? <RunResults key={runId} runId={runId} /> : <EmptyState title="No results yet">Choose the data and press Run (Ctrl+Enter).</EmptyState>}
    </div>
  );
}
