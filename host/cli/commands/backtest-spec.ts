import { readFileSync } from 'node:fs';
import { createSpecFromTemplate } from '../../../core/application/strategies/strategy-service.js';
import { UsageError } from '../cli-error.js';
import { listFlag, stringFlag, type CommandInput } from '../command.js';
import { parseNumberArg } from '../time-args.js';

/** Parses `--param NAME=VALUE` flags into numbers by name. */
export function parseParams(input: CommandInput): Record<string, number> {
  const params: Record<string, number> = {};
  for (const raw of listFlag(input, 'param')) {
    const match = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(raw);
    if (!match) throw new UsageError(`--param "${raw}": expected NAME=VALUE`);
    params[match[1]!] = parseNumberArg(`--param ${match[1]}`, match[2])!;
  }
  return params;
}

/**
 * Builds the spec JSON from --spec FILE or --template NAME [--param ...], then applies
 * --direction/--cash/--commission/--slippage. The result is validated by the use case.
 */
export function specFromFlags(input: CommandInput): unknown {
  const file = stringFlag(input, 'spec');
  const template = stringFlag(input, 'template');
  if ((file === undefined) === (template === undefined)) throw new UsageError('give exactly one of --spec FILE or --template NAME');
  let spec: Record<string, unknown>;
  if (file !== undefined) {
    if (listFlag(input, 'param').length > 0) throw new UsageError('--param goes with --template');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--spec: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      spec = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--spec: ${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new UsageError(`--spec: ${file} must hold a JSON object`);
  } else {
    spec = { ...createSpecFromTemplate(template!, parseParams(input)) };
  }
  const direction = stringFlag(input, 'direction');
  if (direction !== undefined) {
    if (!['long', 'short', 'both'].includes(direction)) throw new UsageError(`--direction: expected long, short or both, got "${direction}"`);
    spec.direction = direction;
  }
  const cash = parseNumberArg('--cash', stringFlag(input, 'cash'));
  if (cash !== undefined) spec.initialCash = cash;
  const commission = parseNumberArg('--commission', stringFlag(input, 'commission'));
  const slippage = parseNumberArg('--slippage', stringFlag(input, 'slippage'));
  if (commission !== undefined || slippage !== undefined) {
    const costs = (typeof spec.costs === 'object' && spec.costs !== null ? spec.costs : {}) as Record<string, unknown>;
    spec.costs = {
      ...costs,
      ...(commission === undefined ? {} : { commissionPct: commission }),
      ...(slippage === undefined ? {} : { slippageBps: slippage }),
    };
  }
  return spec;
}
