/**
 * A spec's named parameters (spec.ts, SpecParameter): finding them, setting one (every
 * field it names at once), linking and unlinking fields, and keeping them right while the
 * builder edits the spec around them (a field replaced, a condition removed).
 */
import { DomainError } from '../errors.js';
import { numberAt, parsePath, withNumberAt } from '../optimize/spec-path.js';
import type { SpecParameter, StrategySpec } from './spec.js';

/** A parameter's name: a letter or underscore, then letters, digits or underscores, 40 at most ('fast', 'rsi_period'). */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/** The parts of the spec a parameter may set: its numbers outside these (version) are no strategy numbers. */
const PARAMETER_ROOTS: ReadonlySet<string> = new Set(['entry', 'exit', 'management', 'sizing', 'costs', 'initialCash']);

export type PathSegments = readonly (string | number)[];

/** A path in the validator's form: 'entry.long.children[0].left.params.period'. */
export function formatSpecPath(segments: PathSegments): string {
  let out = '';
  for (const segment of segments) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out;
}

/** A path in the validator's form whatever form it came in ('children.0' or 'children[0]'), or null when it is no path. */
export function canonicalSpecPath(path: string): string | null {
  try {
    // parsePath reads `children.0` as the key '0': an array index is a number either way.
    return formatSpecPath(parsePath(path).map((s) => (typeof s === 'string' && /^\d+$/.test(s) ? Number(s) : s)));
  } catch {
    return null;
  }
}

/** True when `path` may be a parameter's field: inside the strategy's rules, management, sizing, costs or initial cash. */
export function isParameterRoot(path: string): boolean {
  const canonical = canonicalSpecPath(path);
  if (canonical === null) return false;
  return PARAMETER_ROOTS.has(parsePath(canonical)[0] as string);
}

/** The spec's parameters (none: empty). */
export function parametersOf(spec: Pick<StrategySpec, 'parameters'>): readonly SpecParameter[] {
  return spec.parameters ?? [];
}

export function findParameter(spec: Pick<StrategySpec, 'parameters'>, name: string): SpecParameter | undefined {
  return parametersOf(spec).find((p) => p.name === name);
}

/** The parameter that sets the field at `path` (either path form), or undefined. */
export function parameterAt(spec: Pick<StrategySpec, 'parameters'>, path: string): SpecParameter | undefined {
  const canonical = canonicalSpecPath(path);
  if (canonical === null) return undefined;
  return parametersOf(spec).find((p) => p.paths.some((q) => canonicalSpecPath(q) === canonical));
}

/** A parameter's value: the number at its first field, or undefined when that holds none. */
export function parameterValue(spec: StrategySpec, parameter: SpecParameter): number | undefined {
  const first = parameter.paths[0];
  if (first === undefined) return undefined;
  try {
    return numberAt(spec, first);
  } catch {
    return undefined;
  }
}

/** What to call a parameter: its label, else its name. */
export function parameterLabel(parameter: SpecParameter): string {
  return parameter.label ?? parameter.name;
}

function withParameters(spec: StrategySpec, parameters: readonly SpecParameter[]): StrategySpec {
  const { parameters: _old, ...rest } = spec;
  return parameters.length > 0 ? { ...rest, parameters } : rest;
}

/** Returns the spec with every field of parameter `name` set to `value`; DomainError for an unknown name. */
export function withParameterValue(spec: StrategySpec, name: string, value: number): StrategySpec {
  const parameter = findParameter(spec, name);
  if (!parameter) throw new DomainError(`The strategy has no parameter "${name}"${namesText(spec)}`);
  let out = spec;
  for (const path of parameter.paths) out = withNumberAt(out, path, value);
  return out;
}

function namesText(spec: StrategySpec): string {
  const names = parametersOf(spec).map((p) => p.name);
  return names.length > 0 ? `; its parameters are ${names.join(', ')}` : '; it has no named parameters';
}

/**
 * Returns the spec with the field at `path` (which must hold a number) set by parameter
 * `name`: an existing parameter gives the field its value; a new one is made with the
 * field's value (and `label`). The field leaves any parameter it was in. DomainError for
 * a name that is no parameter name or a path that holds no number.
 */
