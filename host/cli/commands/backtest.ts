import path from 'node:path';
import { portfolioResult } from '../../../core/application/backtest/execute-run.js';
import { backtestRequest } from '../../../core/application/backtest/request.js';
import { runBacktest } from '../../../core/application/backtest/run-backtest.js';
import type { BarStore } from '../../../core/application/data/bar-store.js';
import { parseTimeframe, type Timeframe } from '../../../core/domain/market/timeframe.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode } from '../command.js';
import { printJson, printLine, printTable } from '../output.js';
import { createProgress } from '../progress.js';
import { writeRunFiles } from '../run-files.js';
import { parseRangeArgs, parseNumberArg } from '../time-args.js';
import { withWorkstation } from '../workstation.js';
import { applyPortfolioFlags, requireTarget, specFromFlags, targetFlags } from './backtest-spec.js';

export function timeframeFlag(value: string | undefined): Timeframe {
  try {
    return parseTimeframe(value ?? '1m');
  } catch (error) {
    throw new UsageError(`--timeframe: ${(error as Error).message}`);
  }
}

/**
 * The timeframe of a run given no --timeframe: 1m (any timeframe is built from stored minutes),
 * or the one timeframe an instrument without minutes has; UsageError naming them when it has several.
 */
export function defaultTimeframe(store: Pick<BarStore, 'listSeries'>, symbol: string | undefined): Timeframe {
  if (symbol === undefined) return '1m';
  const stored = store
    .listSeries()
    .filter((s) => s.instrument.symbol === symbol)
    .map((s) => s.timeframe);
  // None stored: the run names the missing instrument.
  if (stored.length === 0 || stored.includes('1m')) return '1m';
  if (stored.length === 1) return stored[0]!;
  throw new UsageError(`--timeframe is required: ${symbol} has bars in ${stored.join(', ')}`);
}

const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v === null ? 'n/a' : String(v));

export const backtestCommand: CommandCode = {
  async run(input) {
    const picked = targetFlags(input);
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"`);
    const spec = applyPortfolioFlags(specFromFlags(input) as Record<string, unknown>, input);
    const { symbol, universe } = requireTarget(picked, spec);
    const timeframeGiven = stringFlag(input, 'timeframe');
    const chosenTimeframe = timeframeGiven === undefined ? undefined : timeframeFlag(timeframeGiven);
    const { fromTs, toTs } = parseRangeArgs(stringFlag(input, 'from'), stringFlag(input, 'to'));
    const quantityStep = parseNumberArg('--qty-step', stringFlag(input, 'qty-step'));
    const json = boolFlag(input, 'json');
    const out = stringFlag(input, 'out');
    return withWorkstation(input, async (workstation) => {
      const timeframe = chosenTimeframe ?? defaultTimeframe(workstation.storage.barStore, symbol);
      // The same checks and the same use case as the app's backtest/start, run on this thread.
      const request = backtestRequest(workstation.storage.barStore, { spec, symbol, universe, timeframe, fromTs, toTs, quantityStep, magnifier: !boolFlag(input, 'no-magnifier') });
      const progress = createProgress('backtest', !json);
      try {
        const saved = await runBacktest(workstation.backtests, request, {}, { progress: (p) => progress.update(p.done, p.total, `${p.done.toLocaleString('en-US')} bars`) });
        progress.stop();
        // The engine's result as it ran here: nothing is read back from the store.
        const { result, ts } = saved.executed!;
        const portfolio = portfolioResult({ request, result });
        const tradeSymbols = portfolio ? Array.from(portfolio.tradeInstruments, (k) => portfolio.symbols[k]!) : undefined;
        const report = {
          runId: saved.run.id,
          hash: saved.run.hash,
          engineVersion: saved.run.engineVersion,
          ...(portfolio ? { symbols: portfolio.symbols, ...(request.universe?.tag === undefined ? {} : { universe: request.universe.tag }) } : { symbol: request.instrument.symbol }),
          timeframe,
          spec: saved.run.name,
          metrics: saved.metrics,
          // Each instrument's figures (trades, contribution, exposure, win rate...), by symbol.
          ...(portfolio ? { perSymbol: Object.fromEntries(portfolio.figures.map(({ symbol: s, ...figures }) => [s, figures])) } : {}),
          openPosition: saved.openPosition,
          trades: tradeSymbols ? result.trades.map((t, i) => ({ symbol: tradeSymbols[i]!, ...t })) : result.trades,
        };
        const files = out ? writeRunFiles(path.resolve(out), { trades: result.trades, ...(tradeSymbols ? { tradeSymbols } : {}), ...(portfolio ? { instruments: portfolio.figures } : {}), ts, equity: result.equity, report }) : [];
        if (json) {
          printJson({ ...report, ...(files.length > 0 ? { files } : {}) });
          return;
        }
        printLine(`Run ${saved.run.id}  hash ${saved.run.hash}`);
        printTable(
          ['metric', 'value'],
          Object.entries(saved.metrics).map(([k, v]) => [k, fmt(v)]),
        );
        if (portfolio) {
          printTable(
            ['symbol', 'trades', 'win rate %', 'contribution %', 'exposure %', 'realized pnl', 'open pnl', 'fees'],
            portfolio.figures.map((f) => [f.symbol, fmt(f.tradeCount), fmt(f.winRatePct), fmt(f.contributionPct), fmt(f.exposurePct), fmt(f.realizedPnl), fmt(f.unrealizedPnl), fmt(f.fees)]),
          );
        } else if (saved.openPosition) printLine(`Open position at the end (valued in equity, not counted as a trade): ${JSON.stringify(saved.openPosition)}`);
        for (const f of files) printLine(`wrote ${f}`);
      } finally {
        progress.stop();
      }
    });
  },
};
