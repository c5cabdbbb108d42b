/** Files a run is exported to: trades CSV, equity CSV and a self-contained HTML report. */

export interface ReportRun {
  readonly name: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly fromTs: number | null;
  readonly toTs: number | null;
  readonly hash: string;
  readonly engineVersion: string;
  readonly metrics: Readonly<Record<string, number | null>>;
}

export interface ReportTrade {
  readonly index: number;
  readonly side: string;
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly exitTs: number;
  readonly exitPrice: number;
  readonly quantity: number;
  readonly pnl: number;
  readonly returnPct: number;
  readonly barsHeld: number;
  readonly exitReason: string;
}

export interface ReportEquity {
  readonly ts: readonly number[];
  readonly equity: readonly number[];
  readonly drawdown: readonly number[];
}

const iso = (ts: number | null): string => (ts === null || !Number.isFinite(ts) ? '' : new Date(ts).toISOString());
const csvCell = (value: string | number): string => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Returns the trades as CSV, one row per trade, times in ISO 8601 UTC. */
export function tradesCsv(trades: readonly ReportTrade[]): string {
  const header = 'index,side,entry_time,entry_price,exit_time,exit_price,quantity,pnl,return_pct,bars_held,exit_reason';
  const rows = trades.map((t) =>
    [t.index + 1, t.side, iso(t.entryTs), t.entryPrice, iso(t.exitTs), t.exitPrice, t.quantity, t.pnl, t.returnPct, t.barsHeld, t.exitReason].map(csvCell).join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}

/** Returns the equity curve as CSV: time, equity, drawdown %. */
export function equityCsv(equity: ReportEquity): string {
  const rows = equity.ts.map((ts, i) => `${iso(ts)},${equity.equity[i]},${equity.drawdown[i]}`);
  return ['time,equity,drawdown_pct', ...rows].join('\n') + '\n';
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Returns an SVG polyline of the series scaled into width × height (points already reduced). */
function sparkline(xs: readonly number[], ys: readonly number[], width: number, height: number, color: string): string {
  if (xs.length < 2) return '';
  const x0 = xs[0]!;
  const x1 = xs[xs.length - 1]!;
  let lo = Infinity;
  let hi = -Infinity;
  for (const y of ys) {
    if (!Number.isFinite(y)) continue;
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
  }
  const spanX = x1 - x0 || 1;
  const spanY = hi - lo || 1;
  const points = xs.map((x, i) => `${(((x - x0) / spanX) * width).toFixed(1)},${(height - ((ys[i]! - lo) / spanY) * height).toFixed(1)}`).join(' ');
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" height="${height}" preserveAspectRatio="none"><polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points}"/></svg>`;
}

/**
 * Returns a single HTML file with everything inline (no scripts, no external links): run
 * identity and hash, metrics, equity and drawdown drawn as SVG, and the trades table.
 */
export function htmlReport(run: ReportRun, equity: ReportEquity, trades: readonly ReportTrade[], generatedAt: Date): string {
  const metricRows = Object.entries(run.metrics)
    .map(([key, value]) => `<tr><td>${escapeHtml(key)}</td><td class="n">${value === null ? '—' : value.toFixed(Number.isInteger(value) ? 0 : 4)}</td></tr>`)
    .join('');
  const tradeRows = trades
    .map(
      (t) =>
        `<tr><td>${t.index + 1}</td><td>${escapeHtml(t.side)}</td><td>${iso(t.entryTs)}</td><td class="n">${t.entryPrice}</td><td>${iso(t.exitTs)}</td><td class="n">${t.exitPrice}</td><td class="n">${t.quantity}</td><td class="n">${t.pnl.toFixed(2)}</td><td class="n">${t.returnPct.toFixed(2)}</td><td>${escapeHtml(t.exitReason)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(run.name)}: backtest report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:13px system-ui,sans-serif;margin:24px;color:#1b2028}table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}h1{font-size:20px}h2{font-size:15px;margin-top:24px}.muted{color:#667}</style>
</head><body>
<h1>${escapeHtml(run.name)}</h1>
<p>${escapeHtml(run.symbol)} ${escapeHtml(run.timeframe)} · ${iso(run.fromTs)} → ${iso(run.toTs)}</p>
<p class="muted">Run hash <code>${escapeHtml(run.hash)}</code> · engine ${escapeHtml(run.engineVersion)} · generated ${generatedAt.toISOString()}</p>
<h2>Metrics</h2><table>${metricRows}</table>
<h2>Equity</h2>${sparkline(equity.ts, equity.equity, 1000, 220, '#1f6fd1')}
<h2>Drawdown %</h2>${sparkline(equity.ts, equity.drawdown, 1000, 120, '#cc3333')}
<h2>Trades (${trades.length})</h2>
<table><thead><tr><th>#</th><th>Side</th><th>Entry</th><th>Price</th><th>Exit</th><th>Price</th><th>Qty</th><th>PnL</th><th>Return %</th><th>Reason</th></tr></thead><tbody>${tradeRows}</tbody></table>
</body></html>
`;
}
