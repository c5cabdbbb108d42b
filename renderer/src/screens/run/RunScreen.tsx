import { useState } from 'react';
import { api } from '../../api/client.js';
import type { Route } from '../../app/use-route.js';
import { useQuery } from '../../api/use-query.js';
import { formatRange, formatTs } from '../../app/format.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { MissingStrategy } from '../../components/MissingStrategy.js';
import { strategyMissing } from '../../api/strategy-missing.js';
import { RunForm, type ComputedRunView } from './RunForm.js';
import { RunResults } from './RunResults.js';
import { runInstruments } from '../history/run-label.js';

/** Run & results: choose the data, run with progress and cancel, then the results of that run. */
export function RunScreen({ strategyId, navigate }: { strategyId: string | undefined; navigate: (route: Route) => void }) {
  // The latest run: shown from its computed results, then as the saved run.
  const [shown, setShown] = useState<{ jobId: string; preview: ComputedRunView | null; runId: string | null; notSaved: boolean } | null>(null);
  const computed = (preview: ComputedRunView): void => setShown({ jobId: preview.jobId, preview, runId: null, notSaved: false });
  const finished = (jobId: string, runId: string | null): void =>
    setShown((now) => {
      // A job that failed after its results showed: keep them, say they were not saved.
      if (runId === null) return now?.jobId === jobId ? { ...now, notSaved: true } : now;
      return now?.jobId === jobId ? { ...now, runId } : { jobId, preview: null, runId, notSaved: false };
    });
  const strategy = useQuery(() => (strategyId ? api().invoke('strategies/get', { id: strategyId }) : Promise.resolve(null)), [strategyId]);
  // The strategy's latest stored run, offered (not shown) while nothing was run on this visit.
  const lastRun = useQuery(() => (strategyId ? api().invoke('runs/list', { strategyId, limit: 1 }) : Promise.resolve(null)), [strategyId]);
  const last = lastRun.data?.items[0];
  const missing = strategyMissing(strategy.failure);

  if (!strategyId) {
    return (
      <EmptyState title="No strategy chosen" testId="run-empty">
        <div style={{ marginBottom: 8 }}>Pick a strategy to run on your data, or first make one from a template on Strategies.</div>
        <button className="primary" onClick={() => navigate({ screen: 'strategies' })}>
          Pick a strategy to run
        </button>
      </EmptyState>
    );
  }
  // A deleted (or unknown) strategy cannot be run: no form, no Run button, the way back instead.
  if (missing) return <MissingStrategy id={strategyId} missing={missing} navigate={navigate} onRestored={strategy.reload} />;
  return (
    <div className="col" style={{ overflow: 'auto', minHeight: 0 }}>
      <ErrorBox message={strategy.error} />
      <RunForm key={strategyId} strategyId={strategyId} strategyName={strategy.data?.name ?? '…'} savedSpec={strategy.data?.spec} onComputed={computed} onFinished={finished} onEdit={() => navigate({ screen: 'builder', id: strategyId })} />
      {shown ? (
        <RunResults key={shown.jobId} runId={shown.runId} preview={shown.preview} notSaved={shown.notSaved} />
      ) : (
        <EmptyState title="No results yet" testId="run-no-results">
          Choose the data and press Run (Ctrl+Enter).
          {last && (
            <div className="row" style={{ justifyContent: 'center', marginTop: 8 }} data-testid="run-last">
              <span className="muted">
                Last run: {runInstruments(last)} {last.timeframe} · {formatRange(last.fromTs, last.toTs)} · saved {formatTs(last.createdAt)}
              </span>
              <button data-testid="run-last-show" onClick={() => setShown({ jobId: `stored:${last.id}`, preview: null, runId: last.id, notSaved: false })}>
                Show it
              </button>
            </div>
          )}
        </EmptyState>
      )}
    </div>
  );
}
