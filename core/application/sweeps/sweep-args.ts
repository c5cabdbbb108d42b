import { DomainError } from '../../domain/errors.js';
import { parseConstraint, type Constraint } from '../../domain/optimize/constraints.js';
import { expandRange, paramRange, type ParamRange } from '../../domain/optimize/param-space.js';
import type { SearchMethod } from '../../domain/optimize/search.js';
import type { SweepSource } from '../../domain/optimize/variant-spec.js';
import { MAX_PARAM_VALUES, MAX_SWEEP_VARIANTS, type StartSweepArgs } from './contract.js';
import { ValidationError } from '../errors.js';
import { checkSweepConfig } from './search-variants.js';
import type { SweepConfig } from './ports.js';
import { toObjective, type RunSweepArgs } from './run-sweep.js';
import { parseSpec } from '../strategies/strategy-service.js';

const DEFAULT_SEED = 1;

/** Runs `fn`, turning domain rule violations into a ValidationError the UI can show. */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
}

function toRange(p: StartSweepArgs['space'][number]): ParamRange {
  if ('values' in p) return checked(() => paramRange(p.name, p.values));
  // Count before expanding: a typo like 1:1e9:1 must not allocate first and complain after.
  const count = Math.floor((p.max - p.min) / p.step + 1e-9) + 1;
  if (count > MAX_PARAM_VALUES) throw new ValidationError(`Parameter "${p.name}": ${p.min}:${p.max}:${p.step} has ${count} values; at most ${MAX_PARAM_VALUES}`);
  return checked(() => paramRange(p.name, expandRange(p.min, p.max, p.step)));
}

function toSource(source: StartSweepArgs['source']): SweepSource {
  if (source.kind === 'spec') return { kind: 'spec', spec: parseSpec(source.spec) };
  return {
    kind: 'template',
    templateId: source.templateId,
    ...(source.base ? { base: source.base } : {}),
    ...(source.fixed ? { fixed: source.fixed } : {}),
  };
}

function toMethod(method: StartSweepArgs['method']): SearchMethod {
  if (!method || method.kind === 'grid') return { kind: 'grid' };
  if (method.kind === 'random') return { kind: 'random', samples: method.samples, seed: method.seed ?? DEFAULT_SEED };
  const { seed, ...rest } = method;
  return { ...rest, seed: seed ?? DEFAULT_SEED };
}

/** What to do about a search planning too many variants, by method: never the method already chosen. */
const TOO_BIG_ADVICE: Readonly<Record<SearchMethod['kind'], string>> = {
  grid: 'narrow the ranges or use random or genetic search',
  random: 'draw fewer samples',
  genetic: 'use a smaller population or fewer generations',
};

/** Variants a method may plan at most over a space (before constraints drop any). */
export function plannedUpperBound(space: readonly ParamRange[], method: SearchMethod): number {
  const grid = space.reduce((n, p) => n * p.values.length, 1);
  if (method.kind === 'grid') return grid;
  if (method.kind === 'random') return Math.min(grid, method.samples);
  return Math.min(grid, method.population * method.generations);
}

/**
 * Turns a `sweeps/start` or `walkforward/start` payload into the use case's arguments and
 * checks everything that can be checked before a job starts (names, constraints, the
 * template or spec, the objective, the size of the search), so mistakes are answered at
 * once as ValidationError instead of a failed job.
 */
export function toRunSweepArgs(args: Omit<StartSweepArgs, 'name' | 'target'> & { readonly name?: string | undefined }): RunSweepArgs {
  const space = args.space.map(toRange);
  const constraints: Constraint[] = (args.constraints ?? []).map((c) => (typeof c === 'string' ? checked(() => parseConstraint(c)) : c));
  const method = toMethod(args.method);
  const objective = toObjective(args.objective);
  const config: SweepConfig = { source: toSource(args.source), space, constraints, method, objective };
  checkSweepConfig(config);
  const planned = plannedUpperBound(space, method);
  if (planned > MAX_SWEEP_VARIANTS) {
    throw new ValidationError(`The search plans up to ${planned.toLocaleString('en-US')} variants; at most ${MAX_SWEEP_VARIANTS.toLocaleString('en-US')} (${TOO_BIG_ADVICE[method.kind]})`, {
      planned,
      max: MAX_SWEEP_VARIANTS,
    });
  }
  return {
    ...config,
    ...(args.symbol === undefined ? {} : { symbol: args.symbol }),
    ...(args.universe === undefined ? {} : { universe: args.universe }),
    timeframe: args.timeframe,
    ...(args.fromTs === undefined ? {} : { fromTs: args.fromTs }),
    ...(args.toTs === undefined ? {} : { toTs: args.toTs }),
    ...(args.magnifier === undefined ? {} : { magnifier: args.magnifier }),
    ...(args.quantityStep === undefined ? {} : { quantityStep: args.quantityStep }),
    ...(args.name === undefined ? {} : { name: args.name }),
  };
}
