import { useState } from 'react';
import { api } from '../../api/client.js';
import { useDataChanged } from '../../api/use-data-changed.js';
import { useQuery } from '../../api/use-query.js';
import { formatCount, formatCountOf, formatNumber, formatRange, formatTs } from '../../app/format.js';
import { variantParamsLabel } from '../../app/spec-summary.js';
import type { Route } from '../../app/use-route.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { errorMessage } from '../../api/api-error.js';
import { onSingleClick, useSingleFlight } from '../../app/use-single-flight.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { RunResults } from '../run/RunResults.js';
import { CompareView } from './CompareView.js';
import { runInstruments, runLabel, runName } from './run-label.js';

const PAGE = 200;

/** History: past runs with their hash; open one, or tick two to four and compare them. */
export function HistoryScreen({ runId, navigate }: { runId: string | undefined; navigate: (route: Route) => void }) {
  if (runId) {
    return (
      <div className="col">
        <div className="row">
          <button data-testid="history-back" onClick={() => navigate({ screen: 'history' })}>
            ← All runs
          </button>
        </div>
        <RunResults runId={runId} />
      </div>
    );
  }
  return <RunsList navigate={navigate} />;
}

/** How many of the runs a delete would remove its confirmation names. */
const NAMED_IN_CONFIRM = 5;

/**
 * The runs table; mounted only while shown, so new runs elsewhere cost it nothing meanwhile.
 * Its ticks go with it: opening a run (or comparing) ends that selection, so runs ticked
 * for an earlier compare are not deleted along with the one ticked next.
 */
