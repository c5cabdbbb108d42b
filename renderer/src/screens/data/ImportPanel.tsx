import { useEffect, useRef, useState, type DragEvent } from 'react';
import { TIMEFRAMES } from '../../../../core/domain/market/timeframe.js';
import { api } from '../../api/client.js';
import { errorMessage, rowErrorsOf, toApiError, type RowErrorView } from '../../api/api-error.js';
import type { ImportJobResult, JobInfo, Timeframe } from '../../api/contract.js';
import { useJob } from '../../api/use-job.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { ImportErrors } from './ImportErrors.js';
import { importOutcomeText, importProgressText, parsePriceTick } from './import-outcome.js';

/** Picks the symbol out of a file name like "BTCUSD_1m.csv" or "es-5m-2024.csv". */
const symbolFromFileName = (name: string): string => (name.replace(/\.[^.]+$/, '').split(/[-_ .]/)[0] ?? '').toUpperCase().slice(0, 32);

type Source = { kind: 'file'; file: File } | { kind: 'path'; path: string };

/** The user's name of a picked file. */
const nameOf = (source: Source): string => (source.kind === 'file' ? source.file.name : (source.path.split(/[\\/]/).pop() ?? ''));

/** Import a CSV of bars: file picker (and drag and drop in web mode), progress, cancel, line errors. */
export function ImportPanel({ onImported }: { onImported: () => void }) {
  const client = api();
  const [source, setSource] = useState<Source | null>(null);
  const [symbol, setSymbol] = useState('');
  // True once the user typed a symbol: a newly picked file then keeps it; else the symbol follows the file.
  const [symbolTyped, setSymbolTyped] = useState(false);
  const [timeframe, setTimeframe] = useState<Timeframe | 'auto'>('auto');
  // Empty is 'auto': a new instrument takes the finest decimal of the file's prices, a stored one keeps its tick.
  const [priceTick, setPriceTick] = useState('');
  // Off by default: a file with bad rows is refused whole, with its line errors.
  const [skipBadRows, setSkipBadRows] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<readonly RowErrorView[]>([]);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<readonly string[]>([]);
  const [dragOver, setDragOver] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const onFinished = (job: JobInfo): void => {
    if (job.status === 'done') {
      const report = job.result as ImportJobResult;
      setOutcome(importOutcomeText(report));
      setWarnings(report.warnings ?? []);
      // The rows left out, listed like a refused file's (line numbers).
      setRowErrors(report.skipped ?? []);
      onImported();
    } else if (job.status === 'cancelled') {
      setOutcome('Import cancelled; nothing was written.');
    } else if (job.error) {
      const apiError = toApiError(job.error);
      setError(apiError.message);
      setRowErrors(rowErrorsOf(apiError));
    } else {
      setError(`Import ${job.status}.`);
    }
  };
  const { job, running, cancel, cancelError } = useJob(jobId, onFinished);

  // An import keeps running on the server when the page reloads: follow it again.
  useEffect(() => {
    let live = true;
    client.invoke('jobs/list').then(
      (jobs) => {
        const importing = jobs.find((j) => j.kind === 'import' && (j.status === 'running' || j.status === 'queued'));
        if (live && importing) setJobId((current) => current ?? importing.id);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const choose = (picked: Source): void => {
    setSource(picked);
    setError(null);
    setRowErrors([]);
    setOutcome(null);
    setWarnings([]);
    if (!symbolTyped) setSymbol(symbolFromFileName(nameOf(picked)));
  };

  const pickNative = async (): Promise<void> => {
    try {
      const picked = await client.invoke('dialog/openFile', { title: 'Import bars', filters: [{ name: 'CSV', extensions: ['csv', 'txt'] }] });
      if (picked.path) choose({ kind: 'path', path: picked.path });
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };

  const start = async (): Promise<void> => {
    if (!source) return;
    setError(null);
    setRowErrors([]);
    setOutcome(null);
    setWarnings([]);
    const tick = parsePriceTick(priceTick);
    if (tick.error !== undefined) {
      setError(tick.error);
      return;
    }
    setStarting(true);
    try {
      const path = source.kind === 'file' ? await client.upload(source.file) : source.path;
      const { jobId: id } = await client.invoke('data/import', {
        path,
        fileName: nameOf(source),
        symbol: symbol.trim(),
        timeframe,
        ...(tick.tick === undefined ? {} : { priceTick: tick.tick }),
        ...(skipBadRows ? { skipBadRows } : {}),
      });
      setJobId(id);
    } catch (failure) {
      setError(errorMessage(failure));
      setRowErrors(rowErrorsOf(failure));
    } finally {
      setStarting(false);
    }
  };

  const onDrop = (event: DragEvent): void => {
    event.preventDefault();
    setDragOver(false);
    const file = event.dataTransfer.files[0];
    if (file) choose({ kind: 'file', file });
  };

  const sourceName = source ? (source.kind === 'file' ? source.file.name : source.path) : null;
  return (
    <section className="panel" data-testid="import-panel">
      <h2>Import bars</h2>
      <div className="col">
        {client.mode === 'web' ? (
          <div
            className={`dropzone ${dragOver ? 'over' : ''}`}
            data-testid="dropzone"
            onDragOver={(event) => {
              event.preventDefault();
              setDragOver(true);
            }}
            onDragLeave={() => setDragOver(false)}
            onDrop={onDrop}
          >
            Drop a CSV here (ts, open, high, low, close, volume) or{' '}
            <button className="link" onClick={() => fileInput.current?.click()}>
              choose a file
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".csv,.txt,text/csv"
              hidden
              data-testid="import-file"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) choose({ kind: 'file', file });
                event.target.value = '';
              }}
            />
            {sourceName && <div style={{ marginTop: 6, color: 'var(--text)' }} data-testid="import-file-name">{sourceName}</div>}
          </div>
        ) : (
          <div className="row">
            <button onClick={() => void pickNative()}>Choose file…</button>
            <span className="muted">{sourceName ?? 'No file chosen'}</span>
          </div>
        )}
        <div className="row">
          <div className="field">
            <label htmlFor="import-symbol">Symbol</label>
            <input
              id="import-symbol"
              data-testid="import-symbol"
              value={symbol}
              onChange={(event) => {
                setSymbol(event.target.value);
                setSymbolTyped(event.target.value.trim() !== '');
              }}
              placeholder="BTCUSD"
            />
          </div>
          <div className="field">
            <label htmlFor="import-timeframe">Timeframe</label>
            <select id="import-timeframe" data-testid="import-timeframe" value={timeframe} onChange={(event) => setTimeframe(event.target.value as Timeframe | 'auto')}>
              <option value="auto">Auto (from the file)</option>
              {TIMEFRAMES.map((tf) => (
                <option key={tf}>{tf}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="import-price-tick">Price tick</label>
            <input
              id="import-price-tick"
              data-testid="import-price-tick"
              value={priceTick}
              onChange={(event) => setPriceTick(event.target.value)}
              placeholder="auto"
              size={10}
              title="Smallest price step; fills are rounded to it. Auto: a new instrument takes the finest decimal of the file's prices, a stored one keeps its tick."
            />
          </div>
          <label className="row" style={{ alignSelf: 'flex-end', gap: 4 }} title="Import the good rows and list the bad ones, instead of refusing the whole file">
            <input type="checkbox" data-testid="import-skip-bad" checked={skipBadRows} onChange={(event) => setSkipBadRows(event.target.checked)} />
            Skip bad rows
          </label>
          <button className="primary" data-testid="import-start" disabled={!source || !symbol.trim() || starting || running} onClick={() => void start()} style={{ alignSelf: 'flex-end' }}>
            {starting ? 'Uploading…' : 'Import'}
          </button>
          {running && (
            <button data-testid="import-cancel" onClick={cancel} style={{ alignSelf: 'flex-end' }}>
              Cancel
            </button>
          )}
        </div>
        {running && job && (
          <div className="muted" data-testid="import-running">
            {job.title}
          </div>
        )}
        <div style={{ minHeight: 30 }}>
          {(running || job?.status === 'done') && (
            <ProgressBar
              progress={job?.progress}
              label={importProgressText(job?.status === 'done' ? (job.result as ImportJobResult | undefined)?.rowsRead : job?.progress.items)}
              testId="import-progress"
            />
          )}
        </div>
        {outcome && <div className="good" data-testid="import-done">{outcome}</div>}
        {warnings.map((warning) => (
          <div className="bad" data-testid="import-warning" key={warning}>
            {warning}
          </div>
        ))}
        <ErrorBox message={error ?? cancelError} testId="import-error" />
        <ImportErrors rows={rowErrors} />
      </div>
    </section>
  );
}
