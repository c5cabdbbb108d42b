import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage, toApiError } from '../../api/api-error.js';
import type { JobInfo } from '../../api/contract.js';
import { useJob } from '../../api/use-job.js';
import { useQuery } from '../../api/use-query.js';
import { formatDate, parseDate } from '../../app/format.js';
import { useShortcut } from '../../app/use-shortcut.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ProgressBar } from '../../components/ProgressBar.js';

const DAY_MS = 86_400_000;
/** The form settles (typing a date) before the run's data is prepared. */
const PREPARE_AFTER_MS = 300;

/** Instrument, timeframe and range; Run (Ctrl+Enter) with a progress bar and Cancel (Esc). */
export function RunForm(props: { strategyId: string; strategyName: string; onFinished: (runId: string) => void; onEdit: () => void }) {
  const { strategyId, strategyName, onFinished, onEdit } = props;
  const series = useQuery(() => api().invoke('data/listSeries'), []);
  const [key, setKey] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const list = series.data ?? [];
  const chosen = list.find((s) => `${s.instrument.symbol}/${s.timeframe}` === key) ?? list[0];

  // Default range: the whole series.
  useEffect(() => {
    if (!chosen) return;
    setFrom(formatDate(chosen.firstTs));
    setTo(chosen.lastTs === null ? '' : formatDate(chosen.lastTs));
  }, [chosen?.instrument.symbol, chosen?.timeframe]);

  // What a Run now would run: the "to" day is included.
  const toDay = parseDate(to);
  const target = chosen
    ? { strategyId, symbol: chosen.instrument.symbol, timeframe: chosen.timeframe, fromTs: parseDate(from), toTs: toDay === undefined ? undefined : toDay + DAY_MS }
    : null;
  const targetKey = JSON.stringify(target);

  // Have a worker read the bars, indicators and run hash of this choice while the user is
  // still looking at the form: Run then only runs the engine and saves (a year of minutes:
  // ~100 ms less for the first run of a spec). Best effort; Run works without it.
  useEffect(() => {
    if (!target) return;
    const timer = window.setTimeout(() => {
      api()
        .invoke('backtest/prepare', target)
        .catch(() => undefined);
    }, PREPARE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [targetKey]);

  const finished = (job: JobInfo): void => {
    const runId = (job.result as { runId?: string } | undefined)?.runId;
    if (job.status === 'done' && runId) {
      setStatus(null);
      performance.mark('run-finished');
      onFinished(runId);
    } else if (job.status === 'cancelled') setStatus('Run cancelled.');
    else setError(job.error ? toApiError(job.error).message : `Run ${job.status}.`);
  };
  const { job, running, cancel, cancelError } = useJob(jobId, finished);

  const start = async (): Promise<void> => {
    if (!target || running) return;
    setError(null);
    setStatus(null);
    try {
      performance.mark('run-start');
      // The user waits on it: ahead of sweeps and batch runs.
      const started = await api().invoke('backtest/start', { ...target, priority: 'interactive' });
      setJobId(started.jobId);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };
  useShortcut('Mod+Enter', () => void start());
  useShortcut('Escape', cancel, running);

  return (
    <section className="panel col" data-testid="run-form">
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <div className="field">
          <label>Strategy</label>
          <div className="row">
            <strong data-testid="run-strategy">{strategyName}</strong>
            <button className="link" onClick={onEdit}>
              edit
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor="run-series">Instrument and timeframe</label>
          <select id="run-series" data-testid="run-series" value={chosen ? `${chosen.instrument.symbol}/${chosen.timeframe}` : ''} onChange={(event) => setKey(event.target.value)}>
            {list.map((s) => (
              <option key={`${s.instrument.symbol}/${s.timeframe}`} value={`${s.instrument.symbol}/${s.timeframe}`}>
                {s.instrument.symbol} {s.timeframe} ({s.barCount.toLocaleString()} bars)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="run-from">From (UTC)</label>
          <input id="run-from" type="date" data-testid="run-from" value={from} onChange={(event) => setFrom(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="run-to">To (UTC, included)</label>
          <input id="run-to" type="date" data-testid="run-to" value={to} onChange={(event) => setTo(event.target.value)} />
        </div>
        <button className="primary" data-testid="run-start" disabled={!chosen || running} title="Ctrl+Enter" onClick={() => void start()}>
          Run
        </button>
        <button data-testid="run-cancel" disabled={!running} title="Esc" onClick={cancel}>
          Cancel
        </button>
      </div>
      <div style={{ minHeight: 30 }}>{running && <ProgressBar progress={job?.progress} testId="run-progress" />}</div>
      {status && <span className="muted" data-testid="run-status">{status}</span>}
      {series.data && list.length === 0 && <span className="muted">No data yet: import bars on the Data screen first.</span>}
      <ErrorBox message={error ?? cancelError ?? series.error} testId="run-error" />
    </section>
  );
}
