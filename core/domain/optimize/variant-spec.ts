import { DomainError } from '../errors.js';
import type { StrategySpec } from '../strategy/spec.js';
import { buildTemplate, findTemplate, type TemplateBase } from '../strategy/templates.js';
import type { ParamRange, ParamValues } from './param-space.js';
import { numberAt, withNumberAt } from './spec-path.js';

/**
 * Where a sweep's specs come from. A template: parameter names are the template's
 * parameters (fast, slow...), `fixed` sets the others. A spec: parameter names are JSON
 * paths into it.
 */
export type SweepSource =
  | { readonly kind: 'template'; readonly templateId: string; readonly base?: TemplateBase; readonly fixed?: ParamValues }
  | { readonly kind: 'spec'; readonly spec: StrategySpec };

/** Checks that every parameter of the space exists in the source (template parameter or a numeric path). */
export function checkSourceParams(source: SweepSource, space: readonly ParamRange[]): void {
  if (source.kind === 'template') {
    const template = findTemplate(source.templateId);
    if (!template) throw new DomainError(`Unknown template "${source.templateId}"`);
    for (const p of space) {
      if (!template.params.some((d) => d.name === p.name)) {
        throw new DomainError(`Template "${source.templateId}" has no parameter "${p.name}"; its parameters are ${template.params.map((d) => d.name).join(', ')}`);
      }
    }
    return;
  }
  for (const p of space) numberAt(source.spec, p.name);
}

/** Builds the spec of one variant; throws DomainError when the template rejects the values. */
export function buildVariantSpec(source: SweepSource, values: ParamValues): StrategySpec {
  if (source.kind === 'template') return buildTemplate(source.templateId, { ...source.fixed, ...values }, source.base);
  let spec = source.spec;
  for (const [path, value] of Object.entries(values)) spec = withNumberAt(spec, path, value);
  return spec;
}
