import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { InstrumentFigures } from '../../core/domain/engine/portfolio.js';
import type { Trade } from '../../core/domain/engine/types.js';

const iso = (ts: number) => new Date(ts).toISOString();
/** Rounded to 10 decimals so float noise (368.8799999999987) does not reach the file; the renderer's csvNumber does the same. */
const num = (value: number): string => (Number.isFinite(value) ? String(Number(value.toFixed(10)) + 0) : '');

/**
 * Trades as CSV, one row per closed trade; a portfolio run's (`symbols`: each trade's instrument) lead with a symbol column.
 * The columns, in order, of the app's Trades CSV (renderer/src/screens/history/report.ts) after its row number:
 * a script reads either file the same way.
 */
export function tradesCsv(trades: readonly Trade[], symbols?: readonly string[]): string {
  const header = `${symbols ? 'symbol,' : ''}side,entry_time,entry_price,exit_time,exit_price,quantity,pnl,return_pct,fees,bars_held,exit_reason`;
  const rows = trades.map((t, i) =>
    [
      ...(symbols ? [symbols[i]!] : []),
      t.side, iso(t.entryTs), num(t.entryPrice), iso(t.exitTs), num(t.exitPrice), num(t.quantity), num(t.pnl), num(t.returnPct), num(t.fees), t.barsHeld, t.exitReason,
    ].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

/** Equity and drawdown per bar as CSV. */
export function equityCsv(ts: ArrayLike<number>, equity: ArrayLike<number>): string {
  const lines = ['time,equity,drawdown_pct'];
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    lines.push(`${iso(ts[i]!)},${num(e)},${num(peak > 0 ? ((e - peak) / peak) * 100 : 0)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A portfolio run's per-instrument figures as CSV, one row per instrument in the universe's
 * order (the columns of the app's Instruments CSV, renderer/src/screens/history/report.ts).
 */
export function instrumentsCsv(figures: readonly InstrumentFigures[]): string {
  const opt = (value: number | null) => (value === null ? '' : num(value));
  const header = 'symbol,bars,trades,win_rate_pct,contribution_pct,exposure_pct,realized_pnl,unrealized_pnl,fees,buy_and_hold_return_pct';
  const rows = figures.map((f) =>
    [f.symbol, f.bars, f.tradeCount, opt(f.winRatePct), num(f.contributionPct), num(f.exposurePct), num(f.realizedPnl), num(f.unrealizedPnl), num(f.fees), opt(f.buyAndHoldReturnPct)].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

/** Writes trades.csv, equity.csv and report.json of a run into `dir`, and a portfolio run's instruments.csv. */
export function writeRunFiles(
  dir: string,
  run: { trades: readonly Trade[]; tradeSymbols?: readonly string[]; instruments?: readonly InstrumentFigures[]; ts: ArrayLike<number>; equity: ArrayLike<number>; report: unknown },
): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [path.join(dir, 'trades.csv'), path.join(dir, 'equity.csv'), path.join(dir, 'report.json')];
  writeFileSync(files[0]!, tradesCsv(run.trades, run.tradeSymbols));
  writeFileSync(files[1]!, equityCsv(run.ts, run.equity));
  writeFileSync(files[2]!, `${JSON.stringify(run.report, null, 2)}\n`);
  if (run.instruments) {
    files.push(path.join(dir, 'instruments.csv'));
    writeFileSync(files[3]!, instrumentsCsv(run.instruments));
  }
  return files;
}
