import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import { errorMessage } from '../../api/api-error.js';
import type { ResultOf } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { formatCount, formatNumber, formatTs } from '../../app/format.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { runLabel } from '../history/run-label.js';

type MonteCarloReport = ResultOf<'montecarlo/run'>;
type Distribution = MonteCarloReport['finalEquity'];

/** Monte Carlo on a stored run's trades: pick the run, simulations, seed, method; percentiles and histograms. */
export function MonteCarloView({ initialRunId }: { initialRunId?: string }) {
  const runs = useQuery(() => api().invoke('runs/list', { limit: 200 }), []);
  const [runId, setRunId] = useState(initialRunId ?? '');
  const [simulations, setSimulations] = useState('1000');
  const [seed, setSeed] = useState('1');
  const [method, setMethod] = useState<'bootstrap' | 'shuffle'>('bootstrap');
  const [report, setReport] = useState<MonteCarloReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Newest run by default.
  useEffect(() => {
    if (!runId && runs.data?.items[0]) setRunId(runs.data.items[0].id);
  }, [runs.data]);

  const run = async (): Promise<void> => {
    if (!runId) return;
    setBusy(true);
    setError(null);
    try {
      setReport(await api().invoke('montecarlo/run', { runId, simulations: Number(simulations), seed: Number(seed), method }));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="col">
      <section className="panel row" style={{ alignItems: 'flex-end' }} data-testid="mc-setup">
        <div className="field">
          <label>Run</label>
          <select data-testid="mc-run" value={runId} onChange={(event) => setRunId(event.target.value)}>
            {(runs.data?.items ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {formatTs(r.createdAt)} · {runLabel(r)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label>Simulations</label>
          <input style={{ width: 80 }} data-testid="mc-simulations" value={simulations} onChange={(event) => setSimulations(event.target.value)} />
        </div>
        <div className="field">
          <label>Seed</label>
          <input style={{ width: 70 }} data-testid="mc-seed" value={seed} onChange={(event) => setSeed(event.target.value)} />
        </div>
        <div className="field">
          <label>Method</label>
          <select data-testid="mc-method" value={method} onChange={(event) => setMethod(event.target.value as 'bootstrap' | 'shuffle')}>
            <option value="bootstrap">Bootstrap (with replacement)</option>
            <option value="shuffle">Shuffle (reorder)</option>
          </select>
        </div>
        <button className="primary" data-testid="mc-start" disabled={!runId || busy} onClick={() => void run()}>
          {busy ? 'Simulating…' : 'Simulate'}
        </button>
      </section>
      {runs.data && runs.data.items.length === 0 && <span className="muted">No runs yet: run a backtest or open a sweep variant first.</span>}
      <ErrorBox message={error ?? runs.error} testId="mc-error" />
      {report && (
        <section className="panel col" data-testid="mc-report">
          <div className="row">
            <h3 style={{ margin: 0 }}>Monte Carlo</h3>
            <span className="muted" data-testid="mc-summary">
              {formatCount(report.simulations)} simulations ({report.method}, seed {report.seed}) resampling the run's {formatCount(report.trades)} closed trades · the closed
              trades in the run's own order, compounded like the simulations: final equity {formatNumber(report.original.finalEquity)}, max DD{' '}
              {formatNumber(report.original.maxDrawdownPct)} %{' '}
              <span title="Drawdowns here are measured on the equity after each closed trade, as the simulations are; the run's metrics measure every bar, open positions marked to market, so their max drawdown is usually deeper.">
                (on closed trades)
              </span>
            </span>
            <span data-testid="mc-loss">P(loss) {formatNumber(report.probabilityOfLossPct, 1)} %</span>
          </div>
          {report.openPositionPnl !== null && (
            <div className="muted" data-testid="mc-open-note">
              Closed trades only: the position still open at the end of the data (unrealized {formatNumber(report.openPositionPnl)}) is not resampled, so no
              simulation includes it. The run itself ended at {formatNumber(report.runFinalEquity)} with it.
            </div>
          )}
          <table className="grid" data-testid="mc-percentiles">
            <thead>
              <tr>
                <th />
                {['Min', 'P5', 'P25', 'P50', 'P75', 'P95', 'Max', 'Mean'].map((label) => (
                  <th key={label} className="num">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <PercentileRow label="Final equity" testId="mc-row-equity" d={report.finalEquity} />
              <PercentileRow label="Max drawdown % (closed trades)" testId="mc-row-drawdown" d={report.maxDrawdownPct} />
            </tbody>
          </table>
          <div className="row muted" style={{ fontSize: 12 }}>
            {report.drawdownExceedance.map((e) => (
              <span key={e.thresholdPct}>
                P(DD deeper than {e.thresholdPct} %) = {formatNumber(e.probabilityPct, 1)} %
              </span>
            ))}
          </div>
          <div className="row" style={{ alignItems: 'flex-start' }}>
            <HistogramBars title="Final equity" d={report.finalEquity} testId="mc-hist-equity" />
            <HistogramBars title="Max drawdown %" d={report.maxDrawdownPct} testId="mc-hist-drawdown" />
          </div>
        </section>
      )}
    </div>
  );
}

function PercentileRow({ label, d, testId }: { label: string; d: Distribution; testId: string }) {
  const p = d.percentiles;
  return (
    <tr data-testid={testId}>
      <td>{label}</td>
      {[d.min, p.p5, p.p25, p.p50, p.p75, p.p95, d.max, d.mean].map((value, i) => (
        <td key={i} className="num">
          {formatNumber(value)}
        </td>
      ))}
    </tr>
  );
}

const HIST_WIDTH = 420;
const HIST_HEIGHT = 140;

/** A histogram as SVG bars: 40 rectangles need no chart library. */
function HistogramBars({ title, d, testId }: { title: string; d: Distribution; testId: string }) {
  const counts = d.histogram.counts;
  const edges = d.histogram.edges;
  const peak = Math.max(1, ...counts);
  const barWidth = HIST_WIDTH / Math.max(1, counts.length);
  return (
    <figure className="col" style={{ margin: 0, gap: 2 }} data-testid={testId}>
      <figcaption className="muted" style={{ fontSize: 12 }}>
        {title}
      </figcaption>
      <svg width={HIST_WIDTH} height={HIST_HEIGHT} role="img" aria-label={`${title} histogram`}>
        {counts.map((count, i) => {
          const h = (count / peak) * (HIST_HEIGHT - 4);
          return (
            <rect key={i} className="hist-bar" x={i * barWidth} y={HIST_HEIGHT - h} width={Math.max(1, barWidth - 1)} height={h}>
              <title>
                {formatNumber(edges[i] ?? null)} … {formatNumber(edges[i + 1] ?? null)}: {count}
              </title>
            </rect>
          );
        })}
      </svg>
      <div className="row muted" style={{ fontSize: 11, justifyContent: 'space-between', width: HIST_WIDTH }}>
        <span>{formatNumber(edges[0] ?? null)}</span>
        <span>{formatNumber(edges.at(-1) ?? null)}</span>
      </div>
    </figure>
  );
}
