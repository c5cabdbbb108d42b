import path from 'node:path';
import { compareRuns, deleteRun, getRun, listRuns } from '../../../core/application/runs/run-queries.js';
import type { Trade } from '../../../core/domain/engine/types.js';
import { runId } from '../../../core/domain/market/ids.js';
import { SqliteRunStore } from '../../../core/infrastructure/runs/sqlite-run-store.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type Command, type CommandInput } from '../command.js';
import { withStorage } from '../context.js';
import { printJson, printLine, printTable } from '../output.js';
import { writeRunFiles } from '../run-files.js';
import { isoOf, parseNumberArg } from '../time-args.js';

const KEY_METRICS = ['totalReturnPct', 'sharpe', 'maxDrawdownPct', 'tradeCount', 'winRatePct', 'profitFactor'] as const;
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : Number.isInteger(v) ? String(v) : v.toFixed(3));

function withRuns<T>(input: CommandInput, fn: (runs: SqliteRunStore) => T): Promise<T> {
  return withStorage(input, (storage) => fn(new SqliteRunStore(storage.writer)));
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

export const runsListCommand: Command = {
  words: ['runs', 'list'],
  usage: 'bws runs list [--limit N] [--offset N] [--json]',
  summary: 'Lists stored backtest runs, newest first, with their hash and key metrics.',
  options: { limit: { type: 'string' }, offset: { type: 'string' } },
  run: (input) =>
    withRuns(input, (runs) => {
      const limit = parseNumberArg('--limit', stringFlag(input, 'limit')) ?? 50;
      const offset = parseNumberArg('--offset', stringFlag(input, 'offset')) ?? 0;
      const page = listRuns(runs, { limit, offset });
      if (boolFlag(input, 'json')) return printJson(page);
      if (page.runs.length === 0) return printLine('No runs yet. Start one with `bws backtest --template sma-cross --symbol DEMO-BTC`.');
      printTable(
        ['run', 'created', 'strategy', 'symbol', 'tf', 'hash', ...KEY_METRICS],
        page.runs.map((r) => [r.id, isoOf(r.createdAt), nameWithParams(r), r.symbol, r.timeframe, r.hash.slice(0, 12), ...KEY_METRICS.map((m) => fmt(r.metrics[m]))]),
      );
      printLine(`${page.runs.length} of ${page.total}`);
    }),
};

export const runsShowCommand: Command = {
  words: ['runs', 'show'],
  usage: 'bws runs show RUN_ID [--json] [--out DIR]',
  summary: 'Shows one run: its spec, metrics and trades; --out writes trades.csv, equity.csv, report.json.',
  options: { out: { type: 'string' } },
  run: (input) =>
    withRuns(input, (runs) => {
      const [id] = ids(input, [1, 1]);
      const run = getRun(runs, runId(id!));
      const { equity, ...rest } = run;
      const out = stringFlag(input, 'out');
      const files = out ? writeRunFiles(path.resolve(out), { trades: run.trades as unknown as Trade[], ts: equity.ts, equity: equity.equity, report: rest }) : [];
      if (boolFlag(input, 'json')) return printJson({ ...rest, equityPoints: equity.equity.length, ...(files.length ? { files } : {}) });
      printLine(`Run ${run.id}: ${run.name} on ${run.symbol} ${run.timeframe}, ${run.barCount} bars, engine ${run.engineVersion}`);
      printLine(`hash ${run.hash}`);
      printTable(['metric', 'value'], Object.entries(run.metrics).map(([k, v]) => [k, fmt(v)]));
      printLine(`${run.trades.length} trades`);
      for (const f of files) printLine(`wrote ${f}`);
    }),
};

export const runsCompareCommand: Command = {
  words: ['runs', 'compare'],
  usage: 'bws runs compare RUN_ID RUN_ID [RUN_ID RUN_ID] [--json]',
  summary: 'Puts 2-4 runs side by side: every metric by name.',
  options: {},
  run: (input) =>
    withRuns(input, (runs) => {
      const data = compareRuns(runs, ids(input, [2, 4]).map((id) => runId(id)));
      if (boolFlag(input, 'json')) {
        return printJson({ runs: data.runs, metrics: data.metrics, equityPoints: data.equity.map((e) => e.equity.length) });
      }
      printTable(['metric', ...data.runs.map((r) => r.id)], data.metrics.map((m) => [m.name, ...m.values.map(fmt)]));
    }),
};

export const runsDeleteCommand: Command = {
  words: ['runs', 'delete'],
  usage: 'bws runs delete RUN_ID [--json]',
  summary: 'Deletes a run with its trades and equity curve.',
  options: {},
  run: (input) =>
    withRuns(input, (runs) => {
      const [id] = ids(input, [1, 1]);
      const result = deleteRun(runs, runId(id!));
      if (boolFlag(input, 'json')) printJson({ deleted: result.id });
      else printLine(`Deleted run ${result.id}`);
    }),
};
