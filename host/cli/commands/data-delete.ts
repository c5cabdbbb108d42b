import { parseTimeframe, type Timeframe } from '../../../core/domain/market/timeframe.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode } from '../command.js';
import { printJson, printLine } from '../output.js';
import { withWorkstation } from '../workstation.js';

/**
 * `bws data delete`: removes an instrument's bars (one timeframe, or all of them and the
 * instrument) at once: a command line offers no undo window, so the delete is final and
 * its bars are removed before the command returns. Stored runs keep their results.
 */
export const dataDeleteCommand: CommandCode = {
  async run(input, command) {
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument ${input.positionals[0]}\nusage: ${command.usage}`);
    const symbol = stringFlag(input, 'symbol');
    if (!symbol) throw new UsageError('--symbol is required');
    const timeframeFlag = stringFlag(input, 'timeframe');
    let timeframe: Timeframe | undefined;
    try {
      timeframe = timeframeFlag === undefined ? undefined : parseTimeframe(timeframeFlag);
    } catch (error) {
      throw new UsageError(`--timeframe: ${(error as Error).message}`);
    }
    const deletion = await withWorkstation(input, async (workstation) => {
      const done = workstation.deletions.delete(symbol, timeframe, { final: true });
      await workstation.deletions.purge(done.deletionId);
      return done;
    });
    if (boolFlag(input, 'json')) {
      printJson({ symbol: deletion.symbol, timeframes: deletion.timeframes, instrumentDeleted: deletion.wholeInstrument, bars: deletion.bars });
      return;
    }
    const what = deletion.wholeInstrument ? `${deletion.symbol} (every timeframe: ${deletion.timeframes.join(', ')})` : `${deletion.symbol} ${deletion.timeframes.join(', ')}`;
    printLine(`Deleted ${deletion.bars.toLocaleString('en-US')} bars of ${what}. Stored runs keep their results.`);
  },
};
