import type { ArgsOf } from '../../api/contract.js';

export type SweepArgs = ArgsOf<'sweeps/start'>;
export type ObjectiveMetric = SweepArgs['objective']['metric'];

/** A parameter the user may optimize: its name (template param or JSON path) and current value. */
export interface TunableParam {
  readonly name: string;
  readonly label: string;
  readonly value: number;
  /** Bounds the catalog allows (templates); none for spec paths. */
  readonly bounds?: { readonly min: number; readonly max: number; readonly step: number; readonly integer: boolean };
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
 * A starting range around the current value: half to double, about six values. The
 * catalog bounds are far wider (an SMA period of 1..1000) and a grid over them would
 * plan millions of variants, so they only clamp.
 */
export function defaultRange(param: TunableParam): { min: number; max: number; step: number } {
  const value = param.value;
  const integer = param.bounds?.integer ?? Number.isInteger(value);
  let min = value === 0 ? 0 : value / 2;
  let max = value === 0 ? 1 : value * 2;
  if (min > max) [min, max] = [max, min];
  let step = niceStep(max - min, 6);
  if (integer) step = Math.max(1, Math.round(step));
  if (param.bounds) step = Math.max(step, param.bounds.step);
  min = Math.ceil(min / step) * step;
  max = Math.floor(max / step) * step;
  if (param.bounds) {
    min = Math.max(min, param.bounds.min);
    max = Math.min(max, param.bounds.max);
  }
  const round = (x: number): number => Number(x.toPrecision(12));
  return { min: round(min), max: round(Math.max(min, max)), step: round(step) };
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
    if (count === null) return { error: `${row.name}: min, max and step must be numbers with min <= max and step > 0` };
    if (row.integer && ![row.min, row.max, row.step].every((text) => Number.isInteger(Number(text)))) {
      return { error: `${row.name} takes whole numbers: min, max and step must be whole` };
    }
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
