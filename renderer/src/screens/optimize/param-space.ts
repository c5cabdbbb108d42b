import type { ArgsOf, SpecLimits, StrategySpec } from '../../api/contract.js';
import { formatBound } from '../../app/format.js';
import { pathSegments, specPathLabel, type VariableLookup } from '../../app/spec-summary.js';

export type SweepArgs = ArgsOf<'sweeps/start'>;
export type ObjectiveMetric = SweepArgs['objective']['metric'];

/** The values a parameter may take: what the server's validator enforces (a catalog parameter or a spec limit). */
export interface ParamBounds {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly integer: boolean;
  /** The value must be strictly above `min` (a quantity of 0 is no quantity). */
  readonly aboveMin?: boolean;
}

/** A parameter the user may optimize: its name (template param or JSON path), a label in words and current value. */
export interface TunableParam {
  readonly name: string;
  readonly label: string;
  readonly value: number;
  /** Bounds the catalog allows; none for numbers nothing bounds (a constant compared with). */
  readonly bounds?: ParamBounds;
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
  readonly bounds?: ParamBounds;
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
export function boundsText(bounds: ParamBounds): string {
  return bounds.aboveMin ? `above ${formatBound(bounds.min)} and at most ${formatBound(bounds.max)}` : `between ${formatBound(bounds.min)} and ${formatBound(bounds.max)}`;
}

/** True when typed text is a number outside `bounds`; text that is no number yet is the count's problem, not this one. */
export function outsideBounds(text: string, bounds: ParamBounds | undefined): boolean {
  const value = Number(text);
  if (!bounds || text.trim() === '' || !Number.isFinite(value)) return false;
  return !((bounds.aboveMin ? value > bounds.min : value >= bounds.min) && value <= bounds.max);
}

/** Why a row's min or max lies outside its parameter's bounds ('Fast period must be between 1 and 1,000'), or null. */
export function rangeProblem(row: Pick<RangeRow, 'name' | 'label' | 'min' | 'max' | 'bounds'>): string | null {
  if (!row.bounds || (!outsideBounds(row.min, row.bounds) && !outsideBounds(row.max, row.bounds))) return null;
  return `${row.label ?? row.name} must be ${boundsText(row.bounds)}`;
}

/**
 * The bounds the server's validator holds the number at a spec path to, from the catalog
 * it sends (a variable's parameter, a trigger's bar count, the spec limits); none for a
 * constant compared with. The paths follow core/domain/optimize/param-limits.ts.
 */
export function specPathBounds(spec: StrategySpec, path: string, variables: VariableLookup, limits: SpecLimits): ParamBounds | undefined {
  const of = (limit: SpecLimits[keyof SpecLimits]): ParamBounds => ({
    min: limit.min,
    max: limit.max,
    step: limit.step,
    integer: 'integer' in limit && limit.integer === true,
    ...('aboveMin' in limit && limit.aboveMin ? { aboveMin: true } : {}),
  });
  const segments = pathSegments(path);
  const fixed = FIXED_LIMITS[segments.join('.')];
  if (fixed) return of(limits[fixed]);
  const last = segments[segments.length - 1];
  if (segments[0] === 'management') {
    const distance = segments[1] === 'trailingStop' ? (segments[2] === 'distance' && segments.length === 4) : segments.length === 3 && (segments[1] === 'stopLoss' || segments[1] === 'takeProfit');
    const field = distance ? DISTANCE_LIMITS[String(last)] : undefined;
    return field ? of(limits[field]) : undefined;
  }
  if (segments[0] !== 'entry' && segments[0] !== 'exit') return undefined;
  if (last === 'bars') return of(limits.triggerBars);
  if (segments[segments.length - 2] !== 'params') return undefined;
  let operand: unknown = spec;
  for (const segment of segments.slice(0, -2)) operand = (operand as Record<string | number, unknown> | undefined)?.[segment];
  const variable = (operand as { variable?: unknown } | undefined)?.variable;
  const param = typeof variable === 'string' ? variables.get(variable)?.params.find((p) => p.name === last) : undefined;
  return param ? { min: param.min, max: param.max, step: param.step, integer: param.type === 'int' } : undefined;
}

const FIXED_LIMITS: Readonly<Record<string, keyof SpecLimits>> = {
  'management.trailingStop.activationPct': 'trailingActivationPct',
  'management.timeExitBars': 'timeExitBars',
  'management.pyramiding.maxAdds': 'pyramidingMaxAdds',
  'management.pyramiding.spacingPct': 'pyramidingSpacingPct',
  'management.partialExit.atProfitPct': 'partialExitAtProfitPct',
  'management.partialExit.fraction': 'partialExitFraction',
  'sizing.quantity': 'sizingQuantity',
  'sizing.cash': 'sizingCash',
  'sizing.percent': 'sizingPercent',
  'costs.commissionPct': 'commissionPct',
  'costs.commissionFixed': 'commissionFixed',
  'costs.slippageBps': 'slippageBps',
  initialCash: 'initialCash',
};
const DISTANCE_LIMITS: Readonly<Record<string, keyof SpecLimits>> = { value: 'distancePercent', multiple: 'distanceAtrMultiple', period: 'distanceAtrPeriod' };

/** The numbers of a saved spec the user may optimize: by path, named in the builder's words, with their bounds. */
export function specParams(spec: StrategySpec, variables: VariableLookup, limits: SpecLimits): TunableParam[] {
  return numericPaths(spec).map((p) => {
    const bounds = specPathBounds(spec, p.name, variables, limits);
    return { ...p, label: specPathLabel(spec, p.name, variables), ...(bounds ? { bounds } : {}) };
  });
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
 * Names a sweep's parameters for people: a saved spec's paths in the builder's words, a
 * template's parameter names as they are ('fast'). Without the catalog yet, the name itself.
 */
export function paramNamer(source: Readonly<Record<string, unknown>> | SweepArgs['source'], variables: VariableLookup | null): (name: string) => string {
  if (source.kind !== 'spec' || !variables || typeof source.spec !== 'object' || source.spec === null) return (name) => name;
  // Stored from a validated sweep, so a StrategySpec (the detail types its source loosely).
  const spec = source.spec as StrategySpec;
  return (name) => specPathLabel(spec, name, variables);
}
