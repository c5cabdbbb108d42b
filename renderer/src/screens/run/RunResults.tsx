import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { OpenPosition, RunInfo, TradeRow } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { formatNumber, formatRange } from '../../app/format.js';
import { parametersText } from '../../app/spec-summary.js';
import { routeHash } from '../../app/use-route.js';
import { EquityCharts } from '../../charts/EquityCharts.js';
import { PortfolioCharts } from '../../charts/PortfolioCharts.js';
import { PriceChart, useSeriesGroup } from '../../charts/PriceChart.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { feeNote } from './fee-note.js';
import { ExportButtons } from '../history/ExportButtons.js';
import { InstrumentsTable } from './InstrumentsTable.js';
import { MetricsTable } from './MetricsTable.js';
import { SameRuns } from './SameRuns.js';
import { TradesTable } from './TradesTable.js';
import { openPositionSummary } from './trade-cells.js';
import { VariantParams } from './VariantParams.js';
import { warmUpText } from './warm-up-text.js';
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

/** What the results' header and metrics need: a stored run, or a run still being hashed and saved (no hash yet). */
export type ResultsHead = Pick<RunInfo, 'name' | 'symbol' | 'timeframe' | 'fromTs' | 'toTs' | 'barCount' | 'tradeCount' | 'metrics'> & {
  readonly hash?: string;
  /** The run is of the strategy's unsaved edits (RunExtras.unsavedEdits). */
  readonly unsavedEdits?: boolean;
};

/**
 * Everything about one run: metrics first, then equity/drawdown, price with trades, the
 * trades table. `preview` (the Run screen's run, before its save commits) paints the
 * header and metrics at once; the charts and trades follow once `runId` (the saved run) is
 * known. `notSaved`: the save failed, so there will be no charts.
 */
export function RunResults({ runId, preview, notSaved }: { runId: string | null; preview?: ResultsHead | null; notSaved?: boolean }) {
  const run = useQuery(() => (runId ? api().invoke('runs/get', { id: runId }) : Promise.resolve(undefined)), [runId]);
  const info: ResultsHead | undefined = run.data ?? preview ?? undefined;
  // The charts and trades read the stored run.
  const saved = usePaintedOnce(info !== undefined && runId !== null) && runId !== null;
  const [focus, setFocus] = useState<Focus | null>(null);
  // A portfolio run: the instrument whose price, fills and trades are shown (null: every instrument's trades, the first one's chart).
  const universe = run.data?.id === runId ? run.data.universe : undefined;
  const [picked, setPicked] = useState<string | null>(null);
  // The chart follows the picked instrument, and a trade clicked in the table of them all.
  const [charted, setCharted] = useState<string | null>(null);
  useEffect(() => {
    setPicked(null);
    setCharted(null);
  }, [runId]);
  const pick = (symbol: string | null): void => {
    setPicked(symbol);
    if (symbol !== null) setCharted(symbol);
  };

  if (run.error) return <ErrorBox message={run.error} />;
  if (!info) return <div className="muted" style={{ minHeight: 400 }}>Loading results…</div>;

  const barMs = Math.max(60_000, ((info.toTs ?? 0) - (info.fromTs ?? 0)) / Math.max(1, info.barCount));
  const jumpToSpan = (entryTs: number, exitTs: number): void => {
    // Show the trade with some context either side: its own length, at least 50 bars.
    const pad = Math.round(Math.max(exitTs - entryTs, 50 * barMs));
    setFocus({ fromTs: entryTs - pad, toTs: exitTs + pad, trade: { fromTs: entryTs, toTs: exitTs } });
  };
  const jumpTo = (trade: TradeRow): void => jumpToSpan(trade.entryTs, trade.exitTs);
  // Read from the stored run: the position still open after the last bar (not a trade).
  // A portfolio's open positions are each instrument's (the instruments table's open PnL).
  const openPosition = universe ? null : (run.data?.extras.openPosition ?? null);
  const lastTs = run.data?.extras.lastTs;
  const warmUp = warmUpText(run.data?.extras.warmUp);
  // Costs that swallowed the result are said above the figures (9,602 trades paid more in fees than the starting cash, unremarked).
  const fees = feeNote(info.metrics, run.data?.spec.initialCash);
  const jumpToOpen = (open: OpenPosition): void => jumpToSpan(open.entryTs, typeof lastTs === 'number' ? lastTs + barMs : (info.toTs ?? open.entryTs + barMs));

  return (
    <div className="col" data-testid="run-results">
      <div className="row panel">
        <strong>{info.name}</strong>
        {(run.data?.extras.unsavedEdits ?? info.unsavedEdits) && (
          <span className="tag warn" title="This run used the builder's unsaved edits of the strategy, not its saved version; the run keeps the spec it ran." data-testid="run-unsaved">
            unsaved edits
          </span>
        )}
        {universe ? (
          <span data-testid="run-universe" title={universe.symbols.join(', ')}>
            {universe.symbols.length} instruments{universe.tag === undefined ? '' : ` tagged ${universe.tag}`} {info.timeframe}
          </span>
        ) : (
          <span data-testid="run-data">
            {info.symbol} {info.timeframe}
          </span>
        )}
        <span className="muted">
          {formatRange(info.fromTs, info.toTs)}
        </span>
        {run.data?.extras.sweepVariant ? (
          <VariantParams variant={run.data.extras.sweepVariant} spec={run.data.spec} />
        ) : (
          run.data !== undefined && (run.data.spec.parameters?.length ?? 0) > 0 && (
            <span className="muted" title="The strategy's named parameters" data-testid="run-parameters">
              {parametersText(run.data.spec)}
            </span>
          )
        )}
        {warmUp && (
          <span className={warmUp.shortBy > 0 ? 'warn' : 'muted'} title={warmUp.long} data-testid="run-warm-up">
            {warmUp.short}
          </span>
        )}
        <span className="muted" title="Content hash of spec, data range and engine version" data-testid="run-hash">
          {info.hash?.slice(0, 12) ?? '…'}
        </span>
        {run.data?.id === runId && runId && <SameRuns runId={runId} hash={run.data.hash} />}
        <span className="grow" />
        {run.data ? (
          <>
            <button
              data-testid="run-montecarlo"
              title="Resample this run's closed trades: how much of its result was the order they came in?"
              onClick={() => (window.location.hash = routeHash({ screen: 'optimize', id: `run:${run.data!.id}` }))}
            >
              Monte Carlo
            </button>
            <ExportButtons run={run.data} />
          </>
        ) : (
          <span className="muted" data-testid="run-saving">
            {notSaved ? 'Not saved' : 'Saving…'}
          </span>
        )}
      </div>
      <div className="split" style={{ gridTemplateColumns: '340px 1fr' }}>
        <section className="panel fit-row" data-testid="metrics-panel">
          <h3>Metrics</h3>
          {fees && (
            <div className="warning-box" role="note" data-testid="run-fee-note" style={{ marginBottom: 8 }}>
              {fees}
            </div>
          )}
          <MetricsTable metrics={[info.metrics]} />
          {openPosition && <OpenPositionLine open={openPosition} />}
        </section>
        {saved ? (
          <RunCharts runId={runId} info={info} focus={focus} symbol={universe ? (charted ?? universe.symbols[0]!) : info.symbol} portfolio={universe !== undefined} instruments={universe?.symbols.length ?? 1} picked={picked} />
        ) : (
          <div className="col muted" style={{ minHeight: 560 }} data-testid="run-charts-pending">
            {notSaved ? 'The run could not be saved, so there are no charts or trades to show.' : 'Drawing charts…'}
          </div>
        )}
      </div>
      {saved && universe && <InstrumentsTable runId={runId} picked={picked} onPick={pick} />}
      {saved ? (
        <TradesTable
          runId={runId}
          openPosition={openPosition}
          warmUpShortBy={warmUp?.shortBy ?? 0}
          onPick={(trade) => {
            // A portfolio's trade shows on its own instrument's chart.
            if (universe && trade.symbol !== undefined) setCharted(trade.symbol);
            jumpTo(trade);
          }}
          onPickOpen={jumpToOpen}
          portfolio={universe !== undefined}
          symbol={picked}
        />
      ) : (
        <section className="panel" style={{ minHeight: 380 }} />
      )}
    </div>
  );
}

