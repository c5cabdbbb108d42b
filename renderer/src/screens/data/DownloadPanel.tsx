import { useEffect, useState } from 'react';
import { TIMEFRAMES } from '../../../../core/domain/market/timeframe.js';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { DownloadJobResult, JobInfo, Timeframe } from '../../api/contract.js';
import { useJob } from '../../api/use-job.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { downloadOutcomeText, downloadProgressText, parseDay } from './download-outcome.js';

/** Exchanges offered in the field's list; any other exchange the library knows may be typed. */
const EXCHANGES = ['binance', 'upbit', 'okx', 'bybit', 'kraken', 'coinbase', 'bitget', 'kucoin', 'gate', 'bithumb'];

/**
 * Download candles from an exchange into an instrument: a job with progress, time left and
 * cancel. A second download of the same range continues where the first stopped (the core
 * fetches only what is not stored); the Update buttons and a gap's Download start jobs of
 * the same kind, followed here (`jobId` belongs to the Data screen).
 */
export function DownloadPanel({ jobId, onStarted, onStored }: { jobId: string | null; onStarted: (jobId: string) => void; onStored: () => void }) {
  const client = api();
  const [exchange, setExchange] = useState('binance');
  const [market, setMarket] = useState('BTC/USDT');
  const [timeframe, setTimeframe] = useState<Timeframe>('1m');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [storeAs, setStoreAs] = useState('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ text: string; good: boolean } | null>(null);

  const onFinished = (job: JobInfo): void => {
    // Whole slices may have been stored whatever the outcome.
    onStored();
    if (job.status === 'done') setOutcome({ text: downloadOutcomeText(job.result as DownloadJobResult), good: true });
    else if (job.status === 'cancelled') setOutcome({ text: job.error?.message ?? 'Download cancelled.', good: false });
    else setError(job.error?.message ?? `Download ${job.status}.`);
  };
  const { job, running, cancel, cancelError } = useJob(jobId, onFinished);

  // A download keeps running on the server when the page reloads: follow it again.
  useEffect(() => {
    let live = true;
    client.invoke('jobs/list').then(
      (jobs) => {
        const downloading = jobs.find((j) => j.kind === 'download' && (j.status === 'running' || j.status === 'queued'));
        if (live && downloading && jobId === null) onStarted(downloading.id);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  // A job started elsewhere on the screen (Update, a gap) replaces the last outcome.
  useEffect(() => {
    setError(null);
    setOutcome(null);
  }, [jobId]);

  const start = async (): Promise<void> => {
    setError(null);
    setOutcome(null);
    const fromTs = parseDay(from);
    const toTs = parseDay(to);
    if (fromTs === undefined || fromTs === null) return setError('From: a date (YYYY-MM-DD, UTC) is needed.');
    if (toTs === null) return setError('To: a date (YYYY-MM-DD, UTC), or empty for now.');
    if (toTs !== undefined && toTs <= fromTs) return setError('To must be after From.');
    setStarting(true);
    try {
      const { jobId: id } = await client.invoke('data/download', {
        exchange: exchange.trim(),
        market: market.trim(),
        timeframe,
        fromTs,
        ...(toTs === undefined ? {} : { toTs }),
        ...(storeAs.trim() === '' ? {} : { symbol: storeAs.trim() }),
      });
      onStarted(id);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setStarting(false);
    }
  };

  return (
    <section className="panel" data-testid="download-panel">
      <h2>Download from an exchange</h2>
      <div className="col">
        <div className="row">
          <div className="field">
            <label htmlFor="download-exchange">Exchange</label>
            <input id="download-exchange" data-testid="download-exchange" list="download-exchanges" value={exchange} onChange={(event) => setExchange(event.target.value)} size={10} />
            <datalist id="download-exchanges">
              {EXCHANGES.map((id) => (
                <option key={id} value={id} />
              ))}
            </datalist>
          </div>
          <div className="field">
            <label htmlFor="download-market">Market</label>
            <input id="download-market" data-testid="download-market" value={market} onChange={(event) => setMarket(event.target.value)} placeholder="BTC/USDT" size={12} />
          </div>
          <div className="field">
            <label htmlFor="download-timeframe">Timeframe</label>
            <select id="download-timeframe" data-testid="download-timeframe" value={timeframe} onChange={(event) => setTimeframe(event.target.value as Timeframe)}>
              {TIMEFRAMES.map((tf) => (
                <option key={tf}>{tf}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="download-from">From (UTC)</label>
            <input id="download-from" data-testid="download-from" type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="download-to" title="Excluded; empty: up to now (the candle still forming is left for a later update)">
              To (UTC, excl.)
            </label>
            <input id="download-to" data-testid="download-to" type="date" value={to} onChange={(event) => setTo(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="download-as" title="The instrument to store into; empty: the market's name">
              Store as
            </label>
            <input id="download-as" data-testid="download-as" value={storeAs} onChange={(event) => setStoreAs(event.target.value)} placeholder={market.trim() || 'BASE/QUOTE'} size={12} />
          </div>
          <button className="primary" data-testid="download-start" disabled={starting || running || !exchange.trim() || !market.trim()} onClick={() => void start()} style={{ alignSelf: 'flex-end' }}>
            Download
          </button>
          {running && (
            <button data-testid="download-cancel" onClick={cancel} style={{ alignSelf: 'flex-end' }} title="Stops after the slice in hand is stored; download again to continue">
              Cancel
            </button>
          )}
        </div>
        <div className="muted" style={{ fontSize: 12 }}>
          A download stores closed candles only and fetches only what is not stored yet: run it again to continue a stopped one. Cancel keeps what was stored, in whole slices.
        </div>
        {job && (running || job.status === 'done') && (
          <div className="col" style={{ gap: 2 }}>
            <div className="muted" data-testid="download-running">
              {job.title}
            </div>
            <ProgressBar progress={job.progress} label={downloadProgressText(job.progress)} testId="download-progress" />
          </div>
        )}
        {outcome && (
          <div className={outcome.good ? 'good' : undefined} data-testid="download-done">
            {outcome.text}
          </div>
        )}
        <ErrorBox message={error ?? cancelError} testId="download-error" />
      </div>
    </section>
  );
}
