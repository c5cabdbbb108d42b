import { useState } from 'react';
import { api } from '../../api/client.js';
import { ApiError, errorMessage } from '../../api/api-error.js';
import type { SeriesSummary } from '../../api/contract.js';
import { useDataChanged } from '../../api/use-data-changed.js';
import { useQuery } from '../../api/use-query.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { formatCount, formatCountOf, formatQuantity, formatTs } from '../../app/format.js';
import { closuresText } from './closures-text.js';
import type { SeriesKey } from './SeriesTable.js';

const MAX_GAPS_SHOWN = 200;

/**
 * Coverage of one series: its range, bar count and the gaps in it; export to a file. A
 * series downloaded from an exchange (`source`) can fill a gap by downloading its range.
 */
export function CoveragePanel({
  series,
  source,
  onDownloadStarted,
}: {
  series: SeriesKey;
  source: SeriesSummary['instrument']['source'];
  onDownloadStarted: (jobId: string) => void;
}) {
  const coverage = useQuery(() => api().invoke('data/coverage', { symbol: series.symbol, timeframe: series.timeframe }), [series.symbol, series.timeframe]);
  // A download or import stored bars of this series: show the new coverage.
  useDataChanged('series', coverage.reload);
  const [gapError, setGapError] = useState<string | null>(null);
  const [exportPath, setExportPath] = useState('');
  const [exportNote, setExportNote] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  // A path typed in web mode that names an existing file: replaced only once the user says so.
  const [replacing, setReplacing] = useState<{ typed: string; absolute: string } | null>(null);
  const client = api();
  // Web mode writes only into the folders the server was started with (--files DIR).
  const info = useQuery(() => api().invoke('system/info'), []);
  const folders = info.data?.fileFolders ?? [];

  // Electron: a save dialog (which asks before replacing a file), then the core writes the
  // file. Web mode: the browser downloads it (streamed by the server), or the core writes it
  // to a path on this machine if one is given, asking here before it replaces a file.
  const runExport = async (replace: { typed: string } | null = null): Promise<void> => {
    setExportNote(null);
    setExportError(null);
    setReplacing(null);
    let path = replace?.typed ?? exportPath.trim();
    let overwrite = replace !== null;
    try {
      if (client.mode === 'electron') {
        const picked = await client.invoke('dialog/saveFile', { defaultName: `${series.symbol}-${series.timeframe}.csv`, filters: [{ name: 'CSV', extensions: ['csv'] }] });
        if (!picked.path) return;
        path = picked.path;
        overwrite = true;
      } else if (!path) {
        client.downloadBars({ symbol: series.symbol, timeframe: series.timeframe });
        setExportNote(`Downloading ${series.symbol}-${series.timeframe}.csv`);
        return;
      }
      const result = await client.invoke('data/export', { symbol: series.symbol, timeframe: series.timeframe, path, overwrite });
      const base = result.relativeTo === undefined ? '' : ` (a relative path is taken from ${result.relativeTo})`;
      setExportNote(`Wrote ${formatCount(result.rows)} bars to ${result.path}${base}`);
    } catch (error) {
      const existing = error instanceof ApiError && error.type === 'ConflictError' ? (error.details as { path?: unknown } | undefined)?.path : undefined;
      if (typeof existing === 'string') setReplacing({ typed: path, absolute: existing });
      else setExportError(errorMessage(error));
    }
  };

  // A gap's range, downloaded whole from the exchange the series came from: [after its last bar, its next bar).
  const fillGap = (gap: { afterTs: number; beforeTs: number }): void => {
    if (!source) return;
    setGapError(null);
    client
      .invoke('data/download', {
        exchange: source.exchange,
        market: source.market,
        timeframe: series.timeframe,
        fromTs: gap.afterTs + 1,
        toTs: gap.beforeTs,
        symbol: series.symbol,
        wholeRange: true,
      })
      .then(({ jobId }) => onDownloadStarted(jobId), (error: unknown) => setGapError(errorMessage(error)));
  };

  const gaps = coverage.data?.gaps ?? [];
  return (
    <section className="panel" data-testid="coverage-panel">
      <h2>
        {series.symbol} {series.timeframe}
      </h2>
      <ErrorBox message={coverage.error} />
      {coverage.data && (
        <div className="col">
          <div className="row">
            <span>
              {formatTs(coverage.data.firstTs)} → {formatTs(coverage.data.lastTs)}
            </span>
            <span className="muted">{formatCountOf(coverage.data.barCount, 'bar')}</span>
            <span className="muted" title="Fills are rounded to the price tick, order sizes down to the quantity step">
              price tick <span data-testid="price-tick">{formatQuantity(coverage.data.priceTick)}</span> · quantity step{' '}
              <span data-testid="quantity-step">{formatQuantity(coverage.data.quantityStep)}</span>
            </span>
            <span className={gaps.length ? 'bad' : 'good'} data-testid="gap-count">
              {gaps.length === 0 ? 'No gaps' : formatCountOf(gaps.length, 'gap')}
            </span>
            {coverage.data.weekendClosures + coverage.data.sessionClosures > 0 && (
              <span
                className="muted"
                data-testid="market-closures"
                title="Holes over a weekend (plus at most a day of session edges or a holiday beside it) in a series with no Saturday trading, and holes in the hours an intraday series never trades (nights, a daily break): the market was closed, no data is missing."
              >
                {closuresText(coverage.data.weekendClosures, coverage.data.sessionClosures)} (market closed, not gaps)
              </span>
            )}
          </div>
          {gaps.length > 0 && (
            <div style={{ maxHeight: 200, overflow: 'auto' }}>
              <table className="grid">
                <thead>
                  <tr>
                    <th>After</th>
                    <th>Before</th>
                    <th className="num">Missing bars</th>
                    {source && <th />}
                  </tr>
                </thead>
                <tbody>
                  {gaps.slice(0, MAX_GAPS_SHOWN).map((gap) => (
                    <tr key={gap.afterTs} data-testid="gap-row">
                      <td>{formatTs(gap.afterTs)}</td>
                      <td>{formatTs(gap.beforeTs)}</td>
                      <td className="num">{formatCount(gap.missingBars)}</td>
                      {source && (
                        <td>
                          <button className="link" data-testid="gap-download" title={`Download this range from ${source.exchange} ${source.market}`} onClick={() => fillGap(gap)}>
                            Download
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              {gaps.length > MAX_GAPS_SHOWN && <div className="muted">and {formatCount(gaps.length - MAX_GAPS_SHOWN)} more</div>}
            </div>
          )}
          <ErrorBox message={gapError} testId="gap-download-error" />
          <div className="row">
            {client.mode === 'web' && folders.length > 0 && (
              <input
                className="grow"
                style={{ maxWidth: 420 }}
                placeholder={`A file in ${folders.join(', ')} (empty: download)`}
                title={`Empty: the browser downloads the CSV. A path (absolute, or relative to ${folders[0]}) in a folder the server was started with (--files): the file is written there.`}
                aria-label="Export path"
                data-testid="export-path"
                value={exportPath}
                onChange={(event) => {
                  setExportPath(event.target.value);
                  setReplacing(null);
                }}
              />
            )}
            {client.mode === 'web' && info.data && folders.length === 0 && (
              <span className="muted" data-testid="export-folders-hint" title="The page reaches only what it uploads and downloads, and the folders named when the server starts.">
                To export into a folder on this machine, start the server with bws serve --files DIR
              </span>
            )}
            <button data-testid="export-bars" onClick={() => void runExport()} disabled={replacing !== null}>
              {client.mode === 'web' && !exportPath.trim() ? 'Download CSV' : 'Export CSV'}
            </button>
            {exportNote && <span className="good" data-testid="export-done">{exportNote}</span>}
          </div>
          {replacing && (
            <div className="row" data-testid="export-confirm">
              <span className="bad">{replacing.absolute} already exists. Replace it?</span>
              <button data-testid="export-replace" onClick={() => void runExport({ typed: replacing.typed })}>
                Replace
              </button>
              <button data-testid="export-keep" onClick={() => setReplacing(null)}>
                Keep it
              </button>
            </div>
          )}
          <ErrorBox message={exportError} testId="export-error" />
        </div>
      )}
    </section>
  );
}

