import { runWalkForward } from '../../../core/application/sweeps/walk-forward.js';
import { WorkerBacktestExecutor } from '../../../core/infrastructure/workers/worker-backtest-executor.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode, type CommandInput } from '../command.js';
import { withStorage } from '../context.js';
import { printJson, printLine, printTable } from '../output.js';
import { isoOf, parseNumberArg } from '../time-args.js';
import { defaultTimeframe } from './backtest.js';
import { fmt, interruptSignal, progressReporter, sweepArgsFromFlags, sweepEvaluator } from './optimize.js';
import { randomUUID } from 'node:crypto';

const DAY_MS = 86_400_000;

function daysFlag(input: CommandInput, name: string, required: boolean): number | undefined {
  const v = parseNumberArg(`--${name}`, stringFlag(input, name));
  if (v === undefined && required) throw new UsageError(`--${name} DAYS is required`);
  if (v !== undefined && !(v > 0)) throw new UsageError(`--${name}: expected a number of days > 0, got ${v}`);
  return v === undefined ? undefined : v * DAY_MS;
}

export const walkforwardCommand: CommandCode = {
  async run(input) {
    const { workers, cluster: clusterUrl, ...args } = sweepArgsFromFlags(input);
    const inSampleMs = daysFlag(input, 'in-sample', true)!;
    const outOfSampleMs = daysFlag(input, 'out-of-sample', true)!;
    const stepMs = daysFlag(input, 'step', false);
    const json = boolFlag(input, 'json');
    return withStorage(input, async (storage) => {
      // As bws backtest: without --timeframe, an instrument without minutes is swept on its stored timeframe.
      const swept = stringFlag(input, 'timeframe') === undefined ? { ...args, timeframe: defaultTimeframe(storage.barStore, args.symbol) } : args;
      const target = await sweepEvaluator(storage, workers, clusterUrl);
      const executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
      const progress = progressReporter('walkforward', json, target.cluster);
      const cancel = interruptSignal();
      try {
        const result = await runWalkForward(
          { bars: storage.barStore, evaluator: target.evaluator, executor, clock: Date.now, key: `cli-wf-${randomUUID()}` },
          { ...swept, schedule: { inSampleMs, outOfSampleMs, anchored: boolFlag(input, 'anchored'), ...(stepMs === undefined ? {} : { stepMs }) } },
          { cancel, progress: (p) => progress.update(p.done, p.total, `window ${p.window + 1}/${p.windows}: ${p.done}/${p.total} variants`) },
        );
        progress.stop();
        if (json) {
          const { equity, ...rest } = result;
          printJson({ ...rest, equity: { ts: Array.from(equity.ts), equity: Array.from(equity.equity) } });
          return;
        }
        if (result.symbols) printLine(`Portfolio of ${result.symbols.length} instruments (every window's runs trade them all): ${result.symbols.join(', ')}`);
        printTable(
          ['window', 'in-sample', 'out-of-sample', 'best params', 'IS ann. %', 'OOS ann. %', 'OOS return %', 'efficiency'],
          result.windows.map((w) => [
            w.index,
            `${isoOf(w.inSample.fromTs).slice(0, 10)}..${isoOf(w.inSample.toTs).slice(0, 10)}`,
            `${isoOf(w.outOfSample.fromTs).slice(0, 10)}..${isoOf(w.outOfSample.toTs).slice(0, 10)}`,
            `${JSON.stringify(w.bestParams)}${w.fallback ? ' (fell back)' : ''}`,
            fmt(w.inSampleMetrics.annualizedReturnPct),
            fmt(w.outOfSampleMetrics.annualizedReturnPct),
            fmt(w.outOfSampleMetrics.totalReturnPct),
            fmt(w.efficiency),
          ]),
        );
        const m = result.metrics;
        printLine(
          `Stitched out-of-sample: return ${fmt(m.totalReturnPct)} %, annualized ${fmt(m.annualizedReturnPct)} %, max DD ${fmt(m.maxDrawdownPct)} %, Sharpe ${fmt(m.sharpe)}, ${m.tradeCount} trades`,
        );
        const fellBack = result.windows.filter((w) => w.fallback !== null);
        if (fellBack.length > 0) {
          printLine(`${fellBack.length} of ${result.windows.length} windows fell back: no variant made ${fellBack[0]!.fallback!.minTrades} trades in sample, so the best of all variants was used.`);
        }
        const heldAtEnd = result.windows.filter((w) => w.outOfSampleOpenPosition !== null && w.outOfSampleMetrics.tradeCount === 0);
        if (heldAtEnd.length > 0) {
          printLine(`${heldAtEnd.length} windows closed no trade out of sample yet returned something: a position opened there was still open at the window's end (valued at its last close).`);
        }
        printLine(`Efficiency (OOS annualized / mean IS annualized ${fmt(result.inSampleAnnualizedReturnPct)} %): ${fmt(result.efficiency)}${result.cancelled ? '  (cancelled)' : ''}`);
      } finally {
        cancel.dispose();
        progress.stop();
        await Promise.all([target.close(), executor.close()]);
      }
    });
  },
};
