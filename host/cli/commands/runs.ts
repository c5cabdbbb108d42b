import path from 'node:path';
import type { TradeRow } from '../../../core/application/runs/contract.js';
import { runId } from '../../../core/domain/market/ids.js';
import type { Workstation } from '../../../core/infrastructure/workstation.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode, type CommandInput } from '../command.js';
import { call, withWorkstation } from '../workstation.js';
import { printJson, printLine, printTable } from '../output.js';
import { writeRunFiles } from '../run-files.js';
import { isoOf, parseNumberArg } from '../time-args.js';

const KEY_METRICS = ['totalReturnPct', 'sharpe', 'maxDrawdownPct', 'tradeCount', 'winRatePct', 'profitFactor'] as const;
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : Number.isInteger(v) ? String(v) : v.toFixed(3));

/** Trades per `runs/trades` page (its limit). */
const TRADE_PAGE = 1000;

/** Every trade of a run in trade order, as the UI reads them: page by page through `runs/trades`. */
async function allTrades(workstation: Workstation, id: string): Promise<Omit<TradeRow, 'index'>[]> {
  const trades: Omit<TradeRow, 'index'>[] = [];
  for (let offset = 0; ; offset += TRADE_PAGE) {
    const page = await call(workstation, 'runs/trades', { id, offset, limit: TRADE_PAGE });
    for (const { index: _index, ...trade } of page.items) trades.push(trade);
    if (offset + TRADE_PAGE >= page.total) return trades;
  }
}

/** A run's strategy name, with the parameters of the sweep variant it was opened from: 'SMA cross (fast=10, slow=50)'. */
export function nameWithParams(run: { name: string; sweepVariant?: { params: Readonly<Record<string, number>> } }): string {
  if (!run.sweepVariant) return run.name;
  const params = Object.entries(run.sweepVariant.params).map(([name, value]) => `${name}=${value}`);
  return `${run.name} (${params.join(', ')})`;
}

function ids(input: CommandInput, count: [number, number]): string[] {
  const given = input.positionals;
  if (given.length < count[0] || given.length > count[1]) {
    throw new UsageError(count[0] === count[1] ? `expected ${count[0]} RUN_ID` : `expected ${count[0]} to ${count[1]} RUN_IDs`);
  }
  return [...given];
}

// The runs commands call the app's own handlers (runs/*) through its dispatcher.

export const runsListCommand: CommandCode = {
  run: (input) =>
    withWorkstation(input, async (workstation) => {
      const limit = parseNumberArg('--limit', stringFlag(input, 'limit')) ?? 50;
      const offset = parseNumberArg('--offset', stringFlag(input, 'offset')) ?? 0;
      const page = await call(workstation, 'runs/list', { limit, offset });
      if (boolFlag(input, 'json')) return printJson({ runs: page.items, total: page.total });
      if (page.items.length === 0) return printLine('No runs yet. Start one with `bws backtest --template sma-cross --symbol DEMO-BTC`.');
      printTable(
        ['run', 'created', 'strategy', 'symbol', 'tf', 'hash', ...KEY_METRICS],
        page.items.map((r) => [r.id, isoOf(r.createdAt), nameWithParams(r), r.symbol, r.timeframe, r.hash.slice(0, 12), ...KEY_METRICS.map((m) => fmt(r.metrics[m]))]),
      );
      printLine(`${page.items.length} of ${page.total}`);
    }),
};

export const runsShowCommand: CommandCode = {
  run: (input) =>
    withWorkstation(input, async (workstation) => {
      const [id] = ids(input, [1, 1]);
      const run = await call(workstation, 'runs/get', { id });
      const trades = await allTrades(workstation, id!);
      const { sourcePoints } = await call(workstation, 'runs/equity', { id, maxPoints: 2 });
      const report = { ...run, trades };
      const out = stringFlag(input, 'out');
      // The files hold the full-resolution curve, which no call sends (the UI gets it reduced to its pixels).
      const equity = out ? workstation.runStore.getEquity(runId(id!)) : null;
      // A portfolio run's files name each trade's instrument and add each instrument's figures.
      const portfolio = out && run.universe ? await call(workstation, 'runs/instruments', { id, maxPoints: 2 }) : null;
      const tradeSymbols = run.universe ? trades.map((t) => t.symbol ?? '') : undefined;
      const files =
        out && equity
          ? writeRunFiles(path.resolve(out), { trades, ...(tradeSymbols ? { tradeSymbols } : {}), ...(portfolio ? { instruments: portfolio.figures } : {}), ts: equity.ts, equity: equity.equity, report })
          : [];
      if (boolFlag(input, 'json')) return printJson({ ...report, equityPoints: sourcePoints, ...(files.length ? { files } : {}) });
      printLine(`Run ${run.id}: ${run.name} on ${run.symbol} ${run.timeframe}, ${run.barCount} bars, engine ${run.engineVersion}`);
      printLine(`hash ${run.hash}`);
      printTable(['metric', 'value'], Object.entries(run.metrics).map(([k, v]) => [k, fmt(v)]));
      printLine(`${trades.length} trades`);
      for (const f of files) printLine(`wrote ${f}`);
    }),
};

export const runsCompareCommand: CommandCode = {
  run: (input) =>
    withWorkstation(input, async (workstation) => {
      const data = await call(workstation, 'runs/compare', { ids: ids(input, [2, 4]) });
      if (boolFlag(input, 'json')) {
        // perSymbol: each portfolio run's figures by instrument (null for a run of one instrument), in the order of runs.
        const perSymbol = data.instruments.map((figures) => (figures ? Object.fromEntries(figures.map(({ symbol, ...rest }) => [symbol, rest])) : null));
        return printJson({ runs: data.runs, metrics: data.metrics, perSymbol, equityPoints: data.equity.map((e) => e.sourcePoints) });
      }
      printTable(['metric', ...data.runs.map((r) => r.id)], data.metrics.map((m) => [m.name, ...m.values.map(fmt)]));
      // Portfolio runs: trades and contribution (% of the initial cash) of each instrument, run by run.
      const symbols = [...new Set(data.instruments.flatMap((figures) => figures?.map((f) => f.symbol) ?? []))];
      if (symbols.length > 0) {
        printTable(
          ['symbol', ...data.runs.flatMap((r) => [`${r.id} trades`, `${r.id} contribution %`])],
          symbols.map((symbol) => [
            symbol,
            ...data.instruments.flatMap((figures) => {
              const f = figures?.find((x) => x.symbol === symbol);
              return f ? [fmt(f.tradeCount), fmt(f.contributionPct)] : ['-', '-'];
            }),
          ]),
        );
      }
    }),
};

export const runsDeleteCommand: CommandCode = {
  run: (input) =>
    withWorkstation(input, async (workstation) => {
      const [id] = ids(input, [1, 1]);
      const result = await call(workstation, 'runs/delete', { id });
      if (boolFlag(input, 'json')) printJson({ deleted: result.id });
      else printLine(`Deleted run ${result.id}`);
    }),
};
