import { useEffect, useMemo, useState } from 'react';
import { useSessionState } from '../../app/use-session-state.js';
import type uPlot from 'uplot';
import { api } from '../../api/client.js';
import { toApiError } from '../../api/api-error.js';
import type { JobInfo, ResultOf } from '../../api/contract.js';
import { useJob } from '../../api/use-job.js';
import { formatCountOf, formatNumber, formatRange } from '../../app/format.js';
import { scheduleProblem, scheduleWindows } from './walk-forward-schedule.js';
import { themeColor, useThemeName } from '../../app/use-theme.js';
import { XRangeGroup } from '../../charts/x-range.js';
import { TIME_SERIES, timeChartOptions } from '../../charts/time-axes.js';
import { UPlotChart } from '../../charts/UPlotChart.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { SweepSetup, type SweepRequest } from './SweepSetup.js';
import { METRIC_LABELS } from './metrics.js';
import { paramNamer } from './param-space.js';
import { gridEdges } from '../../../../core/domain/optimize/grid-edge.js';
import { spaceValues } from './edge-hint.js';
import { reportNote, windowNotes } from './walk-forward-notes.js';
import { pastWalkForwards, reportOf, settingsText, type PastWalkForward, type ShownWalkForward } from './walk-forward-history.js';
import type { WalkForwardReport } from '../../../../core/application/sweeps/contract.js';

// The job result's type lives in the contract; api/contract.ts does not re-export it yet.
type _Started = ResultOf<'walkforward/start'>;

