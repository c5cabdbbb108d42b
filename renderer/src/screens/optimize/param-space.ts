import { checkConstraints, parseConstraint } from '../../../../core/domain/optimize/constraints.js';
import { specParameterLimit, specPathLimit } from '../../../../core/domain/optimize/param-limits.js';
import { canonicalSpecPath, parameterValue } from '../../../../core/domain/strategy/parameters.js';
import { withinBounds, type NumberLimit } from '../../../../core/domain/strategy/limits.js';
import type { ArgsOf, StrategySpec } from '../../api/contract.js';
import { formatBound } from '../../app/format.js';
import { specPathLabel } from '../../app/spec-summary.js';

export type SweepArgs = ArgsOf<'sweeps/start'>;
export type ObjectiveMetric = SweepArgs['objective']['metric'];

/** A parameter the user may optimize: its name (template param or JSON path), a label in words and current value. */
export interface TunableParam {
  readonly name: string;
  readonly label: string;
  readonly value: number;
  /** The values the validator allows (the domain's limit of the parameter); none for numbers nothing bounds (a constant compared with). */
  readonly bounds?: NumberLimit;
  /** A named parameter of the strategy (fast, slow): offered first, by its name. */
  readonly named?: boolean;
}

/** A range row of the form, kept as text so half-typed numbers survive. */
export interface RangeRow {
  readonly name: string;
  readonly enabled: boolean;
  readonly min: string;
  readonly max: string;
  readonly step: string;
  /** The parameter takes whole numbers only (a period): a fractional range would plan invalid variants. */
  readonly integer?: boolean;
  /** What messages call the parameter ('Fast period'); its name when absent. */
  readonly label?: string;
  /** The allowed values: a range reaching outside them would plan invalid variants. */
  readonly bounds?: NumberLimit;
}

// Fields of a spec that are identifiers or bookkeeping, not tunable numbers.
const SKIPPED = new Set(['version', 'initialCash']);

/**
 * Returns every number in a spec as a JSON path the sweep understands
 * (`entry.long.children[0].left.params.period`), in document order.
 */
export function numericPaths(spec: unknown): TunableParam[] {
  const out: TunableParam[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'number') {
      if (Number.isFinite(node)) out.push({ name: path, label: path, value: node });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((child, index) => walk(child, `${path}[${index}]`));
      return;
    }
    if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (path === '' && SKIPPED.has(key)) continue;
        walk(child, path ? `${path}.${key}` : key);
      }
    }
  };
  walk(spec, '');
  return out;
}

/** A step of 1, 2 or 5 times a power of ten, about `span / target` wide. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0)) return 1;
  const raw = span / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return unit * power;
}

/**
 * A starting range around the current value: half to double, about six values, always
 * inside the parameter's bounds. The bounds are far wider (an SMA period of 1..1000) and a
 * grid over them would plan millions of variants, so they only clamp.
 */
export function defaultRange(param: TunableParam): { min: number; max: number; step: number } {
  const value = param.value;
  const bounds = param.bounds;
  const integer = bounds?.integer ?? Number.isInteger(value);
  let min = value === 0 ? 0 : value / 2;
  let max = value === 0 ? 1 : value * 2;
  if (min > max) [min, max] = [max, min];
  let step = niceStep(max - min, 6);
  if (integer) step = Math.max(1, Math.round(step));
  if (bounds) step = Math.max(step, bounds.step);
  min = Math.ceil(min / step) * step;
  max = Math.floor(max / step) * step;
  if (bounds) {
    // Lowest allowed: the bound itself, or for an exclusive bound the first step above it.
    const lowest = bounds.aboveMin ? (Math.floor(bounds.min / step) + 1) * step : bounds.min;
    min = Math.min(Math.max(min, lowest), bounds.max);
    max = Math.min(max, bounds.max);
  }
  const round = (x: number): number => Number(x.toPrecision(12));
  return { min: round(min), max: round(Math.max(min, max)), step: round(step) };
}

/** The allowed values in words: 'between 1 and 1,000', 'above 0 and at most 1B'. */
export function boundsText(bounds: NumberLimit): string {
  return bounds.aboveMin ? `above ${formatBound(bounds.min)} and at most ${formatBound(bounds.max)}` : `between ${formatBound(bounds.min)} and ${formatBound(bounds.max)}`;
}

/** True when typed text is a number outside `bounds`; text that is no number yet is the count's problem, not this one. */
export function outsideBounds(text: string, bounds: NumberLimit | undefined): boolean {
  const value = Number(text);
  if (!bounds || text.trim() === '' || !Number.isFinite(value)) return false;
  return !withinBounds(value, bounds);
}

/** Why a row's min or max lies outside its parameter's bounds ('Fast period must be between 1 and 1,000'), or null. */
export function rangeProblem(row: Pick<RangeRow, 'name' | 'label' | 'min' | 'max' | 'bounds'>): string | null {
  if (!row.bounds || (!outsideBounds(row.min, row.bounds) && !outsideBounds(row.max, row.bounds))) return null;
  return `${row.label ?? row.name} must be ${boundsText(row.bounds)}`;
}