function RunsList({ navigate }: { navigate: (route: Route) => void }) {
  const runs = useQuery(() => api().invoke('runs/list', { limit: PAGE }), []);
  const [picked, setPicked] = useState<string[]>([]);
  // The runs being compared: taken from the ticks, which are then cleared.
  const [compared, setCompared] = useState<readonly string[] | null>(null);
  useDataChanged('runs', runs.reload);

  const items = runs.data?.items ?? [];
  const toggle = (id: string): void => setPicked((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id]));
  const canCompare = picked.length >= 2 && picked.length <= 4;
  const compare = (): void => {
    setCompared(picked);
    setPicked([]);
    setConfirming(false);
  };
  const [confirming, setConfirming] = useState(false);
  // Escape answers Keep, as the Data screen's delete confirmation does.
  useShortcut('Escape', () => setConfirming(false), confirming);
  // What the confirmation names: the first few of the ticked runs listed here.
  const named = picked.flatMap((id) => items.filter((run) => run.id === id)).slice(0, NAMED_IN_CONFIRM);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const flight = useSingleFlight();
  // Deleting is for good (trades and equity go with the run), so it asks first.
  const deletePicked = () =>
    flight.run(async () => {
      setDeleteError(null);
      const deleted: string[] = [];
      try {
        for (const id of picked) {
          await api().invoke('runs/delete', { id });
          deleted.push(id);
        }
      } catch (failure) {
        setDeleteError(errorMessage(failure));
      } finally {
        setPicked((current) => current.filter((id) => !deleted.includes(id)));
        setConfirming(false);
        setCompared((now) => (now?.some((id) => deleted.includes(id)) ? null : now));
      }
    });
  return (
    <div className="col">
      <div className="row panel">
        <h2 style={{ margin: 0 }}>Runs</h2>
        <span className="muted">{runs.data ? formatCountOf(runs.data.total, 'run') : ''}</span>
        <span className="grow" />
        <span className="muted">{picked.length} selected</span>
        <button data-testid="delete-runs" disabled={picked.length === 0 || confirming} onClick={() => setConfirming(true)}>
          Delete
        </button>
        <button className="primary" data-testid="compare-runs" disabled={!canCompare} title="Compare takes 2 to 4 runs" onClick={compare}>
          Compare
        </button>
      </div>
      {confirming && (
        <div className="panel col" role="alertdialog" aria-label="Delete runs" data-testid="delete-confirm" style={{ gap: 6 }}>
          <span>
            Delete {formatCountOf(picked.length, 'run')} with {picked.length === 1 ? 'its' : 'their'} trades and equity? This cannot be undone.
          </span>
          <ul className="delete-runs-list" data-testid="delete-confirm-runs">
            {named.map((run) => (
              <li key={run.id}>
                {runLabel(run)} <span className="muted">(run {formatTs(run.createdAt)})</span>
              </li>
            ))}
            {picked.length > named.length && <li className="muted">and {formatCountOf(picked.length - named.length, 'more run')}</li>}
          </ul>
          <div className="row">
            <button className="danger" data-testid="delete-runs-confirm" disabled={flight.pending} onClick={onSingleClick(deletePicked)}>
              Delete
            </button>
            <button data-testid="delete-runs-keep" title="Esc" autoFocus onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        </div>
      )}
      <ErrorBox message={runs.error ?? deleteError} />
      {compared && <CompareView runIds={compared} onClose={() => setCompared(null)} />}
      {runs.data && items.length === 0 ? (
        <EmptyState title="No runs yet" testId="history-empty">
          Run a strategy on Run &amp; Results first: every run is kept here to open, compare and export.
        </EmptyState>
      ) : (
        // Scrolls sideways in a narrow window instead of cutting off the Open buttons.
        <div className="panel table-scroll">
          <table className="grid" data-testid="runs-table">
            <thead>
              <tr>
                <th />
                <th>When (UTC)</th>
                <th>Strategy</th>
                <th>Data</th>
                <th>Range</th>
                <th className="num">Trades</th>
                <th className="num">Return %</th>
                <th className="num">Max DD %</th>
                <th>Hash</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((run) => (
                <tr key={run.id} data-testid="run-row" data-run-id={run.id}>
                  <td>
                    <input type="checkbox" aria-label={`Select run ${runName(run)}`} data-testid="run-pick" checked={picked.includes(run.id)} onChange={() => toggle(run.id)} />
                  </td>
                  <td>{formatTs(run.createdAt)}</td>
                  {/* Name and data wrap: a long name, its re-run line or a universe widened the table past a 1024 px window. */}
                  <td className="wrap">
                    {run.name}
                    {run.sweepVariant && (
                      // A sweep's variants share name, data and range: their parameters tell them apart.
                      <div className="muted" data-testid="run-variant" title={`Variant #${run.sweepVariant.index} of ${run.sweepVariant.sweepName}`}>
                        {variantParamsLabel(run.sweepVariant)}
                      </div>
                    )}
                    {run.repeatOf && (
                      // The same hash: same data, spec and engine, so the same results as that run.
                      <div className="muted" data-testid="run-repeat" title={`Same hash as the run of ${formatTs(run.repeatOf.createdAt)} UTC: identical inputs, identical results`}>
                        re-run of{' '}
                        <button className="link" data-testid="run-repeat-open" onClick={() => navigate({ screen: 'history', id: run.repeatOf!.id })}>
                          {formatTs(run.repeatOf.createdAt)}
                        </button>
                        , same results
                      </div>
                    )}
                  </td>
                  <td className="wrap" title={run.universe?.symbols.join(', ')}>
                    {runInstruments(run)} {run.timeframe}
                  </td>
                  <td className="muted wrap">{formatRange(run.fromTs, run.toTs)}</td>
                  <td className="num">{formatCount(run.tradeCount)}</td>
                  <td className="num">{formatNumber(run.metrics.totalReturnPct ?? null)}</td>
                  <td className="num">{formatNumber(run.metrics.maxDrawdownPct ?? null)}</td>
                  <td>
                    <code title={run.hash}>{run.hash.slice(0, 12)}</code>
                  </td>
                  <td>
                    <button data-testid="run-open" onClick={() => navigate({ screen: 'history', id: run.id })}>
                      Open
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
