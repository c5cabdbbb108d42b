/** Files a run is exported to: trades CSV, equity CSV, a portfolio run's instruments CSV and a self-contained HTML report. */
import type { InstrumentFigures, OpenPosition, RunInfo, RunInstruments, TradeRow } from '../../api/contract.js';
import { csvNumber, formatCount, formatCountOf, formatNumber, formatRange, formatTs } from '../../app/format.js';
import { specSummary, variantParamsText } from '../../app/spec-summary.js';
import { INSTRUMENT_COLUMNS, instrumentCells } from '../run/instrument-cells.js';
import { metricCell, metricRows } from '../run/metric-format.js';
import { openPositionCells, openPositionSummary, openReturnPct, TRADE_COLUMNS, tradeCells } from '../run/trade-cells.js';
import { moneyTick, percentTick, svgChart, svgLinesChart } from './report-chart.js';
import { runInstruments } from './run-label.js';

/** What the report says about the run: its identity, data, spec, metrics and context. */
export type ReportRun = Pick<
  RunInfo,
  'name' | 'symbol' | 'universe' | 'timeframe' | 'fromTs' | 'toTs' | 'barCount' | 'hash' | 'engineVersion' | 'createdAt' | 'metrics' | 'spec' | 'extras'
>;

/** A portfolio run's per-instrument results, as runs/instruments answers them (reduced for the charts). */
export type ReportPortfolio = Pick<RunInstruments, 'figures' | 'curves' | 'positions'>;

export type ReportTrade = TradeRow;

export interface ReportEquity {
  readonly ts: readonly number[];
  readonly equity: readonly number[];
  readonly drawdown: readonly number[];
}

