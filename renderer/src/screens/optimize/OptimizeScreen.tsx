import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import { useQuery } from '../../api/use-query.js';
import { formatCount, formatTs } from '../../app/format.js';
import type { Route } from '../../app/use-route.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { MonteCarloView } from './MonteCarloView.js';
import { SweepSetup } from './SweepSetup.js';
import { SweepView } from './SweepView.js';
import { WalkForwardView } from './WalkForwardView.js';
import { throttle } from '../../app/throttle.js';
import { useSessionState } from '../../app/use-session-state.js';
import { sweepOnText } from './sweep-scope.js';

type Tab = 'sweep' | 'walkforward' | 'montecarlo';
const isTab = (value: unknown): value is Tab => value === 'sweep' || value === 'walkforward' || value === 'montecarlo';

/**
 * What the route id means here: a sweep to show, `strategy:ID` to preselect a saved
 * strategy (the "Sweep" entry of the Strategies screen), or `run:ID` for Monte Carlo on a run.
 */
export function parseOptimizeId(id: string | undefined): { sweepId?: string; strategyId?: string; runId?: string } {
  if (!id) return {};
  if (id.startsWith('strategy:')) return { strategyId: id.slice('strategy:'.length) };
  if (id.startsWith('run:')) return { runId: id.slice('run:'.length) };
  return { sweepId: id };
}

/** Optimize: sweeps (setup, past sweeps, heatmap and variants), walk-forward, Monte Carlo. */
export function OptimizeScreen({ id, navigate }: { id: string | undefined; navigate: (route: Route) => void }) {
  const { sweepId, strategyId, runId } = parseOptimizeId(id);
  // The tab open last stays open across screens (a run's Monte Carlo link opens its own).
  const [tab, setTab] = useSessionState<Tab>('bws.optimize.tab', runId ? 'montecarlo' : 'sweep', isTab);
  const [starting, setStarting] = useState(false);
  const sweeps = useQuery(() => api().invoke('sweeps/list', { limit: 100 }), []);
  const [listError, setListError] = useState<string | null>(null);
  // The past sweep last opened from the list: the form takes its settings (a new object each time).
  const [load, setLoad] = useState<{ sweepId: string } | null>(null);

  useEffect(() => {
    const client = api();
    const offChanged = client.on('data/changed', ({ kind }) => kind === 'sweeps' && sweeps.reload());
    const offStarted = client.on('sweep/started', () => sweeps.reload());
    const offFinished = client.on('job/finished', ({ job }) => job.kind === 'sweep' && sweeps.reload());
    // Counts of a running sweep in the list: at most one reload a second.
    const variantsReload = throttle(sweeps.reload, 1_000);
    const offVariants = client.on('sweep/variants', () => variantsReload.call());
    return () => {
      offVariants();
      variantsReload.cancel();
      offChanged();
      offStarted();
      offFinished();
    };
  }, [sweeps.reload]);
  useEffect(() => {
    if (runId) setTab('montecarlo');
  }, [runId]);
  // Preselecting a strategy (its Sweep button) is for a sweep.
  useEffect(() => {
    if (strategyId && tab === 'montecarlo') setTab('sweep');
  }, [strategyId]);

  const remove = async (target: string): Promise<void> => {
    setListError(null);
    try {
      await api().invoke('sweeps/delete', { sweepId: target });
      if (target === sweepId) navigate({ screen: 'optimize' });
      sweeps.reload();
    } catch (failure) {
      setListError(errorMessage(failure));
    }
  };

  return (
    <div className="col" style={{ overflow: 'auto', minHeight: 0 }} data-testid="optimize">
      <div className="row" role="tablist">
        {(
          [
            ['sweep', 'Sweep'],
            ['walkforward', 'Walk-forward'],
            ['montecarlo', 'Monte Carlo'],
          ] as const
        ).map(([key, label]) => (
          <button key={key} role="tab" aria-selected={tab === key} className={tab === key ? 'primary' : ''} data-testid={`opt-tab-${key}`} onClick={() => setTab(key)}>
            {label}
          </button>
        ))}
      </div>
      {tab === 'sweep' && (
        <>
          <SweepSetup
            testId="sweep-setup"
            submitLabel="Start sweep"
            busy={starting}
            initialStrategyId={strategyId}
            load={load}
            onSubmit={async (request) => {
              setStarting(true);
              try {
                const started = await api().invoke('sweeps/start', request);
                navigate({ screen: 'optimize', id: started.sweepId });
              } finally {
                setStarting(false);
              }
            }}
          />
          <div className="opt-layout">
            <section className="panel col" data-testid="sweeps-list">
              <h3 style={{ margin: 0 }}>Past sweeps</h3>
              <ErrorBox message={sweeps.error ?? listError} />
              {sweeps.data?.items.length === 0 && <span className="muted">No sweeps yet: the first one you start is listed here.</span>}
              {(sweeps.data?.items ?? []).map((s) => (
                <div key={s.id} className={`sweep-item${s.id === sweepId ? ' selected' : ''}`} data-testid="sweep-item" data-id={s.id}>
                  <button className="link" data-testid="sweep-open" onClick={() => {
                      setLoad({ sweepId: s.id });
                      navigate({ screen: 'optimize', id: s.id });
                    }}>
                    {s.name}
                  </button>
                  <span className="muted" style={{ fontSize: 12 }}>
                    {formatTs(s.createdAt)} · {sweepOnText(s)} {s.timeframe} · {s.method} · {s.status} · {formatCount(s.counts.done)}/{formatCount(s.counts.planned)}
                    {s.runsOn !== null && ' · cluster'}
                  </span>
                  <button className="link" data-testid="sweep-delete" aria-label={`Delete sweep ${s.name}`} onClick={() => void remove(s.id)}>
                    delete
                  </button>
                </div>
              ))}
            </section>
            <div className="col" style={{ minWidth: 0 }}>
              {sweepId ? <SweepView sweepId={sweepId} navigate={navigate} /> : <div className="muted" data-testid="sweep-none">Pick a strategy and the ranges of its parameters above, then Start sweep; or open a past sweep.</div>}
            </div>
          </div>
        </>
      )}
      {tab === 'walkforward' && <WalkForwardView initialStrategyId={strategyId} />}
      {tab === 'montecarlo' && <MonteCarloView initialRunId={runId} />}
    </div>
  );
}