const DAY_MS = 86_400_000;

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isJobIdOrNull = (value: unknown): value is _Started['jobId'] | null => value === null || typeof value === 'string';
const isSpace = (value: unknown): value is SweepRequest['space'] => Array.isArray(value) && value.every((r) => typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string');
const isSourceOrNull = (value: unknown): value is SweepRequest['source'] | null =>
  value === null || (typeof value === 'object' && ((value as { kind?: unknown }).kind === 'template' || (value as { kind?: unknown }).kind === 'spec'));

/** How a walk-forward that did not finish ended, for the note above what it kept. */
function stoppedWord(status: JobInfo['status']): string {
  if (status === 'interrupted') return 'The app stopped during this walk-forward';
  if (status === 'cancelled') return 'Cancelled';
  return 'It failed';
}


/** A walk-forward on screen with the source and ranges its parameters are named and judged by (unknown for one reopened from the list). */
interface OnScreen {
  readonly walkForward: ShownWalkForward;
  readonly source: SweepRequest['source'] | null;
  readonly space: SweepRequest['space'];
}

/** Walk-forward: schedule in days, then the windows table, stitched out-of-sample equity and efficiency. */
export function WalkForwardView({ initialStrategyId }: { initialStrategyId?: string }) {
  // Six windows over a year of data (the demo's): 180 days in-sample, 30 out. The schedule,
  // the job and its report outlive a trip to another tab or screen (the job is read again).
  const [inSampleDays, setInSampleDays] = useSessionState('bws.wf.inSampleDays', '180', isString);
  const [outOfSampleDays, setOutOfSampleDays] = useSessionState('bws.wf.outOfSampleDays', '30', isString);
  const [stepDays, setStepDays] = useSessionState('bws.wf.stepDays', '', isString);
  const [anchored, setAnchored] = useSessionState('bws.wf.anchored', false, isBoolean);
  const [jobId, setJobId] = useSessionState<_Started['jobId'] | null>('bws.wf.jobId', null, isJobIdOrNull);
  const [shown, setShown] = useState<OnScreen | null>(null);
  // The last one shown before a new walk-forward started: kept in view, marked, until the new one has a window.
  const [previous, setPrevious] = useState<OnScreen | null>(null);
  // From the click until the new job's id is known: the previous one is then 'running', not 'kept'.
  const [starting, setStarting] = useState(false);
  // Finished walk-forwards kept with their jobs (the server's job history): reopened from a list.
  const [past, setPast] = useState<PastWalkForward[]>([]);
  // The source the report's parameters belong to: a saved spec's paths are shown in words.
  const [source, setSource] = useSessionState<SweepRequest['source'] | null>('bws.wf.source', null, isSourceOrNull);
  // Its ranges: a chosen value on the edge of one is pointed out.
  const [space, setSpace] = useSessionState<SweepRequest['space']>('bws.wf.space', [], isSpace);
  const [error, setError] = useState<string | null>(null);
  // Said above a report of the windows kept from a walk-forward that did not finish.
  const [note, setNote] = useState<string | null>(null);

  const show = (job: JobInfo, report: WalkForwardReport): void => {
    setShown({ walkForward: { jobId: job.id, report, settings: settingsText(job.title, report) }, source, space });
    setPrevious(null);
  };
  const loadPast = (): void => {
    api()
      .invoke('jobs/list', { kind: 'walkforward' })
      .then((jobs) => setPast(pastWalkForwards(jobs)), () => undefined);
  };
  const finished = (job: JobInfo): void => {
    const report = reportOf(job);
    if (job.status === 'done' && report) show(job, report);
    else {
      setError(job.error ? toApiError(job.error).message : `Walk-forward ${job.status}.`);
      showKept(job);
    }
    loadPast();
  };
  const { job, running, cancel, cancelError, unknown } = useJob(jobId, finished);
  // The windows a running walk-forward has finished (kept with its job after each): shown as they come.
  const live = running && job ? reportOf(job) : null;
  useEffect(() => {
    if (live) setPrevious(null);
  }, [live !== null]);
  // A kept job the server no longer lists: forget it, or the form would wait on it for ever.
  useEffect(() => {
    if (unknown) setJobId(null);
  }, [unknown]);

  /** The windows a walk-forward that did not finish kept with its job (a checkpoint after each one). */
  const showKept = (stopped: JobInfo): void => {
    const kept = reportOf(stopped);
    if (kept) {
      show(stopped, kept);
      setNote(`${stoppedWord(stopped.status)} after ${formatCountOf(kept.windows.length, 'window')} of ${kept.windowsPlanned}: the windows it finished are shown.`);
    } else if (stopped.status === 'interrupted') {
      setNote('The app stopped during the last walk-forward, before its first window finished: nothing was kept.');
    }
  };

  // A walk-forward runs on in the server when the page reloads, and one the app stopped
  // keeps the windows it finished: opening the screen shows the newest of either.
  useEffect(() => {
    let live = true;
    api()
      .invoke('jobs/list', { kind: 'walkforward' })
      .then(
        (jobs) => {
          if (!live) return;
          setPast(pastWalkForwards(jobs));
          const last = jobs.find((j) => j.kind === 'walkforward');
          if (!last) return;
          if (last.status === 'running' || last.status === 'queued') setJobId((current) => current ?? last.id);
          else if (last.status === 'interrupted') showKept(last);
        },
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, []);

  const days = (text: string): number => Math.round(Number(text) * DAY_MS);
  return (
    <div className="col">
      <SweepSetup
        testId="wf-setup"
        submitLabel="Walk forward"
        // Also from its start until the job is first seen (a second click would start another).
        busy={running || (jobId !== null && job === null)}
        initialStrategyId={initialStrategyId}
        windowsOf={(fromTs, toTs) => scheduleWindows(fromTs, toTs, inSampleDays, outOfSampleDays, stepDays, anchored)}
        onSubmit={async (request) => {
          setError(null);
          setNote(null);
          // What was on screen stays, marked previous, until the new walk-forward has a window.
          if (shown) setPrevious(shown);
          setShown(null);
          // Said in words here; the server's schema would answer in milliseconds and paths.
          const problem = scheduleProblem(inSampleDays, outOfSampleDays, stepDays);
          if (problem) throw new Error(problem);
          setStarting(true);
          try {
            const started = await api().invoke('walkforward/start', {
              ...request,
              schedule: { inSampleMs: days(inSampleDays), outOfSampleMs: days(outOfSampleDays), ...(stepDays.trim() ? { stepMs: days(stepDays) } : {}), anchored },
            });
            setSource(request.source);
            setSpace(request.space);
            setJobId(started.jobId);
          } finally {
            setStarting(false);
          }
        }}
      >
        <div className="field">
          <label>In-sample days</label>
          <input style={{ width: 70 }} data-testid="wf-is-days" value={inSampleDays} onChange={(event) => setInSampleDays(event.target.value)} />
        </div>
        <div className="field">
          <label>Out-of-sample days</label>
          <input style={{ width: 70 }} data-testid="wf-oos-days" value={outOfSampleDays} onChange={(event) => setOutOfSampleDays(event.target.value)} />
        </div>
        <div className="field">
          <label>Step days</label>
          <input style={{ width: 70 }} data-testid="wf-step-days" placeholder="= OOS" value={stepDays} onChange={(event) => setStepDays(event.target.value)} />
        </div>
        <label className="row" style={{ gap: 4 }}>
          <input type="checkbox" data-testid="wf-anchored" checked={anchored} onChange={(event) => setAnchored(event.target.checked)} />
          Anchored
        </label>
      </SweepSetup>
      {running && (
        <div className="row">
          <div className="grow">
            <ProgressBar progress={job?.progress} testId="wf-progress" />
          </div>
          <button data-testid="wf-cancel" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      <ErrorBox message={error ?? cancelError} testId="wf-error" />
      {note && (
        <div className="muted" data-testid="wf-kept-note">
          {note}
        </div>
      )}
      {past.length > 0 && (
        <div className="row">
          <label htmlFor="wf-past">Past walk-forwards</label>
          <select
            id="wf-past"
            data-testid="wf-past"
            value=""
            onChange={(event) => {
              const chosen = past.find((p) => p.jobId === event.target.value);
              if (!chosen) return;
              setShown({ walkForward: chosen, source: null, space: [] });
              setPrevious(null);
              setNote(null);
              setError(null);
            }}
          >
            <option value="">Reopen one ({formatCountOf(past.length, 'kept')})…</option>
            {past.map((p) => (
              <option key={p.jobId} value={p.jobId}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {live && job ? (
        <WalkForwardReportView report={live} settings={`${settingsText(job.title, live)} · running`} source={source} space={space} testId="wf-report-running" />
      ) : shown ? (
        <WalkForwardReportView report={shown.walkForward.report} settings={shown.walkForward.settings} source={shown.source} space={shown.space} />
      ) : (
        previous && <WalkForwardReportView report={previous.walkForward.report} settings={previous.walkForward.settings} source={previous.source} space={previous.space} previous={starting || running || (jobId !== null && job === null) ? 'running' : 'kept'} testId="wf-report-previous" />
      )}
    </div>
  );
}

// Each window's in-sample and out-of-sample figures, named as everywhere (METRIC_LABELS).
const KEY_METRICS = (['totalReturnPct', 'sharpe', 'maxDrawdownPct', 'tradeCount'] as const).map((key) => [key, METRIC_LABELS[key]] as const);

function WalkForwardReportView(props: {
  report: WalkForwardReport;
  /** What it ran with, in words. */
  settings: string;
  source: SweepRequest['source'] | null;
  space: SweepRequest['space'];
  /** Shown while a newer walk-forward runs ('running') or after one that kept nothing ('kept'). */
  previous?: 'running' | 'kept';
  /** 'wf-report' for a finished (or kept) walk-forward; the running and previous ones have their own. */
  testId?: string;
}) {
  const { report, settings, source, space, previous, testId = 'wf-report' } = props;
  const nameOf = useMemo(() => (source ? paramNamer(source) : (name: string) => name), [source]);
  const ranges = useMemo(() => spaceValues(space), [space]);
  const note = reportNote(report.windows);
  const theme = useThemeName();
  // The stitched curve zooms and pans (already reduced to 2,000 points: nothing to fetch again).
  const group = useMemo(() => new XRangeGroup(), [report]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const colour = themeColor('--accent');
    return { ...timeChartOptions(), series: [TIME_SERIES, { label: 'OOS equity', stroke: colour, width: 1, fill: `${colour}22`, points: { show: false } }] };
  }, [theme]);
  // Already downsampled by the core (at most 2,000 points): uPlot takes seconds on the x axis.
  const data = useMemo(() => [report.equity.ts.map((t) => t / 1000), report.equity.equity] as uPlot.AlignedData, [report]);
  return (
    <section className="panel col" data-testid={testId}>
      {previous && (
        <div className="warn" data-testid="wf-previous">
          {previous === 'running' ? 'Previous walk-forward, shown until the new one finishes its first window.' : 'Previous walk-forward: the new one kept no window.'}
        </div>
      )}
      <div className="muted" data-testid="wf-settings">
        {settings}
      </div>
      <div className="row">
        <h3 style={{ margin: 0 }}>{previous ? 'Previous walk-forward' : 'Walk-forward'}</h3>
        <span data-testid="wf-efficiency">Efficiency ratio (OOS / IS annualized return): {formatNumber(report.efficiency, 2)}</span>
        <span className="muted">
          OOS return {formatNumber(report.metrics['totalReturnPct'] ?? null)} % · IS annualized {formatNumber(report.inSampleAnnualizedReturnPct)} % · {formatCountOf(report.windows.length, 'window')}
          {report.cancelled ? ' · cancelled' : ''}
        </span>
      </div>
      {note && (
        <div className="warn" data-testid="wf-note">
          {note}
        </div>
      )}
      <UPlotChart options={options} data={data} height={220} testId="wf-equity-chart" group={group} />
      {/* Scrolls sideways rather than clipping its last columns in a narrow window. */}
      <div className="table-scroll">
        <table className="grid" data-testid="wf-windows">
          <thead>
            <tr>
              <th>#</th>
              <th>In-sample</th>
              <th>Out-of-sample</th>
              <th>Chosen parameters</th>
              {KEY_METRICS.map(([key, label]) => (
                <th key={`is-${key}`} className="num">
                  IS {label}
                </th>
              ))}
              {KEY_METRICS.map(([key, label]) => (
                <th key={`oos-${key}`} className="num">
                  OOS {label}
                </th>
              ))}
              <th className="num">Efficiency</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {report.windows.map((w) => (
              <tr key={w.index} data-testid="wf-window">
                <td>{w.index + 1}</td>
                <td>
                  {formatRange(w.inSample.fromTs, w.inSample.toTs)}
                </td>
                <td>
                  {formatRange(w.outOfSample.fromTs, w.outOfSample.toTs)}
                </td>
                <td className={w.bestEligible ? '' : 'muted'} title={w.fallback ? 'Fell back: no variant made the minimum trades in sample' : undefined}>
                  {Object.entries(w.bestParams).map(([k, v]) => `${nameOf(k)}=${v}`).join(', ')}
                  {w.fallback && ' (fell back)'}
                </td>
                {KEY_METRICS.map(([key]) => (
                  <td key={`is-${key}`} className="num">
                    {formatNumber(w.inSampleMetrics[key] ?? null, key === 'tradeCount' ? 0 : 2)}
                  </td>
                ))}
                {KEY_METRICS.map(([key]) => (
                  <td key={`oos-${key}`} className="num">
                    {formatNumber(w.outOfSampleMetrics[key] ?? null, key === 'tradeCount' ? 0 : 2)}
                  </td>
                ))}
                <td className="num">{formatNumber(w.efficiency)}</td>
                <td className="wrap" style={{ minWidth: 260 }} data-testid="wf-window-note">
                  {windowNotes(w, gridEdges(ranges, w.bestParams), nameOf).join(' ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
