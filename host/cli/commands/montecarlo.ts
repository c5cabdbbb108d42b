import { runMonteCarlo } from '../../../core/application/sweeps/monte-carlo.js';
import { runId } from '../../../core/domain/market/ids.js';
import type { MonteCarloMethod } from '../../../core/domain/optimize/monte-carlo.js';
import { SqliteRunStore } from '../../../core/infrastructure/runs/sqlite-run-store.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode } from '../command.js';
import { withStorage } from '../context.js';
import { printJson, printLine, printTable } from '../output.js';
import { parseNumberArg } from '../time-args.js';
import { fmt } from './optimize.js';

export const montecarloCommand: CommandCode = {
  async run(input) {
    const id = stringFlag(input, 'run');
    if (!id) throw new UsageError('--run RUN_ID is required');
    const method = stringFlag(input, 'method') ?? 'bootstrap';
    if (method !== 'bootstrap' && method !== 'shuffle') throw new UsageError(`--method: expected bootstrap or shuffle, got "${method}"`);
    const simulations = parseNumberArg('--simulations', stringFlag(input, 'simulations')) ?? 1000;
    const seed = parseNumberArg('--seed', stringFlag(input, 'seed')) ?? 1;
    const thresholds = stringFlag(input, 'drawdown')?.split(',').map((t) => parseNumberArg('--drawdown', t)!);
    const json = boolFlag(input, 'json');
    return withStorage(input, (storage) => {
      const result = runMonteCarlo(new SqliteRunStore(storage.writer), {
        runId: runId(id),
        simulations,
        seed,
        method: method as MonteCarloMethod,
        ...(thresholds ? { drawdownThresholdsPct: thresholds } : {}),
      });
      const { finalEquity, maxDrawdownPct, ...rest } = result;
      const summary = ({ sorted: _sorted, ...d }: typeof finalEquity) => d;
      if (json) {
        printJson({ ...rest, finalEquity: summary(finalEquity), maxDrawdownPct: summary(maxDrawdownPct) });
        return;
      }
      printLine(`Run ${result.runId}: ${result.trades} closed trades, ${result.simulations} ${result.method} simulations, seed ${result.seed}`);
      printLine(`Closed trades in the run's order, compounded like the simulations: final equity ${fmt(result.original.finalEquity)}, max drawdown ${fmt(result.original.maxDrawdownPct)} %`);
      if (result.openPositionPnl !== null) {
        printLine(`Not resampled: the position still open at the end (unrealized ${fmt(result.openPositionPnl)}); the run ended at ${fmt(result.runFinalEquity)} with it`);
      }
      printTable(
        ['', 'p5', 'p25', 'p50', 'p75', 'p95', 'mean'],
        [finalEquity, maxDrawdownPct].map((d, i) => [i === 0 ? 'final equity' : 'max drawdown %', ...Object.values(d.percentiles).map(fmt), fmt(d.mean)]),
      );
      printLine(`Probability of loss: ${fmt(result.probabilityOfLossPct)} %`);
      for (const e of result.drawdownExceedance) printLine(`Probability of a drawdown worse than ${e.thresholdPct} %: ${fmt(e.probabilityPct)} %`);
    });
  },
};
