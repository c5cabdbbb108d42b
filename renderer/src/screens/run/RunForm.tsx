import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage, toApiError } from '../../api/api-error.js';
import { derivableTimeframes } from '../../../../core/domain/market/timeframe.js';
import type { BacktestInterim, BacktestJobResult, JobInfo, StrategySpec, Timeframe } from '../../api/contract.js';
import { sameValue } from '../builder/spec-edit.js';
import { useJob } from '../../api/use-job.js';
import { useQuery } from '../../api/use-query.js';
import { formatCount, formatDate, formatTs, parseDate } from '../../app/format.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { onSingleClick, useSingleFlight } from '../../app/use-single-flight.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import type { ResultsHead } from './RunResults.js';
import { useRememberedSeries } from '../../app/use-remembered-series.js';
import { useStoredState } from '../../app/use-session-state.js';
import { isRunChoice, NO_RUN_CHOICE, runChoiceKey, shownRange, shownTimeframe, type RunChoice } from './run-choice.js';
import { InstrumentPicker } from '../../components/InstrumentPicker.js';
import { SERIES_FOR_UNIVERSE } from '../../components/series-labels.js';

const DAY_MS = 86_400_000;
/** The form settles (typing a date) before the run's data is prepared. */
const PREPARE_AFTER_MS = 300;

/** What the form says of a finished run: its size and where the time went. */
function runStatus({ barCount, computedInAdvance, timings }: BacktestJobResult): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  const bars = `${formatCount(barCount)} bars`;
  // Computed in the background as the form settled: Run only had to save it.
  if (computedInAdvance) return `${bars}; backtest ready before you pressed Run, saved in ${ms(timings.saveMs)}`;
  return `${bars} in ${ms(timings.totalMs)} (engine ${ms(timings.engineMs)}, save ${ms(timings.saveMs)})`;
}

/** '10 instruments tagged demo-basket' or '3 instruments': what a portfolio run trades, for the results' header. */
function universeLabel(universe: { tag: string } | { symbols: readonly string[] }, count: number): string {
  return 'tag' in universe ? `${count} instruments tagged ${universe.tag}` : `${universe.symbols.length} instruments`;
}

/** A run's results as soon as the engine is done (its save still to commit), keyed by its job. */
export interface ComputedRunView extends ResultsHead {
  readonly jobId: string;
}

/**
 * Instrument, timeframe and range; Run (Ctrl+Enter) with a progress bar and Cancel (Esc).
 * `onComputed` gets a run's results before its save commits; `onFinished` when the job
 * ends, with the saved run's id or null (failed, cancelled: nothing saved).
 */
