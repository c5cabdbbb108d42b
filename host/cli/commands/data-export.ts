import path from 'node:path';
import { ConflictError, NotFoundError } from '../../../core/application/errors.js';
import type { BarStore } from '../../../core/application/data/bar-store.js';
import { requireStoredTimeframe } from '../../../core/application/data/instruments.js';
import { parseTimeframe, type Timeframe } from '../../../core/domain/market/timeframe.js';
import { exportBarsCsv } from '../../../core/infrastructure/csv/export-csv.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode } from '../command.js';
import { dataDirOf, withStorage } from '../context.js';
import { FilePolicy } from '../../../core/infrastructure/files/file-policy.js';
import { printJson, printLine } from '../output.js';
import { isoOf, parseRangeArgs } from '../time-args.js';

export const dataExportCommand: CommandCode = {
  async run(input, command) {
    const file = input.positionals[0];
    if (!file || input.positionals.length > 1) throw new UsageError(`expected exactly one FILE\nusage: ${command.usage}`);
    const symbol = stringFlag(input, 'symbol');
    if (!symbol) throw new UsageError('--symbol is required');
    const timeframeFlag = stringFlag(input, 'timeframe');
    let chosen: Timeframe | undefined;
    try {
      chosen = timeframeFlag === undefined ? undefined : parseTimeframe(timeframeFlag);
    } catch (error) {
      throw new UsageError(`--timeframe: ${(error as Error).message}`);
    }
    const { fromTs, toTs } = parseRangeArgs(stringFlag(input, 'from'), stringFlag(input, 'to'));
    const outFile = new FilePolicy({ dataDir: dataDirOf(input) }).exportTarget(path.resolve(file)).path;
    const report = await withStorage(input, (storage) => {
      const timeframe = chosen ?? onlyStoredTimeframe(storage.barStore, symbol);
      // A timeframe not stored would be written as a file of one header line ("Exported 0 bars").
      if (chosen !== undefined) requireStoredTimeframe(storage.barStore, symbol, chosen);
      try {
        return exportBarsCsv(
          storage.barStore,
          { symbol, timeframe, ...(fromTs === undefined ? {} : { fromTs }), ...(toTs === undefined ? {} : { toTs }) },
          outFile,
          { overwrite: boolFlag(input, 'overwrite') },
        );
      } catch (error) {
        if (error instanceof ConflictError) throw new ConflictError(`${outFile} already exists; nothing was written. Pass --overwrite to replace it`);
        throw error;
      }
    });
    if (boolFlag(input, 'json')) printJson(report);
    else printLine(`Exported ${report.bars.toLocaleString('en-US')} bars (${isoOf(report.firstTs)} .. ${isoOf(report.lastTs)}) to ${report.file}`);
  },
};

/** The timeframe of the symbol's bars when it has bars in exactly one; refuses none or several, naming them. */
function onlyStoredTimeframe(store: BarStore, symbol: string): Timeframe {
  const timeframes = store
    .listSeries()
    .filter((s) => s.instrument.symbol === symbol)
    .map((s) => s.timeframe);
  if (timeframes.length === 1) return timeframes[0]!;
  if (timeframes.length === 0) throw new NotFoundError(`No bars stored for "${symbol}"; import them first (bws data list shows what is stored)`);
  throw new UsageError(`--timeframe is required: ${symbol} has bars in ${timeframes.join(', ')}`);
}
