import { useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { RunInfo } from '../../api/contract.js';
import { downloadText } from './download.js';
import { loadAllTrades, loadFullEquity } from './load-run-export.js';
import { equityCsv, htmlReport, instrumentsCsv, tradesCsv } from './report.js';

const slug = (text: string): string => text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'run';

/** Export a run: trades CSV, equity CSV, a portfolio run's instruments CSV, self-contained HTML report. */
export function ExportButtons({ run }: { run: RunInfo }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `${slug(run.name)}-${run.hash.slice(0, 8)}`;

  const exporting = (label: string, work: () => Promise<void>) => async () => {
    setBusy(label);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(null);
    }
  };

  return (
    <span className="row" data-testid="export-buttons">
      <button data-testid="export-trades" disabled={busy !== null} onClick={exporting('trades', async () => downloadText(`${base}-trades.csv`, tradesCsv(await loadAllTrades(run.id), run.universe ? null : (run.extras.openPosition ?? null)), 'text/csv'))}>
        Trades CSV
      </button>
      <button
        data-testid="export-equity"
        disabled={busy !== null}
        onClick={exporting('equity', async () => downloadText(`${base}-equity.csv`, equityCsv(await loadFullEquity(run.id, run.fromTs, run.toTs)), 'text/csv'))}
      >
        Equity CSV
      </button>
      {run.universe && (
        <button
          data-testid="export-instruments"
          title="Each instrument's trades, win rate, contribution, exposure, PnL and fees"
          disabled={busy !== null}
          onClick={exporting('instruments', async () => {
            const { figures } = await api().invoke('runs/instruments', { id: run.id, maxPoints: 2 });
            downloadText(`${base}-instruments.csv`, instrumentsCsv(figures), 'text/csv');
          })}
        >
          Instruments CSV
        </button>
      )}
      <button
        data-testid="export-report"
        disabled={busy !== null}
        onClick={exporting('report', async () => {
          const [trades, equity, portfolio] = await Promise.all([
            loadAllTrades(run.id),
            api().invoke('runs/equity', { id: run.id, maxPoints: 2000 }),
            run.universe ? api().invoke('runs/instruments', { id: run.id, maxPoints: 1000 }) : Promise.resolve(null),
          ]);
          downloadText(`${base}-report.html`, htmlReport(run, equity, trades, { generatedAt: new Date() }, portfolio), 'text/html');
        })}
      >
        HTML report
      </button>
      {busy && <span className="muted">Exporting {busy}…</span>}
      {error && <span className="bad">{error}</span>}
    </span>
  );
}
