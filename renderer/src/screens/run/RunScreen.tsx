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
  // The latest run of this visit: shown from its computed results, then as the saved run.
  // It belongs to its strategy: another strategy's route does not show it (it did, under the other's form).
  const [shown, setShown] = useState<ShownRun | null>(null);
  const current = shown !== null && shown.strategyId === strategyId ? shown : null;
  const computed = (preview: ComputedRunView): void => setShown({ strategyId: strategyId!, jobId: preview.jobId, preview, runId: null, notSaved: false });
  const finished = (jobId: string, runId: string | null): void =>
    setShown((now) => {
      // A job that failed after its results showed: keep them, say they were not saved.
      if (runId === null) return now?.jobId === jobId ? { ...now, notSaved: true } : now;
      return now?.jobId === jobId ? { ...now, runId } : { strategyId: strategyId!, jobId, preview: null, runId, notSaved: false };
    });
  const strategy = useQuery(() => (strategyId ? api().invoke('strategies/get', { id: strategyId }) : Promise.resolve(null)), [strategyId]);
  // The strategy's latest stored run: shown while nothing was run on this visit, so a link
  // to the strategy's Run screen (#/run/<id>) opens its latest results.
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
      {current ? (
        <RunResults key={current.jobId} runId={current.runId} preview={current.preview} notSaved={current.notSaved} />
      ) : last && last.strategyId === strategyId ? (
        <>
          <div className="muted" data-testid="run-last">
            Last run: {runInstruments(last)} {last.timeframe} · {formatRange(last.fromTs, last.toTs)} · saved {formatTs(last.createdAt)} UTC
          </div>
          <RunResults key={`stored:${last.id}`} runId={last.id} />
        </>
      ) : lastRun.data === undefined && lastRun.error === null ? (
        <div className="muted" style={{ minHeight: 400 }}>Loading results…</div>
      ) : (
        <EmptyState title="No results yet" testId="run-no-results">
          Choose the data and press Run (Ctrl+Enter).
        </EmptyState>
      )}
    </div>
  );
}

/** The run the screen shows from this visit, of one strategy. */
interface ShownRun {
  readonly strategyId: string;
  readonly jobId: string;
  readonly preview: ComputedRunView | null;
  readonly runId: string | null;
  readonly notSaved: boolean;
}
