/** Immutable edits of a JSON spec by path, for forms generated from data. */
import { formatSpecPath, keepParameters, parameterAt, pathAfterRemoval, withParameterValue } from '../../../../core/domain/strategy/parameters.js';
import type { StrategySpec } from '../../api/contract.js';

export type Path = readonly (string | number)[];

/** Returns the dotted form the validator reports ('entry.long.children.0.right'). */
export const pathKey = (path: Path): string => path.join('.');

/** Returns a copy of `root` with the value at `path` replaced (or the key removed when value is undefined). */
export function setIn<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const base = (root ?? (typeof head === 'number' ? [] : {})) as Record<string | number, unknown> | unknown[];
  const child = (base as Record<string | number, unknown>)[head];
  const next = rest.length === 0 ? value : setIn(child, rest, value);
  if (Array.isArray(base)) {
    const copy = base.slice();
    copy[head as number] = next;
    return copy as T;
  }
  const copy: Record<string | number, unknown> = { ...base };
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy as T;
}

/** Returns a copy of `root` without the array element or key at `path`. */
export function removeAt<T>(root: T, path: Path): T {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1]!;
  const parent = getIn(root, parentPath);
  if (Array.isArray(parent)) return setIn(root, parentPath, parent.filter((_, i) => i !== last));
  return setIn(root, path, undefined);
}

/** Returns the value at `path`, or undefined. */
export function getIn(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/**
 * True when two JSON values are equal by value: key order does not matter and a key
 * holding undefined counts as absent (as it does once the spec is sent as JSON).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => sameValue(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}

/**
 * The spec after `value` is set at `path`, its named parameters kept
 * (core/domain/strategy/parameters.ts): a number typed into a parameter's field sets the
 * parameter, every field it names; a part replaced (a variable chosen, a stop switched to
 * ATR) keeps the links of its fields that still hold a number. At the empty path the
 * value is the whole next spec, parameters and all.
 */
export function updateSpec(spec: StrategySpec, path: Path, value: unknown): StrategySpec {
  // The whole spec replaced (a parameter renamed or removed): as given.
  if (path.length === 0) return value as StrategySpec;
  if (typeof value === 'number') {
    const parameter = parameterAt(spec, formatSpecPath(path));
    if (parameter) return withParameterValue(spec, parameter.name, value);
  }
  const next = setIn(spec, path, value);
  return spec.parameters?.length ? keepParameters(spec, next) : next;
}

/** The spec without the part at `path` (a condition, a group), its parameters following the conditions that move up. */
export function removeFromSpec(spec: StrategySpec, path: Path): StrategySpec {
  const next = removeAt(spec, path);
  return spec.parameters?.length ? keepParameters(spec, next, (at) => pathAfterRemoval(path, at)) : next;
}
