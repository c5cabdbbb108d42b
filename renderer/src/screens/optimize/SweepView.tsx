import { useEffect, useMemo, useState } from 'react';
import { gridEdges } from '../../../../core/domain/optimize/grid-edge.js';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { ResultOf } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { formatCount, formatNumber } from '../../app/format.js';
import type { Route } from '../../app/use-route.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ClusterPanel } from '../../components/ClusterPanel.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { Heatmap, type HeatmapData } from './Heatmap.js';
import { METRIC_LABELS, OFFERED_METRICS, type OfferedMetric } from './metrics.js';
import { openVariantRun } from './open-variant.js';
import { edgeHintText } from './edge-hint.js';
import { bestText } from './best-text.js';
import { paramNamer } from './param-space.js';
import { useSweepProgress } from './use-sweep-progress.js';
import { VariantsTable } from './VariantsTable.js';
import { sweepOnText } from './sweep-scope.js';

type SweepDetail = ResultOf<'sweeps/get'>;
/** How often a sweep shown as running is read again, in case the end of its job was missed. */
const RECHECK_RUNNING_MS = 3_000;

/** One sweep: progress with rate and ETA, cancel, heatmap over two chosen parameters, variants table. */
export function SweepView({ sweepId, navigate }: { sweepId: string; navigate: (route: Route) => void }) {
  const detail = useQuery(() => api().invoke('sweeps/get', { sweepId }), [sweepId]);
  const sweep = detail.data;
  if (detail.error) return <ErrorBox message={detail.error} testId="sweep-error" />;
  if (!sweep || sweep.id !== sweepId) return <div className="muted">Loading sweep…</div>;
  // A resumed sweep is followed afresh: its new job's progress, not the stopped one's end.
  return <LoadedSweep key={`${sweep.id}:${sweep.jobId ?? ''}`} sweep={sweep} reload={detail.reload} navigate={navigate} />;
}