const iso = (ts: number | null): string => (ts === null || !Number.isFinite(ts) ? '' : new Date(ts).toISOString());
const csvCell = (value: string | number): string => {
  const text = typeof value === 'number' ? csvNumber(value) : value;
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Returns the trades as CSV, one row per closed trade, times in ISO 8601 UTC, numbers
 * without float noise; then the position still open after the last bar, if any, as a last
 * row marked `open` (index and exit reason), with no exit time or price and its PnL
 * unrealized at the last close.
 */
export function tradesCsv(trades: readonly ReportTrade[], openPosition: OpenPosition | null = null): string {
  // The columns of the CLI's trades.csv (host/cli/run-files.ts), with the row number first
  // (and a portfolio run's, whose trades carry their instrument, a symbol column after it).
  const portfolio = trades.some((t) => t.symbol !== undefined);
  const header = `index,${portfolio ? 'symbol,' : ''}side,entry_time,entry_price,exit_time,exit_price,quantity,pnl,return_pct,fees,bars_held,exit_reason`;
  const rows = trades.map((t) =>
    [t.index + 1, ...(portfolio ? [t.symbol ?? ''] : []), t.side, iso(t.entryTs), t.entryPrice, iso(t.exitTs), t.exitPrice, t.quantity, t.pnl, t.returnPct, t.fees, t.barsHeld, t.exitReason]
      .map(csvCell)
      .join(','),
  );
  if (openPosition) {
    const o = openPosition;
    rows.push(['open', o.side, iso(o.entryTs), o.entryPrice, '', '', o.quantity, o.unrealizedPnl, openReturnPct(o), o.fees, o.barsHeld, `open (unrealized at the last close ${o.markPrice})`].map(csvCell).join(','));
  }
  return [header, ...rows].join('\n') + '\n';
}

/**
 * Returns a portfolio run's per-instrument figures as CSV, one row per instrument in the
 * universe's order (the columns of the CLI's instruments.csv, host/cli/run-files.ts).
 */
export function instrumentsCsv(figures: readonly InstrumentFigures[]): string {
  const opt = (value: number | null): string => (value === null ? '' : csvNumber(value));
  const header = 'symbol,bars,trades,win_rate_pct,contribution_pct,exposure_pct,realized_pnl,unrealized_pnl,fees,buy_and_hold_return_pct';
  const rows = figures.map((f) =>
    [csvCell(f.symbol), f.bars, f.tradeCount, opt(f.winRatePct), csvNumber(f.contributionPct), csvNumber(f.exposurePct), csvNumber(f.realizedPnl), csvNumber(f.unrealizedPnl), csvNumber(f.fees), opt(f.buyAndHoldReturnPct)].join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}

/** Returns the equity curve as CSV: time, equity, drawdown %. */
export function equityCsv(equity: ReportEquity): string {
  const rows = equity.ts.map((ts, i) => `${iso(ts)},${csvNumber(equity.equity[i]!)},${csvNumber(equity.drawdown[i]!)}`);
  return ['time,equity,drawdown_pct', ...rows].join('\n') + '\n';
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A time as the app shows it, marked as UTC: '2024-01-02 13:45 UTC'. */
const utc = (ts: number): string => `${formatTs(ts)} UTC`;

const row = (label: string, value: string, valueClass = ''): string => `<tr><th>${escapeHtml(label)}</th><td${valueClass ? ` class="${valueClass}"` : ''}>${escapeHtml(value)}</td></tr>`;

export interface ReportContext {
  readonly generatedAt: Date;
}

/** A colour per instrument of the report's PnL chart (the report has no theme: fixed, readable on white). */
const LINE_COLORS = ['#1f6fd1', '#7b3fe4', '#0a8a99', '#c0317f', '#8a7400', '#1e8e57', '#3f5bd9', '#a86d00', '#2f8a2f', '#cc3333'];

/**
 * A portfolio run's part of the report: the instruments table, the positions open over
 * time and each instrument's PnL (a line each, with its legend).
 */
function portfolioSection(portfolio: ReportPortfolio): string {
  const head = INSTRUMENT_COLUMNS.map((c) => `<th${'numeric' in c ? ' class="n"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const rows = portfolio.figures
    .map((f) => {
      const cells = instrumentCells(f);
      return `<tr>${INSTRUMENT_COLUMNS.map((c) => `<td${'numeric' in c ? ' class="n"' : ''}>${escapeHtml(cells[c.key])}</td>`).join('')}</tr>`;
    })
    .join('');
  const most = portfolio.positions.count.reduce((a, b) => Math.max(a, b), 0);
  const lines = portfolio.figures.map((_, k) => ({ ys: portfolio.curves.pnl[k] ?? [], color: LINE_COLORS[k % LINE_COLORS.length]! }));
  const legend = portfolio.figures
    .map((f, k) => `<span class="key"><span class="swatch" style="background:${LINE_COLORS[k % LINE_COLORS.length]}"></span>${escapeHtml(f.symbol)}</span>`)
    .join(' ');
  return `<h2>Instruments (${portfolio.figures.length}; at most ${formatCountOf(most, 'position')} open at once)</h2>
<table class="instruments"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>
<h2>Open positions</h2>${svgChart(portfolio.positions.ts, portfolio.positions.count, { width: 1000, height: 150, color: '#1f6fd1', formatValue: moneyTick })}
<h2>PnL per instrument</h2>${svgLinesChart(portfolio.curves.ts, lines, { width: 1000, height: 240, color: '', formatValue: moneyTick })}
<p class="legend">${legend}</p>`;
}

/**
 * Returns a single HTML file with everything inline (no scripts, no external links), read
 * like the app: the run (instrument, range, hash, engine, sweep parameters), the strategy's
 * rules, management, sizing and costs in words, the metrics with the Run screen's labels,
 * formats and annualization notes, equity and drawdown drawn as SVG with a UTC time axis
 * and a value axis, and the trades as the trades table shows them. A portfolio run's
 * report (`portfolio`) names its instruments, adds the instruments table, the positions
 * open over time and each instrument's PnL, and each trade's instrument. Every text from
 * the run is escaped.
 */
export function htmlReport(run: ReportRun, equity: ReportEquity, trades: readonly ReportTrade[], context: ReportContext, portfolio: ReportPortfolio | null = null): string {
  const variant = run.extras.sweepVariant;
  const runRows = [
    run.universe ? row('Instruments', `${runInstruments(run)}: ${run.universe.symbols.join(', ')}`) : row('Instrument', run.symbol),
    row('Timeframe', run.timeframe),
    row('Range', formatRange(run.fromTs, run.toTs)),
    row('Bars', formatCount(run.barCount)),
    ...(variant ? [row('Parameters', variantParamsText(variant, run.spec)), row('Sweep', `variant #${variant.index} of ${variant.sweepName}`)] : []),
    row('Run hash', run.hash, 'code'),
    row('Engine version', run.engineVersion),
    row('Run created', utc(run.createdAt)),
  ].join('');
  const strategyRows = specSummary(run.spec)
    .map((line) => row(line.label, line.text))
    .join('');
  const metricsRows = metricRows([run.metrics])
    .map(([key, label]) => {
      const cell = metricCell(key, run.metrics);
      const title = cell.title ? ` title="${escapeHtml(cell.title)}"` : '';
      const note = cell.note ? `<div class="note">${escapeHtml(cell.note)}</div>` : '';
      return `<tr><th>${escapeHtml(label)}</th><td class="n"${title}>${escapeHtml(cell.text)}${note}</td></tr>`;
    })
    .join('');
  // A portfolio's open positions are each instrument's (its Open PnL in the instruments table).
  const open = run.universe ? null : (run.extras.openPosition ?? null);
  const openMetricRow = open
    ? `<tr><th>Open position (unrealized)</th><td class="n">${escapeHtml(formatNumber(open.unrealizedPnl, 2))}<div class="note">${escapeHtml(openPositionSummary(open))}</div></td></tr>`
    : '';
  // A portfolio run's trades name their instrument, after the row number (as the trades table does).
  const withSymbol = run.universe !== undefined;
  const tradeHead = TRADE_COLUMNS.map((c) => `<th${'numeric' in c ? ' class="n"' : ''}>${escapeHtml(c.label)}</th>${withSymbol && c.key === 'index' ? '<th>Instrument</th>' : ''}`).join('');
  const tradeRows = trades
    .map((t) => {
      const cells = tradeCells(t);
      return `<tr>${TRADE_COLUMNS.map((c) => `<td${'numeric' in c ? ' class="n"' : ''}>${escapeHtml(cells[c.key])}</td>${withSymbol && c.key === 'index' ? `<td>${escapeHtml(t.symbol ?? '')}</td>` : ''}`).join('')}</tr>`;
    })
    .join('');
  const openCells = open ? openPositionCells(open) : null;
  const openTradeRow = openCells ? `<tr class="open">${TRADE_COLUMNS.map((c) => `<td${'numeric' in c ? ' class="n"' : ''}>${escapeHtml(openCells[c.key])}</td>`).join('')}</tr>` : '';
  const tradesTitle = `Trades (${formatCount(trades.length)}${open ? ' closed + 1 open' : ''})`;
  const openNote = open
    ? '<p class="muted">The last row is the position still open at the end of the data: valued at the last close in the equity and final equity, not counted as a trade.</p>'
    : '';
  const subtitle = `${runInstruments(run)} ${run.timeframe} · ${formatRange(run.fromTs, run.toTs)}${variant ? ` · ${variantParamsText(variant, run.spec)}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(run.name)}: backtest report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:13px system-ui,sans-serif;margin:24px;color:#1b2028;max-width:1100px}table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}th{font-weight:600}tbody th,.facts th{color:#445;white-space:nowrap}.n{text-align:right;font-variant-numeric:tabular-nums}.code{font-family:ui-monospace,monospace}h1{font-size:20px;margin-bottom:4px}h2{font-size:15px;margin-top:24px}.muted{color:#667}.note{color:#667;font-size:11px}.legend .key{margin-right:12px;white-space:nowrap}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}tr.open td{font-style:italic;border-top:2px solid #bbb}</style>
</head><body>
<h1>${escapeHtml(run.name)}</h1>
<p class="muted">${escapeHtml(subtitle)}</p>
<h2>Run</h2><table class="facts">${runRows}</table>
<h2>Strategy</h2><table class="facts">${strategyRows}</table>
<h2>Metrics</h2><table class="facts">${metricsRows}${openMetricRow}</table>
<h2>Equity</h2>${svgChart(equity.ts, equity.equity, { width: 1000, height: 240, color: '#1f6fd1', formatValue: moneyTick })}
<h2>Drawdown %</h2>${svgChart(equity.ts, equity.drawdown, { width: 1000, height: 150, color: '#cc3333', formatValue: percentTick })}
${portfolio ? portfolioSection(portfolio) : ''}
<h2>${escapeHtml(tradesTitle)}</h2>
<table><thead><tr>${tradeHead}</tr></thead><tbody>${tradeRows}${openTradeRow}</tbody></table>${openNote}
<p class="muted">Times are UTC. Generated ${escapeHtml(utc(context.generatedAt.getTime()))}.</p>
</body></html>
`;
}
