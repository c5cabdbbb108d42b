import path from 'node:path';
import { ConflictError } from '../../../core/application/errors.js';
import { parseTimeframe } from '../../../core/domain/market/timeframe.js';
import { exportBarsCsv } from '../../../core/infrastructure/csv/export-csv.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type Command } from '../command.js';
import { withStorage } from '../context.js';
import { printJson, printLine } from '../output.js';
import { isoOf, parseIsoArg } from '../time-args.js';

export const dataExportCommand: Command = {
  words: ['data', 'export'],
  usage: 'bws data export --symbol SYM [--from ISO] [--to ISO] [--timeframe TF] [--overwrite] FILE [--json]',
  summary: 'Writes the bars of a range [from, to) to a CSV file (ISO 8601 UTC timestamps); an existing FILE is kept unless --overwrite.',
  options: { symbol: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, timeframe: { type: 'string' }, overwrite: { type: 'boolean' } },
  async run(input) {
    const file = input.positionals[0];
    if (!file || input.positionals.length > 1) throw new UsageError(`expected exactly one FILE\nusage: ${this.usage}`);
    const symbol = stringFlag(input, 'symbol');
    if (!symbol) throw new UsageError('--symbol is required');
    let timeframe;
    try {
      timeframe = parseTimeframe(stringFlag(input, 'timeframe') ?? '1m');
    } catch (error) {
      throw new UsageError(`--timeframe: ${(error as Error).message}`);
    }
    const fromTs = parseIsoArg('--from', stringFlag(input, 'from'));
    const toTs = parseIsoArg('--to', stringFlag(input, 'to'));
    const outFile = path.resolve(file);
    const report = await withStorage(input, (storage) => {
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