function LoadedSweep({ sweep, reload, navigate }: { sweep: SweepDetail; reload: () => void; navigate: (route: Route) => void }) {
  const params = sweep.config.space.map((p) => p.name);
  // Parameters are keyed by name (a template's 'fast' or a spec path) and shown in words.
  const nameOf = useMemo(() => paramNamer(sweep.config.source), [sweep.config.source]);
  const [x, setX] = useState(params[0] ?? '');
  const [y, setY] = useState(params[1] ?? params[0] ?? '');
  const [metric, setMetric] = useState<OfferedMetric | 'objective'>('objective');
  const [map, setMap] = useState<HeatmapData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState<number | null>(null);
  const running = sweep.status === 'running';
  const progress = useSweepProgress(sweep.id, sweep.jobId, { done: sweep.counts.done + sweep.counts.failed, total: sweep.counts.planned });

  // The sweep's record (status, counts, best) once its job ends.
  useEffect(() => {
    if (progress.finished) reload();
  }, [progress.finished]);
  // The end of the job can be missed: it may come between this record's fetch and the
  // subscription (a small sweep ends in milliseconds), or while the socket reconnects.
  // While the view says running, read the record again: once now that the subscription
  // is up, then every few seconds (an indexed read of one row).
  useEffect(() => {
    if (!running || progress.finished) return;
    reload();
    const timer = setInterval(reload, RECHECK_RUNNING_MS);
    return () => clearInterval(timer);
  }, [running, progress.finished]);

  // A heatmap crosses two varied parameters: with one (or the same picked twice) there is
  // nothing to ask for (it used to ask, fail, and say "Loading heatmap…" for ever).
  const heatmapProblem = params.length < 2 ? 'A heatmap crosses two parameters; this sweep varies one: see its variants below.' : x === y ? 'Pick two different parameters for x and y.' : null;
  useEffect(() => {
    if (!x || !y || heatmapProblem) return;
    let live = true;
    api()
      .invoke('sweeps/heatmap', { sweepId: sweep.id, x, y, ...(metric === 'objective' ? {} : { metric }) })
      .then(
        (answer) => live && (setMap(answer), setError(null)),
        (failure: unknown) => live && setError(errorMessage(failure)),
      );
    return () => {
      live = false;
    };
  }, [sweep.id, x, y, metric, progress.version, sweep.status]);

  const open = async (index: number): Promise<void> => {
    setOpening(index);
    setError(null);
    try {
      const runId = await openVariantRun(sweep.id, index);
      navigate({ screen: 'history', id: runId });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setOpening(null);
    }
  };

  const cancel = (): void => {
    if (!sweep.jobId) return;
    api()
      .invoke('jobs/cancel', { id: sweep.jobId })
      .catch((failure: unknown) => setError(errorMessage(failure)));
  };
  // An interrupted (the app stopped) or cancelled sweep goes on with the variants it lacks.
  const [resuming, setResuming] = useState(false);
  const resume = (): void => {
    setResuming(true);
    setError(null);
    api()
      .invoke('sweeps/resume', { sweepId: sweep.id })
      .then(
        () => reload(),
        (failure: unknown) => {
          setError(errorMessage(failure));
          setResuming(false);
        },
      );
  };

  const stillRunning = running && !progress.finished;
  // The server ranks variants that made the minimum trades first: a best that did not means
  // none did. Then the most trades any variant made tells how far off the minimum is.
  const bestIneligible = sweep.best !== null && !sweep.best.eligible;
  const [mostTrades, setMostTrades] = useState<number | null>(null);
  useEffect(() => {
    if (!bestIneligible) return;
    let live = true;
    api()
      .invoke('sweeps/variants', { sweepId: sweep.id, sort: { by: 'metric', name: 'tradeCount' }, order: 'desc', offset: 0, limit: 1 })
      .then(
        (page) => live && setMostTrades(page.items[0]?.metrics?.tradeCount ?? 0),
        () => live && setMostTrades(null),
      );
    return () => {
      live = false;
    };
  }, [sweep.id, bestIneligible, progress.version, sweep.status]);
  const best = sweep.best ? bestText(sweep.best, sweep.objective, mostTrades, nameOf) : null;
  // A best value at the end of its range: the optimum may lie outside what was tried.
  const edgeHint = sweep.best ? edgeHintText(gridEdges(sweep.config.space, sweep.best.params), nameOf) : null;
  const done = Math.max(progress.done, sweep.counts.done + sweep.counts.failed);
  const total = progress.total || sweep.counts.planned;
  // Followed live: the rate seen here; opened after it ended: its whole run's average.
  const elapsedSeconds = sweep.finishedAt === null ? null : (sweep.finishedAt - sweep.createdAt) / 1000;
  const rate = progress.perSecond ?? (elapsedSeconds && elapsedSeconds > 0 ? sweep.counts.done / elapsedSeconds : null);
  return (
    <div className="col" data-testid="sweep-view" data-status={stillRunning ? 'running' : sweep.status}>
      <section className="panel col">
        <div className="row">
          <h2 style={{ margin: 0 }} data-testid="sweep-name">
            {sweep.name}
          </h2>
          <span className="tag" data-testid="sweep-status">
            {stillRunning ? 'running' : sweep.status}
          </span>
          <span className="muted">
            <span data-testid="sweep-on" title={sweep.universe?.symbols.join(', ')}>{sweepOnText(sweep)}</span> {sweep.timeframe} · {sweep.method} · {sweep.objective.direction} {sweep.objective.metric}
            {sweep.objective.minTrades > 0 ? ` (min ${sweep.objective.minTrades} trades)` : ''}
          </span>
          <span className="grow" />
          {!running && (sweep.status === 'interrupted' || sweep.status === 'cancelled') && sweep.counts.done + sweep.counts.failed < sweep.counts.planned && (
            <button data-testid="sweep-resume" disabled={resuming} title="Run the variants it has not run yet; the ones it kept stay" onClick={resume}>
              Resume
            </button>
          )}
          <button data-testid="sweep-cancel" disabled={!stillRunning || !sweep.jobId} onClick={cancel}>
            Cancel
          </button>
        </div>
        <ProgressBar progress={{ done, total, message: `${formatCount(done)} / ${formatCount(total)} variants` }} testId="sweep-progress" />
        <div className="row muted" style={{ fontSize: 12 }}>
          <span data-testid="sweep-rate">{rate === null ? '— variants/s' : `${formatNumber(rate, 1)} variants/s`}</span>
          {stillRunning && <span data-testid="sweep-eta">ETA {progress.etaSeconds === null ? '—' : `${Math.ceil(progress.etaSeconds)} s`}</span>}
          <span>
            rejected by constraints {formatCount(sweep.counts.rejected)} · invalid {formatCount(sweep.counts.invalid)} · failed {formatCount(sweep.counts.failed)}
          </span>
          {best?.eligible && (
            <span data-testid="sweep-best" data-eligible="true">
              {best.text}
            </span>
          )}
        </div>
        {best && !best.eligible && (
          <div className="warn" data-testid="sweep-best" data-eligible="false">
            {best.text}
          </div>
        )}
        <div className="row muted" style={{ fontSize: 12 }} data-testid="sweep-runs-on" data-runs-on={sweep.runsOn ?? 'local'}>
          {sweep.runsOn === null ? "Runs on this machine's sweep workers" : `Runs on the cluster at ${sweep.runsOn}`}
        </div>
        {edgeHint && (
          <div className="warn" data-testid="sweep-edge-hint">
            {edgeHint}
          </div>
        )}
        {sweep.error && <ErrorBox message={sweep.error} />}
      </section>
      {sweep.runsOn !== null && stillRunning && <ClusterPanel sweepId={sweep.id} title="Agents" />}
      <ErrorBox message={error} testId="sweep-open-error" />
      {opening !== null && <span className="muted" data-testid="variant-opening">Opening variant #{opening} as a run…</span>}
      <section className="panel col">
        <div className="row">
          <h3 style={{ margin: 0 }}>Heatmap</h3>
          <label className="muted">x</label>
          <select data-testid="heatmap-x" value={x} onChange={(event) => setX(event.target.value)}>
            {params.map((p) => (
              <option key={p} value={p}>
                {nameOf(p)}
              </option>
            ))}
          </select>
          <label className="muted">y</label>
          <select data-testid="heatmap-y" value={y} onChange={(event) => setY(event.target.value)}>
            {params.map((p) => (
              <option key={p} value={p}>
                {nameOf(p)}
              </option>
            ))}
          </select>
          <label className="muted">colour</label>
          <select data-testid="heatmap-metric" value={metric} onChange={(event) => setMetric(event.target.value as OfferedMetric | 'objective')}>
            <option value="objective">Objective ({sweep.objective.metric})</option>
            {OFFERED_METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m]}
              </option>
            ))}
          </select>
        </div>
        {heatmapProblem ? (
          <div className="muted" data-testid="heatmap-none">
            {heatmapProblem}
          </div>
        ) : map ? (
          <Heatmap map={map} minTrades={sweep.objective.minTrades} nameOf={nameOf} onPick={(index) => void open(index)} />
        ) : (
          <div className="muted">Loading heatmap…</div>
        )}
      </section>
      <VariantsTable sweepId={sweep.id} minTrades={sweep.objective.minTrades} params={params} nameOf={nameOf} version={progress.version} onOpen={(index) => void open(index)} />
    </div>
  );
}
