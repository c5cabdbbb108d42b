import { UsageError } from '../cli-error.js';
import { boolFlag, stringFlag, type CommandCode } from '../command.js';
import { printJson, printLine } from '../output.js';
import { call, withWorkstation } from '../workstation.js';

/** A comma-separated list of tags ('' for none); the core checks each tag's spelling. */
const tagList = (raw: string): string[] =>
  raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');

/**
 * `bws data tag`: sets an instrument's tags (`--tags a,b` replaces them, `--tags ''` clears
 * them) or edits them (`--add`, `--remove`), through the app's data/setTags. A portfolio's
 * universe can then be every instrument with a tag (`bws backtest --universe TAG`).
 */
export const dataTagCommand: CommandCode = {
  async run(input, command) {
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument ${input.positionals[0]}\nusage: ${command.usage}`);
    const symbol = stringFlag(input, 'symbol');
    if (!symbol) throw new UsageError('--symbol is required');
    const set = stringFlag(input, 'tags');
    const add = stringFlag(input, 'add');
    const remove = stringFlag(input, 'remove');
    if (set === undefined && add === undefined && remove === undefined) throw new UsageError('give --tags a,b (replaces the tags), or --add / --remove');
    if (set !== undefined && (add !== undefined || remove !== undefined)) throw new UsageError('--tags replaces the tags: give it alone, or --add / --remove');
    const answer = await withWorkstation(input, async (workstation) => {
      let tags = set === undefined ? [] : tagList(set);
      if (set === undefined) {
        const series = await call(workstation, 'data/listSeries');
        const current = series.find((s) => s.instrument.symbol === symbol)?.tags ?? [];
        const dropped = new Set(tagList(remove ?? '').map((t) => t.toLowerCase()));
        tags = [...current.filter((t) => !dropped.has(t.toLowerCase())), ...tagList(add ?? '')];
      }
      return call(workstation, 'data/setTags', { symbol, tags });
    });
    if (boolFlag(input, 'json')) printJson(answer);
    else printLine(answer.tags.length > 0 ? `${answer.symbol}: ${answer.tags.join(', ')}` : `${answer.symbol}: no tags`);
  },
};
