// `bws`: the workstation's command line. Each command lives in host/cli/commands/.
import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, type CommandSpec } from './cli/command.js';
import { UsageError } from './cli/cli-error.js';
import { reportError } from './cli/output.js';
import { COMMANDS } from './cli/commands/index.js';

function helpText(): string {
  const lines = COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    'bws: backtesting workstation',
    '',
    'Usage:',
    ...lines,
    '',
    'Every command takes --data-dir DIR (or env BWS_DATA_DIR); default: the per-user app data folder.',
    '--json prints one JSON object on stdout; errors go to stderr with a non-zero exit.',
  ].join('\n');
}

function findCommand(argv: readonly string[]): { command: CommandSpec; rest: string[] } | null {
  // Longest match of command words first ('data import' before 'data').
  const sorted = [...COMMANDS].sort((a, b) => b.words.length - a.words.length);
  for (const command of sorted) {
    if (command.words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(command.words.length) };
  }
  return null;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    // The words typed as the command: up to two, before the first option ('bws frobnicate --json').
    const words: string[] = [];
    for (const arg of argv.slice(0, 2)) {
      if (arg.startsWith('-')) break;
      words.push(arg);
    }
    throw new UsageError(words.length > 0 ? `unknown command "${words.join(' ')}"; run \`bws --help\`` : `no command before ${argv[0]}; run \`bws --help\``);
  }
  const { command, rest } = found;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\nusage: ${command.usage}`);
  }
  if (parsed.values.help) {
    process.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  const code = await (await command.load()).run({ values: parsed.values, positionals: parsed.positionals }, command);
  return code ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
