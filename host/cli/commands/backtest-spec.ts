import { readFileSync } from 'node:fs';
import type { Direction } from '../../../core/domain/strategy/spec.js';
import { createSpecFromTemplate } from '../../../core/application/strategies/strategy-service.js';
import { UsageError } from '../cli-error.js';
import { listFlag, stringFlag, type CommandInput } from '../command.js';
import { parseNumberArg } from '../time-args.js';

const isDirection = (value: string): value is Direction => value === 'long' || value === 'short' || value === 'both';

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
  const direction = stringFlag(input, 'direction');
  if (direction !== undefined && !isDirection(direction)) throw new UsageError(`--direction: expected long, short or both, got "${direction}"`);
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
    if (direction !== undefined) spec.direction = direction;
  } else {
    // The template builds the sides the direction trades (a short entry for short and
    // both), as `bws optimize` does: setting the direction afterwards would leave a
    // long-only spec trading short, which validation refuses.
    spec = { ...createSpecFromTemplate(template!, parseParams(input), direction === undefined ? undefined : { direction }) };
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

/** `--rank VARIABLE[(NAME=VALUE,...)]:desc|asc`, e.g. `roc(period=48):desc`: a catalog variable and its order (the spec validation checks the variable). */
export function parseRank(raw: string): { by: { kind: 'variable'; variable: string; params?: Record<string, number> }; order: 'desc' | 'asc' } {
  const match = /^([A-Za-z][A-Za-z0-9_]*)(?:\(([^)]*)\))?:(desc|asc)$/.exec(raw.trim());
  if (!match) throw new UsageError(`--rank "${raw}": expected VARIABLE:desc or VARIABLE:asc, with parameters as VARIABLE(NAME=VALUE,...):desc`);
  const params: Record<string, number> = {};
  for (const pair of (match[2] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const param = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(pair);
    if (!param) throw new UsageError(`--rank "${raw}": parameter "${pair}" is not NAME=VALUE`);
    params[param[1]!] = parseNumberArg(`--rank ${match[1]} ${param[1]}`, param[2])!;
  }
  return { by: { kind: 'variable', variable: match[1]!, ...(Object.keys(params).length > 0 ? { params } : {}) }, order: match[3] as 'desc' | 'asc' };
}

/**
 * Applies `--max-positions N` and `--rank ...` to the spec's portfolio rules (kept from a
 * spec file otherwise). A ranking needs the slots: `--rank` without `--max-positions` on
 * a spec without portfolio rules is a usage error.
 */
export function applyPortfolioFlags(spec: Record<string, unknown>, input: CommandInput): Record<string, unknown> {
  const maxPositions = parseNumberArg('--max-positions', stringFlag(input, 'max-positions'));
  const rank = stringFlag(input, 'rank');
  if (maxPositions === undefined && rank === undefined) return spec;
  const current = typeof spec.portfolio === 'object' && spec.portfolio !== null ? (spec.portfolio as Record<string, unknown>) : undefined;
  if (maxPositions === undefined && current === undefined) throw new UsageError('--rank needs --max-positions N (or a spec file with portfolio.maxPositions)');
  return {
    ...spec,
    portfolio: {
      ...current,
      ...(maxPositions === undefined ? {} : { maxPositions }),
      ...(rank === undefined ? {} : { ranking: parseRank(rank) }),
    },
  };
}

/** What a command runs on, from `--symbol SYM`, `--symbols A,B,C` or `--universe TAG` (at most one). */
export interface TargetFlags {
  readonly symbol?: string;
  readonly universe?: { readonly symbols: string[] } | { readonly tag: string };
}

/** `--symbols A,B,C`: the listed symbols (a usage error for an empty one or a repeat). */
function symbolsFlag(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const symbols = raw.split(',').map((s) => s.trim());
  if (symbols.some((s) => s === '')) throw new UsageError(`--symbols "${raw}": expected symbols separated by commas, none empty`);
  const repeated = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (repeated !== undefined) throw new UsageError(`--symbols: ${repeated} is listed twice`);
  return symbols;
}

/** Reads `--symbol`, `--symbols` and `--universe` (shared by backtest, optimize and walkforward): a usage error for more than one. */
export function targetFlags(input: CommandInput): TargetFlags {
  const symbol = stringFlag(input, 'symbol');
  const symbols = symbolsFlag(stringFlag(input, 'symbols'));
  const tag = stringFlag(input, 'universe');
  if ([symbol, symbols, tag].filter((x) => x !== undefined).length > 1) throw new UsageError('give one of --symbol SYM, --symbols A,B,C or --universe TAG');
  return {
    ...(symbol === undefined ? {} : { symbol }),
    ...(symbols ? { universe: { symbols } } : tag !== undefined ? { universe: { tag } } : {}),
  };
}

/** The target flags, or a usage error when they name nothing and the spec (JSON) has no `portfolio.universe` of its own. */
export function requireTarget(flags: TargetFlags, spec: Record<string, unknown>): TargetFlags {
  const specUniverse = typeof spec.portfolio === 'object' && spec.portfolio !== null && 'universe' in spec.portfolio;
  if (flags.symbol === undefined && flags.universe === undefined && !specUniverse) {
    throw new UsageError('--symbol is required (or --symbols A,B,C / --universe TAG for a portfolio, or a spec file with portfolio.universe)');
  }
  return flags;
}
