import { DomainError } from '../errors.js';

/**
 * One optimized parameter: its name (a template parameter, or a JSON path into the
 * spec such as `entry.long.children[0].left.params.period`) and the values it takes,
 * in order. Ranges are expanded to their values once, so every method (grid, random,
 * genetic) works on indices into the same list.
 */
export interface ParamRange {
  readonly name: string;
  readonly values: readonly number[];
}

/** Values of one variant by parameter name. */
export type ParamValues = Readonly<Record<string, number>>;

/** A point of the space as one index per parameter (same order as the space). */
export type GridPoint = readonly number[];

/** Upper bound on a single parameter's expanded values (a typo like 1:1e9:1 is not a range). */
export const MAX_VALUES_PER_PARAM = 100_000;

/** Decimal places of a number as written (0.25 -> 2, 1e-3 -> 3), to round range steps. */
function decimals(x: number): number {
  if (Number.isInteger(x)) return 0;
  const text = String(x);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]) + (text.split('e')[0]!.split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

/**
 * Expands `min..max` by `step` (max included when on the grid). Values are rounded to the
 * decimals of min and step, so 0.1:0.3:0.1 gives 0.1, 0.2, 0.3 and not 0.30000000000000004.
 */
export function expandRange(min: number, max: number, step: number): number[] {
  if (![min, max, step].every(Number.isFinite)) throw new DomainError(`Range ${min}:${max}:${step} must be finite numbers`);
  if (step <= 0) throw new DomainError(`Range step must be > 0, got ${step}`);
  if (max < min) throw new DomainError(`Range max (${max}) is below min (${min})`);
  const count = Math.floor((max - min) / step + 1e-9) + 1;
  if (count > MAX_VALUES_PER_PARAM) throw new DomainError(`Range ${min}:${max}:${step} has ${count} values; at most ${MAX_VALUES_PER_PARAM}`);
  const places = Math.min(12, Math.max(decimals(min), decimals(step)));
  const scale = 10 ** places;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.round((min + i * step) * scale) / scale);
  return out;
}

/**
 * Parses `NAME=MIN:MAX:STEP` or `NAME=a,b,c` (a single value is a list of one).
 * NAME is anything up to the first '=' (a JSON path may hold dots and brackets).
 */
export function parseParamRange(text: string): ParamRange {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new DomainError(`Parameter "${text}": expected NAME=MIN:MAX:STEP or NAME=a,b,c`);
  const name = text.slice(0, eq).trim();
  const body = text.slice(eq + 1).trim();
  const num = (s: string): number => {
    const n = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(n)) throw new DomainError(`Parameter "${name}": "${s}" is not a number`);
    return n;
  };
  if (body.includes(':')) {
    const parts = body.split(':');
    if (parts.length !== 3) throw new DomainError(`Parameter "${name}": a range is MIN:MAX:STEP, got "${body}"`);
    return paramRange(name, expandRange(num(parts[0]!), num(parts[1]!), num(parts[2]!)));
  }
  return paramRange(name, body.split(',').map(num));
}

/** Builds a range from explicit values (duplicates removed, order kept). */
export function paramRange(name: string, values: readonly number[]): ParamRange {
  if (name === '') throw new DomainError('A parameter needs a name');
  const unique = [...new Set(values)];
  if (unique.length === 0) throw new DomainError(`Parameter "${name}" has no values`);
  if (!unique.every(Number.isFinite)) throw new DomainError(`Parameter "${name}" has a value that is not a finite number`);
  return { name, values: unique };
}

/** Checks the space: at least one parameter, names unique. */
export function checkSpace(space: readonly ParamRange[]): void {
  if (space.length === 0) throw new DomainError('Give at least one parameter to optimize');
  const names = new Set<string>();
  for (const p of space) {
    if (names.has(p.name)) throw new DomainError(`Parameter "${p.name}" is given twice`);
    names.add(p.name);
  }
}

/** Number of grid points (before constraints). */
export function gridSize(space: readonly ParamRange[]): number {
  return space.reduce((n, p) => n * p.values.length, 1);
}

/** The parameter values of a grid point. */
export function valuesAt(space: readonly ParamRange[], point: GridPoint): ParamValues {
  const out: Record<string, number> = {};
  space.forEach((p, i) => {
    out[p.name] = p.values[point[i]!]!;
  });
  return out;
}

/** A stable key of a point's values (for de-duplication). */
export function pointKey(point: GridPoint): string {
  return point.join(',');
}