/** The window the price chart zooms to around the trade picked in the table, and that trade's span (shaded). */
interface Focus {
  readonly fromTs: number;
  readonly toTs: number;
  readonly trade: { readonly fromTs: number; readonly toTs: number };
}

/**
 * The position still open after the last bar, under the metrics: its unrealized PnL is in
 * the final equity and total return but in none of the trade statistics.
 */
function OpenPositionLine({ open }: { open: OpenPosition }) {
  return (
    <table className="grid" data-testid="metric-openPosition">
      <tbody>
        <tr title="Valued at the last close in the equity, final equity and total return; not a trade, so in none of the trade statistics">
          <td>Open position (unrealized)</td>
          <td className={open.unrealizedPnl >= 0 ? 'num good' : 'num bad'}>
            {formatNumber(open.unrealizedPnl, 2)}
            <span className="metric-note muted">{openPositionSummary(open)}</span>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/**
 * Equity/drawdown (a portfolio's positions open and each instrument's PnL under them) and
 * price with trade markers of a saved run (they read its stored series), zoomed together.
 */
function RunCharts(props: { runId: string; info: ResultsHead; focus: Focus | null; symbol: string; portfolio: boolean; instruments: number; picked: string | null }) {
  const { runId, info, focus, symbol, portfolio, instruments, picked } = props;
  // Markers load once the metrics are on screen (one call: the run's stored fills; a portfolio's, of the instrument shown).
  const { markers, partial } = useTradeMarkers(runId, portfolio ? symbol : null);
  // Price, equity and drawdown zoom and pan together, their cursors in step.
  const group = useSeriesGroup([runId], info.timeframe);
  return (
    <div className="col">
      <EquityCharts runId={runId} group={group} />
      {portfolio && <PortfolioCharts runId={runId} group={group} picked={picked} instruments={instruments} />}
      <section className="panel">
        <h3>
          Price and trades{portfolio && <span data-testid="run-chart-symbol"> of {symbol}</span>}
          {partial && <span className="muted"> (markers for the first 40,000 fills)</span>}
        </h3>
        <PriceChart symbol={symbol} timeframe={info.timeframe} fromTs={info.fromTs ?? undefined} toTs={info.toTs ?? undefined} markers={markers} focus={focus} highlight={focus?.trade ?? null} group={group} />
      </section>
    </div>
  );
}
