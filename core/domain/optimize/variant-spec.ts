import { DomainError } from '../errors.js';
import type { StrategySpec } from '../strategy/spec.js';
import { buildTemplate, findTemplate, type TemplateBase } from '../strategy/templates.js';
import type { ParamRange, ParamValues } from './param-space.js';
import { findParameter, PARAMETER_NAME, parameterAt, withParameterValue } from '../strategy/parameters.js';
import { numberAt, withNumberAt } from './spec-path.js';

/**
 * Where a sweep's specs come from. A template: parameter names are the template's
 * parameters (fast, slow...), `fixed` sets the others. A spec: parameter names are its
 * named parameters (fast, which sets every field it names) or JSON paths into it.
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
      if (template.params.some((d) => d.name === p.name)) continue;
      // A spec path into what the template builds (portfolio.maxPositions from the base's portfolio rules).
      if (!PARAMETER_NAME.test(p.name)) {
        numberAt(templateBaseSpec(source), p.name);
        continue;
      }
      throw new DomainError(`Template "${source.templateId}" has no parameter "${p.name}"; its parameters are ${template.params.map((d) => d.name).join(', ')}`);
    }
    return;
  }
  for (const p of space) {
    if (findParameter(source.spec, p.name)) continue;
    try {
      numberAt(source.spec, p.name);
    } catch (error) {
      // A bare name ('fast') that is no field either: say which names the strategy has.
      if (!PARAMETER_NAME.test(p.name)) throw error;
      const names = (source.spec.parameters ?? []).map((q) => q.name);
      throw new DomainError(
        `The strategy has no parameter "${p.name}"; ${names.length > 0 ? `its parameters are ${names.join(', ')}` : 'it has no named parameters'} (or give a spec path such as entry.long.children[0].left.params.period)`,
      );
    }
    const owner = parameterAt(source.spec, p.name);
    // Set alone, the field would leave its parameter's other fields behind: a spec the validator refuses.
    if (owner) throw new DomainError(`${p.name} is set by parameter "${owner.name}": optimize "${owner.name}" instead`);
  }
}

/** Builds the spec of one variant; throws DomainError when the template rejects the values. */
export function buildVariantSpec(source: SweepSource, values: ParamValues): StrategySpec {
  if (source.kind === 'template') {
    // Template parameters build the spec; any other name is a spec path set in what it built.
    const template = findTemplate(source.templateId);
    const own: Record<string, number> = {};
    const paths: [string, number][] = [];
    for (const [name, value] of Object.entries(values)) {
      if (!template || template.params.some((d) => d.name === name)) own[name] = value;
      else paths.push([name, value]);
    }
    let spec = buildTemplate(source.templateId, { ...source.fixed, ...own }, source.base);
    for (const [path, value] of paths) spec = withNumberAt(spec, path, value);
    return spec;
  }
  let spec = source.spec;
  for (const [name, value] of Object.entries(values)) spec = findParameter(spec, name) ? withParameterValue(spec, name, value) : withNumberAt(spec, name, value);
  return spec;
}

/** The spec a template source builds with its fixed values and defaults: what its spec paths point into. */
export function templateBaseSpec(source: Extract<SweepSource, { kind: 'template' }>): StrategySpec {
  return buildTemplate(source.templateId, source.fixed ?? {}, source.base);
}
