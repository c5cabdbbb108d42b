import { DomainError } from '../errors.js';
import { findVariable } from '../strategy/catalog.js';
import { limitViolation, type NumberLimit } from '../strategy/limits.js';
import { paramLimit, paramName, specField, specFieldName, TRIGGER_BARS_FIELD, type SpecField } from '../strategy/spec-fields.js';
import { findParameter, parameterLabel } from '../strategy/parameters.js';
import type { StrategySpec } from '../strategy/spec.js';
import { findTemplate } from '../strategy/templates.js';
import type { ParamRange } from './param-space.js';
import { parsePath } from './spec-path.js';
import { templateBaseSpec, type SweepSource } from './variant-spec.js';

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
  // Operands sit in the conditions and in a portfolio's ranking (portfolio.ranking.by.params.period).
  const inRanking = segments[0] === 'portfolio' && segments[1] === 'ranking';
  if (segments[0] !== 'entry' && segments[0] !== 'exit' && !inRanking) return null;
  if (last === 'bars' && !inRanking) return of(TRIGGER_BARS_FIELD);
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

/**
 * The limit of a spec's named parameter: what every field it sets allows (the highest
 * minimum, the lowest maximum, whole numbers if any field wants them), named by its label;
 * null when it is no parameter or none of its fields is bounded.
 */
export function specParameterLimit(spec: StrategySpec, name: string): ParamLimit | null {
  const parameter = findParameter(spec, name);
  if (!parameter) return null;
  let limit: NumberLimit | null = null;
  for (const path of parameter.paths) {
    const found = specPathLimit(spec, path)?.limit;
    if (!found) continue;
    if (!limit) {
      limit = found;
      continue;
    }
    const min = Math.max(limit.min, found.min);
    limit = {
      min,
      max: Math.min(limit.max, found.max),
      step: Math.max(limit.step, found.step),
      ...((limit.min === min && limit.aboveMin) || (found.min === min && found.aboveMin) ? { aboveMin: true } : {}),
      ...(limit.integer || found.integer ? { integer: true } : {}),
    };
  }
  return limit ? { label: parameterLabel(parameter), limit } : null;
}

/** The limit of one optimized parameter of a source (a template parameter, a spec's named parameter or a spec path), or null. */
export function sourceParamLimit(source: SweepSource, name: string): ParamLimit | null {
  if (source.kind === 'spec') return findParameter(source.spec, name) ? specParameterLimit(source.spec, name) : specPathLimit(source.spec, name);
  const param = findTemplate(source.templateId)?.params.find((p) => p.name === name);
  if (param) return { label: param.label, limit: paramLimit(param) };
  // A spec path into what the template builds (its base's portfolio rules).
  try {
    return specPathLimit(templateBaseSpec(source), name);
  } catch {
    return null;
  }
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