export function RunForm(props: {
  strategyId: string;
  strategyName: string;
  /** The saved spec (undefined while it loads): unsaved edits are a draft that differs from it. */
  savedSpec: StrategySpec | undefined;
  onComputed: (run: ComputedRunView) => void;
  onFinished: (jobId: string, runId: string | null) => void;
  onEdit: () => void;
}) {
  const { strategyId, strategyName, savedSpec, onComputed, onFinished, onEdit } = props;
  const series = useQuery(() => api().invoke('data/listSeries'), []);
  // The builder's unsaved edits (its draft): what the builder shows, so what Run runs unless
  // the saved version is chosen here. Never the saved version silently.
  const draft = useQuery(() => api().invoke('strategies/getDraft', { id: strategyId }), [strategyId]);
  const edits = draft.data && savedSpec && !sameValue(draft.data.draft, savedSpec) ? draft.data : null;
  const [version, setVersion] = useState<'edits' | 'saved'>('edits');
  const runEdits = edits !== null && version === 'edits';
  const [key, setKey] = useRememberedSeries();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const list = series.data ?? [];
  const chosen = list.find((s) => `${s.instrument.symbol}/${s.timeframe}` === key) ?? list[0];
  // Any timeframe the instrument's stored bars give: minute bars resample to every coarser one.
  const timeframes = useMemo(
    () => (chosen ? derivableTimeframes(list.filter((s) => s.instrument.symbol === chosen.instrument.symbol).map((s) => s.timeframe)) : []),
    [list, chosen?.instrument.symbol],
  );
  // The timeframe and range last chosen for this strategy, kept across reloads and restarts.
  const [remembered, setRemembered] = useStoredState<RunChoice>('local', runChoiceKey(strategyId), NO_RUN_CHOICE, isRunChoice);
  const timeframe = shownTimeframe(remembered.timeframe, timeframes, chosen?.timeframe);
  const chosenKey = chosen ? `${chosen.instrument.symbol}/${chosen.timeframe}` : '';

  // One instrument ('one'), every instrument with a tag ('tag:NAME'), or instruments picked one by one ('pick').
  const [scope, setScope] = useState('one');
  const [picked, setPicked] = useState<readonly string[]>([]);
  const tags = [...new Set(list.flatMap((s) => s.tags))].sort();
  const tag = scope.startsWith('tag:') ? scope.slice(4) : null;
  // A universe's series: those of its instruments stored in the chosen series' timeframe.
  const inTimeframe = list.filter((s) => s.timeframe === chosen?.timeframe);
  const members = scope === 'one' ? [] : inTimeframe.filter((s) => (tag !== null ? s.tags.includes(tag) : picked.includes(s.instrument.symbol)));
  const span = scope === 'one' ? (chosen ? [chosen] : []) : members;
  const firstTs = span.length > 0 ? Math.min(...span.map((s) => s.firstTs ?? Number.POSITIVE_INFINITY)) : null;
  const lastTs = span.length > 0 ? Math.max(...span.map((s) => s.lastTs ?? Number.NEGATIVE_INFINITY)) : null;

  // Default range: the one last typed for this series, else the whole series (a universe's: from its first bar to its last).
  useEffect(() => {
    if (firstTs === null || !Number.isFinite(firstTs)) return;
    const whole = { from: formatDate(firstTs), to: lastTs === null || !Number.isFinite(lastTs) ? '' : formatDate(lastTs) };
    const shown = scope === 'one' ? shownRange(remembered.range, chosenKey, whole) : whole;
    setFrom(shown.from);
    setTo(shown.to);
  }, [firstTs, lastTs, chosen?.instrument.symbol, chosen?.timeframe]);
  // A typed date is remembered with its series (a universe's range is not: the scope is not kept).
  const typeRange = (patch: { from: string } | { to: string }): void => {
    const next = { from, to, ...patch };
    setFrom(next.from);
    setTo(next.to);
    if (scope === 'one' && chosenKey) setRemembered((now) => ({ ...now, range: { series: chosenKey, ...next } }));
  };

  // What a Run now would run: the "to" day is included.
  const fromDay = parseDate(from);
  const toDay = parseDate(to);
  // Said next to the dates, before a run (the server's answer was "no bars in the range").
  const rangeError = fromDay !== undefined && toDay !== undefined && fromDay > toDay ? `From (${from}) is after To (${to}): pick a From on or before the To day.` : null;
  // Run waits for the draft's answer: before it, whether there are edits to run is unknown.
  const range = { fromTs: fromDay, toTs: toDay === undefined ? undefined : toDay + DAY_MS };
  // A tag none of whose instruments has bars in the chosen series' timeframe: said here, not run into the server's "no bars".
  const scopeError =
    tag !== null && chosen && members.length === 0
      ? `No instrument tagged ${tag} has ${chosen.timeframe} bars: choose one of their series under “${SERIES_FOR_UNIVERSE}”.`
      : null;
  const universe = tag !== null ? (members.length > 0 ? { tag } : null) : scope === 'pick' && members.length > 0 ? { symbols: members.map((s) => s.instrument.symbol) } : null;
  const target =
    chosen && timeframe && !rangeError && (draft.data !== undefined || draft.error !== null)
      ? scope === 'one'
        ? { strategyId, ...(runEdits ? { spec: edits.draft } : {}), symbol: chosen.instrument.symbol, timeframe, ...range }
        : universe
          ? { strategyId, ...(runEdits ? { spec: edits.draft } : {}), universe, timeframe, ...range }
          : null
      : null;
  const targetKey = JSON.stringify(target);

  // Have a worker compute the run of this choice while the user is still looking at the
  // form (bars, indicators, run hash, the engine's result): Run then only saves it. Best
  // effort; Run works without it, and a different run still finds the bars and indicators.
  // A Run before the timer fires computes it itself: the timer is dropped then, or the
  // worker would compute the same run again and hold its result for nobody.
  const prepareTimer = useRef(0);
  useEffect(() => {
    // A portfolio streams its bars through the engine: nothing to compute ahead.
    if (!target || 'universe' in target) return;
    prepareTimer.current = window.setTimeout(() => {
      api()
        .invoke('backtest/prepare', target)
        .catch(() => undefined);
    }, PREPARE_AFTER_MS);
    return () => clearTimeout(prepareTimer.current);
  }, [targetKey]);

  // What was run, for the results' header (the form may change while it runs).
  const [started, setStarted] = useState<{ name: string; target: NonNullable<typeof target> } | null>(null);
  const computed = (job: JobInfo): void => {
    if (!started) return;
    const interim = job.interim as BacktestInterim;
    const { timeframe, fromTs, toTs } = started.target;
    const symbol = 'symbol' in started.target ? started.target.symbol : universeLabel(started.target.universe, members.length);
    performance.mark('run-computed');
    onComputed({ jobId: job.id, name: started.name, symbol, timeframe, fromTs: fromTs ?? null, toTs: toTs ?? null, ...(started.target.spec ? { unsavedEdits: true } : {}), ...interim });
  };
  const finished = (job: JobInfo): void => {
    const result = job.status === 'done' ? (job.result as BacktestJobResult | undefined) : undefined;
    onFinished(job.id, result?.runId ?? null);
    if (result) setStatus(runStatus(result));
    else if (job.status === 'cancelled') setStatus('Run cancelled.');
    else setError(job.error ? toApiError(job.error).message : `Run ${job.status}.`);
  };
  const { job, running, cancel, cancelError } = useJob(jobId, finished, computed);
  // From the click until the new job is seen: a second click (a double click) in between
  // would start a second run. The flight covers the start call, `awaitingJob` (which also
  // disables Run) the wait for the job's first state after it.
  const flight = useSingleFlight();
  const [awaitingJob, setAwaitingJob] = useState(false);
  useEffect(() => {
    if (job !== null) setAwaitingJob(false);
  }, [job]);

  const start = (): Promise<void> =>
    flight.run(async () => {
      if (!target || running || awaitingJob) return;
      clearTimeout(prepareTimer.current);
      setAwaitingJob(true);
      setError(null);
      setStatus(null);
      try {
        performance.mark('run-start');
        // The user waits on it: ahead of sweeps and batch runs.
        const job = await api().invoke('backtest/start', { ...target, priority: 'interactive' });
        setStarted({ name: target.spec ? (edits?.draft.name ?? strategyName) : strategyName, target });
        setJobId(job.jobId);
      } catch (failure) {
        setAwaitingJob(false);
        setError(errorMessage(failure));
      }
    });
  useShortcut('Mod+Enter', () => void start());
  useShortcut('Escape', cancel, running);

  return (
    <section className="panel col" data-testid="run-form">
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <div className="field">
          <label>Strategy</label>
          <div className="row">
            <strong data-testid="run-strategy" className="ellipsis" title={strategyName} style={{ maxWidth: 360 }}>
              {strategyName}
            </strong>
            <button className="link" onClick={onEdit}>
              edit
            </button>
          </div>
        </div>
        {edits && (
          <div className="field">
            <label htmlFor="run-version">Version</label>
            <select id="run-version" data-testid="run-version" value={version} aria-describedby="run-version-note" onChange={(event) => setVersion(event.target.value as 'edits' | 'saved')}>
              <option value="edits">Unsaved edits (as the builder shows, {formatTs(edits.savedAt)})</option>
              <option value="saved">Saved version</option>
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="run-scope">Trade</label>
          <select id="run-scope" data-testid="run-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
            <option value="one">One instrument</option>
            {tags.map((t) => (
              <option key={t} value={`tag:${t}`}>
                Every instrument tagged {t} ({inTimeframe.filter((s) => s.tags.includes(t)).length} in {timeframe})
              </option>
            ))}
            <option value="pick">Instruments I pick</option>
          </select>
        </div>
        <div className="field">
          {/* For a universe this list picks a series only for its timeframe: the instruments stored in it are traded. */}
          <label htmlFor="run-series" title={scope === 'one' ? undefined : "The universe's instruments are those stored in this series' timeframe"}>
            {scope === 'one' ? 'Instrument and timeframe' : SERIES_FOR_UNIVERSE}
          </label>
          <select id="run-series" data-testid="run-series" value={chosen ? `${chosen.instrument.symbol}/${chosen.timeframe}` : ''} onChange={(event) => {
              setKey(event.target.value);
              // Another series: its stored timeframe, as chosen in this list.
              setRemembered((now) => ({ ...now, timeframe: null }));
            }}
          >
            {list.map((s) => (
              <option key={`${s.instrument.symbol}/${s.timeframe}`} value={`${s.instrument.symbol}/${s.timeframe}`}>
                {s.instrument.symbol} {s.timeframe} ({formatCount(s.barCount)} bars)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="run-timeframe">Timeframe</label>
          <select
            id="run-timeframe"
            data-testid="run-timeframe"
            value={timeframe ?? ''}
            title={chosen?.timeframe === '1m' ? 'Coarser timeframes are resampled from the stored 1-minute bars.' : undefined}
            onChange={(event) => setRemembered((now) => ({ ...now, timeframe: event.target.value as Timeframe }))}
          >
            {timeframes.map((tf) => (
              <option key={tf} value={tf}>
                {tf === chosen?.timeframe ? `${tf} (stored)` : tf}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="run-from">From (UTC)</label>
          <input id="run-from" type="date" data-testid="run-from" value={from} onChange={(event) => typeRange({ from: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="run-to">To (UTC, included)</label>
          <input id="run-to" type="date" data-testid="run-to" value={to} onChange={(event) => typeRange({ to: event.target.value })} />
        </div>
        {/* One unit: when the row wraps, Run and Cancel move together (Cancel wrapped alone onto a second row at 1280 px). */}
        <div className="row" style={{ flexWrap: 'nowrap' }}>
          <button className="primary" data-testid="run-start" disabled={!target || running || awaitingJob} title="Ctrl+Enter" onClick={onSingleClick(start)}>
            Run
          </button>
          <button data-testid="run-cancel" disabled={!running} title="Esc" onClick={cancel}>
            Cancel
          </button>
        </div>
      </div>
      {scope === 'pick' && (
        <InstrumentPicker
          testId="run-universe"
          legend={`One account trades the instruments picked (${members.length} of ${inTimeframe.length} with ${timeframe} bars)`}
          symbols={inTimeframe.map((s) => s.instrument.symbol)}
          picked={picked}
          setPicked={setPicked}
        />
      )}
      {/* One slot of fixed height for progress and status: the results below never move when a run starts or ends. */}
      <div style={{ height: 30 }}>
        {running ? (
          <ProgressBar progress={job?.progress} testId="run-progress" />
        ) : rangeError ? (
          <span className="bad" data-testid="run-range-error">
            {rangeError}
          </span>
        ) : scopeError ? (
          <span className="bad" data-testid="run-scope-error">
            {scopeError}
          </span>
        ) : (
          status && (
            <span className="muted" data-testid="run-status">
              {status}
            </span>
          )
        )}
      </div>
      {series.data && list.length === 0 && <span className="muted">No data yet: import bars on the Data screen first.</span>}
      <ErrorBox message={error ?? cancelError ?? series.error ?? draft.error} testId="run-error" />
    </section>
  );
}
