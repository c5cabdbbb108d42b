import { DomainError } from '../errors.js';
import { findVariable } from '../strategy/catalog.js';
import { limitViolation, type NumberLimit } from '../strategy/limits.js';
import { paramLimit, paramName, specField, specFieldName, TRIGGER_BARS_FIELD, type SpecField } from '../strategy/spec-fields.js';
import type { StrategySpec } from '../strategy/spec.js';
import { findTemplate } from '../strategy/templates.js';
import type { ParamRange } from './param-space.js';
import { parsePath } from './spec-path.js';
import type { SweepSource } from './variant-spec.js';

/** The allowed values of one optimized parameter and what to call it in a message. */
export interface ParamLimit {
  /** 'Fast period', 'SMA period', 'Stop loss: distance (%)': the words of core/domain/strategy/spec-fields.ts. */
  readonly label: string;
  readonly limit: NumberLimit;
}

/**
 * Returns the limit the validator holds the number at `path` of a spec to (a variable's
 * catalog parameter, a trigger's bar count, a management, sizing or cost field), or null
 * for numbers it does not bound (a constant compared with) and paths it does not know.
 */
export function specPathLimit(spec: StrategySpec, path: string): ParamLimit | null {
  let segments: (string | number)[];
  try {
    segments = parsePath(path);
  } catch {
    return null;
  }
  const of = (field: SpecField): ParamLimit => ({ label: specFieldName(field), limit: field.limit });
  const fixed = specField(segments.join('.'));
  if (fixed) return of(fixed);
  const last = segments[segments.length - 1];
  if (segments[0] !== 'entry' && segments[0] !== 'exit') return null;
  if (last === 'bars') return of(TRIGGER_BARS_FIELD);
  // ...children[i].left.params.period: the operand two keys up names the variable.
  if (segments.length >= 3 && segments[segments.length - 2] === 'params' && typeof last === 'string') {
    let operand: unknown = spec;
    for (const segment of segments.slice(0, -2)) operand = (operand as Record<string | number, unknown> | undefined)?.[segment];
    const variable = (operand as { variable?: unknown } | undefined)?.variable;
    const def = typeof variable === 'string' ? findVariable(variable) : undefined;
    const param = def?.params.find((p) => p.name === last);
    if (def && param) return { label: paramName(def, param), limit: paramLimit(param) };
  }
  return null;
}

/** The limit of one optimized parameter of a source (a template parameter or a spec path), or null. */
export function sourceParamLimit(source: SweepSource, name: string): ParamLimit | null {
  if (source.kind === 'spec') return specPathLimit(source.spec, name);
  const param = findTemplate(source.templateId)?.params.find((p) => p.name === name);
  return param ? { label: param.label, limit: paramLimit(param) } : null;
}

/**
 * Checks every value a range plans against its parameter's limit, so a range reaching
 * outside it is refused before any variant runs (each such variant would only be counted
 * invalid): 'Parameter "fast" (Fast period) must be between 1 and 1000; the range reaches 0'.
 */
export function checkSourceRanges(source: SweepSource, space: readonly ParamRange[]): void {
  for (const p of space) {
    const found = sourceParamLimit(source, p.name);
    if (!found) continue;
    for (const value of p.values) {
      const violation = limitViolation(value, found.limit);
      if (violation === null) continue;
      const detail = found.limit.integer && violation === 'must be a whole number' ? `, got ${value}` : `; the range reaches ${value}`;
      throw new DomainError(`Parameter "${p.name}" (${found.label}) ${violation}${detail}`);
    }
  }
}