/**
 * The numbers of a saved spec the user may optimize: its named parameters first, by name
 * ('fast', every field it sets moving together), then every other number by path, named in
 * the builder's words; each with the validator's limits. A parameter's fields are not
 * offered on their own (set alone, a field would leave its parameter's other fields behind).
 */
export function specParams(spec: StrategySpec): TunableParam[] {
  const named = (spec.parameters ?? []).flatMap((parameter): TunableParam[] => {
    const value = parameterValue(spec, parameter);
    if (value === undefined) return [];
    const bounds = specParameterLimit(spec, parameter.name)?.limit;
    const label = parameter.label ? `${parameter.name} (${parameter.label})` : parameter.name;
    return [{ name: parameter.name, label, value, named: true, ...(bounds ? { bounds } : {}) }];
  });
  const linked = new Set((spec.parameters ?? []).flatMap((parameter) => parameter.paths.map(canonicalSpecPath)));
  const paths = numericPaths(spec)
    .filter((p) => !linked.has(p.name))
    .map((p) => {
      const bounds = specPathLimit(spec, p.name)?.limit;
      return { ...p, label: specPathLabel(spec, p.name), ...(bounds ? { bounds } : {}) };
    });
  // Costs last, where the form offers them apart (see isCostParam).
  return [...named, ...paths.filter((p) => !isCostParam(p.name)), ...paths.filter((p) => isCostParam(p.name))];
}

/**
 * A cost of trading (commission per side or per order, slippage): a sweep maximizing any
 * return measure just picks the lowest, so the form offers costs only when asked to.
 */
export function isCostParam(name: string): boolean {
  return name.startsWith('costs.');
}

/** The rows a sweep searches: the cost rows only when the form offers them. */
export function sweptRows(rows: readonly RangeRow[], withCosts: boolean): readonly RangeRow[] {
  return withCosts ? rows : rows.filter((row) => !isCostParam(row.name));
}

/** The constraint a sweep starts with: fast < slow when the strategy has both (a template's or a saved strategy's names). */
export function defaultConstraints(names: readonly string[]): string {
  return names.includes('fast') && names.includes('slow') ? 'fast < slow' : '';
}

/** Values a min/max/step range expands to (what the grid plans), or null if the text is not a range. */
export function valueCount(row: Pick<RangeRow, 'min' | 'max' | 'step'>): number | null {
  const min = Number(row.min);
  const max = Number(row.max);
  const step = Number(row.step);
  if (![row.min, row.max, row.step].every((t) => t.trim() !== '') || !Number.isFinite(min) || !Number.isFinite(max) || !(step > 0) || max < min) return null;
  // A small epsilon: 0.1 steps must not lose the last value to rounding.
  return Math.floor((max - min) / step + 1e-9) + 1;
}

/** The space to send: the enabled rows, or an error naming the first bad one. */
export function toSpace(rows: readonly RangeRow[]): { space: SweepArgs['space']; planned: number } | { error: string } {
  const space: SweepArgs['space'] = [];
  let planned = 1;
  for (const row of rows) {
    if (!row.enabled) continue;
    const count = valueCount(row);
    if (count === null) return { error: `${row.label ?? row.name}: min, max and step must be numbers with min <= max and step > 0` };
    if (row.integer && ![row.min, row.max, row.step].every((text) => Number.isInteger(Number(text)))) {
      return { error: `${row.label ?? row.name} takes whole numbers: min, max and step must be whole` };
    }
    const outside = rangeProblem(row);
    if (outside) return { error: outside };
    planned *= count;
    space.push({ name: row.name, min: Number(row.min), max: Number(row.max), step: Number(row.step) });
  }
  if (space.length === 0) return { error: 'Pick at least one parameter to optimize.' };
  return { space, planned };
}

/** Constraints typed as `fast < slow, slow <= 200`: one per comma or line. */
export function parseConstraints(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((part) => part.replace(/\s+/g, ''))
    .filter((part) => part.length > 0);
}

/**
 * Why the typed constraints would be refused at Start (the server's own parser and check):
 * a malformed one, or a name that is not among the ticked parameters (`fast<slow` for a
 * strategy whose parameters have other names); null when they are fine.
 */
export function constraintProblem(text: string, names: readonly string[]): string | null {
  try {
    checkConstraints(parseConstraints(text).map(parseConstraint), names);
    return null;
  } catch (failure) {
    return failure instanceof Error ? failure.message : String(failure);
  }
}

/**
 * Names a sweep's parameters for people: a saved spec's paths in the builder's words, a
 * template's parameter names as they are ('fast').
 */
export function paramNamer(source: Readonly<Record<string, unknown>> | SweepArgs['source']): (name: string) => string {
  if (source.kind !== 'spec' || typeof source.spec !== 'object' || source.spec === null) return (name) => name;
  // Stored from a validated sweep, so a StrategySpec (the detail types its source loosely).
  const spec = source.spec as StrategySpec;
  return (name) => specPathLabel(spec, name);
}
