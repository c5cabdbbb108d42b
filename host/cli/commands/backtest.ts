import path from 'node:path';
import { runBacktest } from '../../../core/application/backtest/run-backtest.js';
import type { Trade } from '../../../core/domain/engine/types.js';
import { parseTimeframe, type Timeframe } from '../../../core/domain/market/timeframe.js';
import { SqliteRunStore } from '../../../core/infrastructure/runs/sqlite-run-store.js';
import { WorkerBacktestExecutor } from '../../../core/infrastructure/workers/worker-backtest-executor.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type Command } from '../command.js';
import { withStorage } from '../context.js';
import { createProgress, printJson, printLine, printTable } from '../output.js';
import { writeRunFiles } from '../run-files.js';
import { parseIsoArg, parseNumberArg } from '../time-args.js';
import { SPEC_OPTIONS, specFromFlags } from './backtest-spec.js';

export function timeframeFlag(value: string | undefined): Timeframe {
  try {
    return parseTimeframe(value ?? '1m');
  } catch (error) {
    throw new UsageError(`--timeframe: ${(error as Error).message}`);
  }
}

const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v === null ? 'n/a' : String(v));

export const backtestCommand: Command = {
  words: ['backtest'],
  usage:
    'bws backtest (--spec FILE | --template NAME [--param NAME=VALUE ...]) --symbol SYM [--timeframe TF] [--from ISO] [--to ISO] [--direction long|short|both] [--cash N] [--commission PCT] [--slippage BPS] [--qty-step N] [--no-magnifier] [--json] [--out DIR]',
  summary: 'Runs a backtest in a worker thread, stores the run (with its hash) and prints its metrics.',
  options: {
    ...SPEC_OPTIONS,
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'qty-step': { type: 'string' },
    'no-magnifier': { type: 'boolean' },
    out: { type: 'string' },
  },
  async run(input) {
    const symbol = stringFlag(input, 'symbol');
    if (!symbol) throw new UsageError('--symbol is required');
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"`);
    const spec = specFromFlags(input);
    const timeframe = timeframeFlag(stringFlag(input, 'timeframe'));
    const fromTs = parseIsoArg('--from', stringFlag(input, 'from'));
    const toTs = parseIsoArg('--to', stringFlag(input, 'to'));
    const quantityStep = parseNumberArg('--qty-step', stringFlag(input, 'qty-step'));
    const json = boolFlag(input, 'json');
    const out = stringFlag(input, 'out');
    return withStorage(input, async (storage) => {
      const executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
      const progress = createProgress('backtest', !json);
      try {
        const result = await runBacktest(
          { bars: storage.barStore, executor },
          {
            spec,
            symbol,
            timeframe,
            magnifier: !boolFlag(input, 'no-magnifier'),
            ...(fromTs === undefined ? {} : { fromTs }),
            ...(toTs === undefined ? {} : { toTs }),
            ...(quantityStep === undefined ? {} : { quantityStep }),
          },
          { progress: (p) => progress.update(p.done, p.total, `${p.done.toLocaleString('en-US')} bars`) },
        );
        progress.stop();
        // The worker saved the run; trades and equity are read back from the store.
        const saved = new SqliteRunStore(storage.writer).get(result.runId)!;
        const trades = saved.trades as unknown as readonly Trade[];
        const report = {
          runId: result.runId,
          hash: result.hash,
          engineVersion: result.run.engineVersion,
          symbol,
          timeframe,
          spec: result.run.name,
          metrics: result.metrics,
          openPosition: result.openPosition,
          trades,
        };
        const files = out ? writeRunFiles(path.resolve(out), { trades, ts: saved.equity.ts, equity: saved.equity.equity, report }) : [];
        if (json) {
          printJson({ ...report, ...(files.length > 0 ? { files } : {}) });
          return;
        }
        printLine(`Run ${result.runId}  hash ${result.hash}`);
        printTable(
          ['metric', 'value'],
          Object.entries(result.metrics).map(([k, v]) => [k, fmt(v)]),
        );
        if (result.openPosition) printLine(`Open position at the end (valued in equity, not counted as a trade): ${JSON.stringify(result.openPosition)}`);
        for (const f of files) printLine(`wrote ${f}`);
      } finally {
        progress.stop();
        await executor.close();
      }
    });
  },
};
