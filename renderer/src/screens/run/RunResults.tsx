import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { TradeRow } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { formatTs } from '../../app/format.js';
import { EquityCharts } from '../../charts/EquityCharts.js';
import { PriceChart } from '../../charts/PriceChart.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { ExportButtons } from '../history/ExportButtons.js';
import { MetricsTable } from './MetricsTable.js';
import { TradesTable } from './TradesTable.js';
import { useTradeMarkers } from './use-trade-markers.js';

/**
 * True from the frame after the first paint with `ready`: the metrics paint on their own
 * first, then the charts and the trades table mount (uPlot setup, their fetches and rows
 * would otherwise hold back the first paint of the results).
 */
function usePaintedOnce(ready: boolean): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (!ready || painted) return;
    let timer = 0;
    // rAF runs just before the frame is painted; a task queued from it runs after.
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => setPainted(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, painted]);
  return painted;
}

/** Everything about one run: metrics first, then equity/drawdown, price with trades, the trades table. */
export function RunResults({ runId }: { runId: string }) {
  const run = useQuery(() => api().invoke('runs/get', { id: runId }), [runId]);
  const rest = usePaintedOnce(run.data !== undefined);
  const [focus, setFocus] = useState<{ fromTs: number; toTs: number } | null>(null);
  // Markers load once the metrics are on screen (up to 20 pages of trades).
  const { markers, partial } = useTradeMarkers(runId, rest ? (run.data?.tradeCount ?? 0) : 0);

  if (run.error) return <ErrorBox message={run.error} />;
  const info = run.data;
  if (!info) return <div className="muted" style={{ minHeight: 400 }}>Loading results…</div>;

  const barMs = Math.max(60_000, ((info.toTs ?? 0) - (info.fromTs ?? 0)) / Math.max(1, info.barCount));
  const jumpTo = (trade: TradeRow): void => {
    // Show the trade with some context either side: its own length, at least 50 bars.
    const pad = Math.round(Math.max(trade.exitTs - trade.entryTs, 50 * barMs));
    setFocus({ fromTs: trade.entryTs - pad, toTs: trade.exitTs + pad });
  };

  return (
    <div className="col" data-testid="run-results">
      <div className="row panel">
        <strong>{info.name}</strong>
        <span>
          {info.symbol} {info.timeframe}
        </span>
        <span className="muted">
          {formatTs(info.fromTs)} → {formatTs(info.toTs)}
        </span>
        <span className="muted" title="Content hash of spec, data range and engine version" data-testid="run-hash">
          {info.hash.slice(0, 12)}
        </span>
        <span className="grow" />
        <ExportButtons run={info} />
      </div>
      <div className="split" style={{ gridTemplateColumns: '320px 1fr' }}>
        <section className="panel" style={{ overflow: 'auto', maxHeight: 560 }}>
          <h3>Metrics</h3>
          <MetricsTable metrics={[info.metrics]} />
        </section>
        {rest ? (
          <div className="col">
            <EquityCharts runId={runId} />
            <section className="panel">
              <h3>
                Price and trades{partial && <span className="muted"> (markers for the first 20,000 trades)</span>}
              </h3>
              <PriceChart symbol={info.symbol} timeframe={info.timeframe} fromTs={info.fromTs ?? undefined} toTs={info.toTs ?? undefined} markers={markers} focus={focus} />
            </section>
          </div>
        ) : (
          <div className="col muted" style={{ minHeight: 560 }} data-testid="run-charts-pending">
            Drawing charts…
          </div>
        )}
      </div>
      {rest ? <TradesTable runId={runId} onPick={jumpTo} /> : <section className="panel" style={{ minHeight: 380 }} />}
    </div>
  );
}