export function linkField(spec: StrategySpec, name: string, path: string, label?: string): StrategySpec {
  if (!PARAMETER_NAME.test(name)) throw new DomainError(`"${name}" is not a parameter name: use a letter or _ first, then letters, digits or _ (40 at most)`);
  const canonical = canonicalSpecPath(path);
  if (canonical === null || !isParameterRoot(canonical)) throw new DomainError(`"${path}" is no number field of the strategy`);
  numberAt(spec, canonical);
  const unlinked = unlinkField(spec, canonical);
  const existing = findParameter(unlinked, name);
  if (!existing) {
    const created: SpecParameter = { name, ...(label ? { label } : {}), paths: [canonical] };
    return withParameters(unlinked, [...parametersOf(unlinked), created]);
  }
  const value = parameterValue(unlinked, existing);
  const linked = withParameters(
    unlinked,
    parametersOf(unlinked).map((p) => (p === existing ? { ...p, paths: [...p.paths, canonical] } : p)),
  );
  return value === undefined ? linked : withNumberAt(linked, canonical, value);
}

/** Returns the spec with the field at `path` in no parameter (its number stays); a parameter left without fields goes. */
export function unlinkField(spec: StrategySpec, path: string): StrategySpec {
  const canonical = canonicalSpecPath(path);
  if (canonical === null || !parameterAt(spec, canonical)) return spec;
  const parameters = parametersOf(spec)
    .map((p) => ({ ...p, paths: p.paths.filter((q) => canonicalSpecPath(q) !== canonical) }))
    .filter((p) => p.paths.length > 0);
  return withParameters(spec, parameters);
}

/** Returns the spec without parameter `name` (its fields keep their numbers). */
export function removeParameter(spec: StrategySpec, name: string): StrategySpec {
  return withParameters(spec, parametersOf(spec).filter((p) => p.name !== name));
}

/** Returns the spec with parameter `from` called `to` (and labelled `label` when given); DomainError for a bad or taken name. */
export function renameParameter(spec: StrategySpec, from: string, to: string, label?: string): StrategySpec {
  if (!PARAMETER_NAME.test(to)) throw new DomainError(`"${to}" is not a parameter name: use a letter or _ first, then letters, digits or _ (40 at most)`);
  if (from !== to && findParameter(spec, to)) throw new DomainError(`The strategy has a parameter "${to}" already`);
  if (!findParameter(spec, from)) throw new DomainError(`The strategy has no parameter "${from}"${namesText(spec)}`);
  return withParameters(
    spec,
    parametersOf(spec).map((p) => {
      if (p.name !== from) return p;
      const { label: _old, ...rest } = p;
      const nextLabel = label === undefined ? p.label : label.trim() === '' ? undefined : label;
      return { ...rest, name: to, ...(nextLabel === undefined ? {} : { label: nextLabel }) };
    }),
  );
}

function holdsNumber(spec: StrategySpec, path: string): boolean {
  try {
    numberAt(spec, path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The parameters of `after`, an edit of `before` that replaced or removed parts of it (a
 * variable changed, a stop switched from % to ATR, a condition removed): a field that still
 * holds a number keeps its parameter and takes the parameter's value from before the edit
 * (an SMA period named `fast` stays `fast` when the SMA becomes an EMA); a field that holds
 * none leaves it; a parameter left without fields goes. `moved` maps a path of `before` to
 * its path in `after` (a removed condition shifts its later siblings), or null when it is gone.
 */
export function keepParameters(before: StrategySpec, after: StrategySpec, moved: (path: string) => string | null = (p) => p): StrategySpec {
  let out = withParameters(after, []);
  const kept: SpecParameter[] = [];
  for (const parameter of parametersOf(before)) {
    const value = parameterValue(before, parameter);
    const paths = parameter.paths.map(moved).filter((p): p is string => p !== null && holdsNumber(out, p));
    if (paths.length === 0) continue;
    kept.push({ ...parameter, paths });
    if (value !== undefined) for (const path of paths) out = withNumberAt(out, path, value);
  }
  return withParameters(out, kept);
}

/**
 * Where a path of a spec is after the array element at `removed` is taken out: gone (null)
 * when it is inside that element, one index down when inside a later sibling, else the same.
 */
export function pathAfterRemoval(removed: PathSegments, path: string): string | null {
  const canonical = canonicalSpecPath(path);
  if (canonical === null) return null;
  const segments = parsePath(canonical);
  const at = removed.length - 1;
  const index = removed[at];
  if (typeof index !== 'number' || segments.length <= at) return canonical;
  for (let i = 0; i < at; i++) if (segments[i] !== removed[i]) return canonical;
  const own = segments[at];
  if (typeof own !== 'number') return canonical;
  if (own === index) return null;
  if (own < index) return canonical;
  return formatSpecPath([...segments.slice(0, at), own - 1, ...segments.slice(at + 1)]);
}
