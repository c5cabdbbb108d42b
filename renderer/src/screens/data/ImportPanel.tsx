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

/** Picked files: uploads in web mode, paths from the native dialog. Several are one import (archives of consecutive months). */
type Source = { kind: 'files'; files: readonly File[] } | { kind: 'paths'; paths: readonly string[] };

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? '';
/** The user's names of the picked files. */
const namesOf = (source: Source): string[] => (source.kind === 'files' ? source.files.map((file) => file.name) : source.paths.map(baseName));
/** The pick as shown under the drop zone. */
const describe = (source: Source): string => {
  const names = namesOf(source);
  return names.length === 1 ? (names[0] ?? '') : `${names.length} files: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
};

/**
 * Import bars: a CSV, or zip archives of CSVs (an exchange's kline archives; several files
 * are one import, read in date order). File picker (and drag and drop in web mode),
 * progress, cancel, line errors.
 */
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
    if (!symbolTyped) setSymbol(symbolFromFileName(namesOf(picked)[0] ?? ''));
  };

  const pickNative = async (): Promise<void> => {
    try {
      const picked = await client.invoke('dialog/openFile', {
        title: 'Import bars',
        multiple: true,
        filters: [{ name: 'Bars (CSV, zip archives)', extensions: ['csv', 'txt', 'zip'] }],
      });
      if (picked.paths.length > 0) choose({ kind: 'paths', paths: picked.paths });
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
      const names = namesOf(source);
      // Uploaded one after another: each is a file in the server's uploads folder.
      const paths: string[] = [];
      if (source.kind === 'files') for (const file of source.files) paths.push(await client.upload(file));
      else paths.push(...source.paths);
      const [only] = paths;
      const files =
        paths.length === 1 && only !== undefined
          ? { path: only, fileName: names[0] ?? baseName(only) }
          : { files: paths.map((path, i) => ({ path, name: names[i] ?? baseName(path) })) };
      const { jobId: id } = await client.invoke('data/import', {
        ...files,
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
    const files = [...event.dataTransfer.files];
    if (files.length > 0) choose({ kind: 'files', files });
  };

  const sourceName = source ? describe(source) : null;
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
            Drop a CSV here (ts, open, high, low, close, volume), or exchange kline archives (.zip, several at once), or{' '}
            <button className="link" onClick={() => fileInput.current?.click()}>
              choose files
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".csv,.txt,.zip,text/csv,application/zip"
              multiple
              hidden
              data-testid="import-file"
              onChange={(event) => {
                const files = [...(event.target.files ?? [])];
                if (files.length > 0) choose({ kind: 'files', files });
                event.target.value = '';
              }}
            />
            {sourceName && <div style={{ marginTop: 6, color: 'var(--text)' }} data-testid="import-file-name">{sourceName}</div>}
          </div>
        ) : (
          <div className="row">
            <button onClick={() => void pickNative()}>Choose files…</button>
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
