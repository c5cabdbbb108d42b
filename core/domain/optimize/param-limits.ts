import { DomainError } from '../errors.js';
import { findVariable, type ParamDef } from '../strategy/catalog.js';
import { limitViolation, SPEC_LIMITS, type NumberLimit, type SpecLimitName } from '../strategy/limits.js';
import type { StrategySpec } from '../strategy/spec.js';
import { findTemplate } from '../strategy/templates.js';
import type { ParamRange } from './param-space.js';
import { parsePath } from './spec-path.js';
import type { SweepSource } from './variant-spec.js';

/** The allowed values of one optimized parameter and what to call it in a message. */
export interface ParamLimit {
  /** 'Fast period', 'SMA period', 'Stop loss percent'. */
  readonly label: string;
  readonly limit: NumberLimit;
}

/** A catalog parameter (template or variable) as a limit. */
function paramDefLimit(def: ParamDef): NumberLimit {
  return { min: def.min, max: def.max, step: def.step, ...(def.type === 'int' ? { integer: true } : {}) };
}

// Fixed spec fields: the path's last keys and the SPEC_LIMITS entry the validator checks them with.
const DISTANCE_FIELDS: Readonly<Record<string, readonly [SpecLimitName, string]>> = {
  value: ['distancePercent', 'percent'],
  multiple: ['distanceAtrMultiple', 'ATR multiple'],
  period: ['distanceAtrPeriod', 'ATR period'],
};
const DISTANCES: Readonly<Record<string, string>> = { stopLoss: 'Stop loss', takeProfit: 'Take profit', trailingStop: 'Trailing stop' };
const FIXED_FIELDS: Readonly<Record<string, readonly [SpecLimitName, string]>> = {
  'management.trailingStop.activationPct': ['trailingActivationPct', 'Trailing stop activation %'],
  'management.timeExitBars': ['timeExitBars', 'Time exit (bars)'],
  'management.pyramiding.maxAdds': ['pyramidingMaxAdds', 'Pyramiding max adds'],
  'management.pyramiding.spacingPct': ['pyramidingSpacingPct', 'Pyramiding add spacing %'],
  'management.partialExit.atProfitPct': ['partialExitAtProfitPct', 'Partial exit profit %'],
  'management.partialExit.fraction': ['partialExitFraction', 'Partial exit fraction'],
  'sizing.quantity': ['sizingQuantity', 'Fixed quantity'],
  'sizing.cash': ['sizingCash', 'Cash per trade'],
  'sizing.percent': ['sizingPercent', 'Percent of equity'],
  'costs.commissionPct': ['commissionPct', 'Commission %'],
  'costs.commissionFixed': ['commissionFixed', 'Fixed commission'],
  'costs.slippageBps': ['slippageBps', 'Slippage (bps)'],
  initialCash: ['initialCash', 'Initial cash'],
};

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
  const key = segments.join('.');
  const fixed = FIXED_FIELDS[key];
  if (fixed) return { label: fixed[1], limit: SPEC_LIMITS[fixed[0]] };
  const last = segments[segments.length - 1];
  if (segments[0] === 'management' && typeof last === 'string') {
    const what = DISTANCES[String(segments[1])];
    const field = DISTANCE_FIELDS[last];
    // management.stopLoss.value, management.trailingStop.distance.value
    const depth = segments[1] === 'trailingStop' ? (segments[2] === 'distance' ? 4 : -1) : 3;
    if (what && field && segments.length === depth) return { label: `${what} ${field[1]}`, limit: SPEC_LIMITS[field[0]] };
    return null;
  }
  if (segments[0] !== 'entry' && segments[0] !== 'exit') return null;
  if (last === 'bars') return { label: 'Bar count', limit: SPEC_LIMITS.triggerBars };
  // ...children[i].left.params.period: the operand two keys up names the variable.
  if (segments.length >= 3 && segments[segments.length - 2] === 'params' && typeof last === 'string') {
    let operand: unknown = spec;
    for (const segment of segments.slice(0, -2)) operand = (operand as Record<string | number, unknown> | undefined)?.[segment];
    const variable = (operand as { variable?: unknown } | undefined)?.variable;
    const def = typeof variable === 'string' ? findVariable(variable) : undefined;
    const param = def?.params.find((p) => p.name === last);
    if (def && param) return { label: `${def.label} ${param.label.toLowerCase()}`, limit: paramDefLimit(param) };
  }
  return null;
}

/** The limit of one optimized parameter of a source (a template parameter or a spec path), or null. */
export function sourceParamLimit(source: SweepSource, name: string): ParamLimit | null {
  if (source.kind === 'spec') return specPathLimit(source.spec, name);
  const param = findTemplate(source.templateId)?.params.find((p) => p.name === name);
  return param ? { label: param.label, limit: paramDefLimit(param) } : null;
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
