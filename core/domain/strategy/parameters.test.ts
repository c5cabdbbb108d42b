import { describe, expect, it } from 'vitest';
import { checkSourceParams, buildVariantSpec } from '../optimize/variant-spec.js';
import { sourceParamLimit } from '../optimize/param-limits.js';
import { numberAt } from '../optimize/spec-path.js';
import { all, smaCrossSpec, specOf, trig, v } from '../test-kit/specs.js';
import {
  canonicalSpecPath,
  keepParameters,
  linkField,
  parameterAt,
  pathAfterRemoval,
  renameParameter,
  unlinkField,
  withParameterValue,
} from './parameters.js';
import type { StrategySpec } from './spec.js';
import { upgradeSpec } from './spec-version.js';
import { buildTemplate, listTemplates } from './templates.js';
import { validateSpec, VALUE_PROBLEM_CODES } from './validate.js';

const ENTRY_FAST = 'entry.long.children[0].left.params.period';
const ENTRY_SLOW = 'entry.long.children[0].right.params.period';
const EXIT_FAST = 'exit.long.children[0].left.params.period';
const EXIT_SLOW = 'exit.long.children[0].right.params.period';

const codes = (spec: StrategySpec): string[] => validateSpec(spec).errors.map((p) => `${p.code}@${p.path}`);

describe('named parameters', () => {
  it('are kept by the templates: the SMA cross links the entry and exit SMAs as fast and slow, on each side it trades', () => {
    const long = buildTemplate('sma-cross', { fast: 10, slow: 30 });
    expect(long.parameters).toEqual([
      { name: 'fast', label: 'Fast period', paths: [ENTRY_FAST, EXIT_FAST] },
      { name: 'slow', label: 'Slow period', paths: [ENTRY_SLOW, EXIT_SLOW] },
    ]);
    const both = buildTemplate('sma-cross', {}, { direction: 'both' });
    expect(both.parameters?.find((p) => p.name === 'slow')?.paths).toEqual([
      ENTRY_SLOW,
      'entry.short.children[0].right.params.period',
      EXIT_SLOW,
      'exit.short.children[0].right.params.period',
    ]);
    // Every template names all its parameters, each over fields holding its value.
    for (const template of listTemplates()) {
      const spec = template.build({});
      expect(spec.parameters?.map((p) => p.name)).toEqual(template.params.map((p) => p.name));
      for (const parameter of spec.parameters ?? []) {
        const def = template.params.find((p) => p.name === parameter.name)!;
        for (const path of parameter.paths) expect(numberAt(spec, path)).toBe(def.default);
      }
    }
    expect(buildTemplate('donchian-atr').parameters?.find((p) => p.name === 'atrMultiple')?.paths).toEqual(['management.stopLoss.multiple']);
    expect(buildTemplate('rsi-mean-reversion').parameters?.find((p) => p.name === 'lower')?.paths).toEqual(['entry.long.children[0].right.value']);
  });

  it('set every field they name at once; a field changed alone is an error the save refuses', () => {
    const spec = buildTemplate('sma-cross');
    const slower = withParameterValue(spec, 'slow', 50);
    expect([numberAt(slower, ENTRY_SLOW), numberAt(slower, EXIT_SLOW)]).toEqual([50, 50]);
    expect(codes(slower)).toEqual([]);
    // What the builder did before: the entry's slow SMA at 50, the exit's left at 30.
    const entryOnly = { ...spec, entry: { long: all(trig(v('sma', { period: 10 }), 'crossesAbove', v('sma', { period: 50 }))) } };
    expect(codes(entryOnly)).toEqual([`parameterValuesDiffer@${EXIT_SLOW}`]);
    expect(validateSpec(entryOnly).errors[0]!.message).toBe(
      `Parameter "slow" holds 50 at ${ENTRY_SLOW} but 30 here: the fields of a parameter hold one value.`,
    );
    expect(() => withParameterValue(spec, 'medium', 20)).toThrow('The strategy has no parameter "medium"; its parameters are fast, slow');
  });

  it('are checked: a name, at least one number field, no field in two parameters', () => {
    const spec = smaCrossSpec(10, 30);
    expect(codes({ ...spec, parameters: [{ name: '2fast', paths: [ENTRY_FAST] }] })).toEqual(['invalidParameter@parameters[0].name']);
    expect(codes({ ...spec, parameters: [{ name: 'fast', paths: [ENTRY_FAST] }, { name: 'fast', paths: [EXIT_FAST] }] })).toEqual(['invalidParameter@parameters[1].name']);
    expect(codes({ ...spec, parameters: [{ name: 'fast', paths: [] }] })).toEqual(['parameterPath@parameters[0].paths']);
    expect(codes({ ...spec, parameters: [{ name: 'fast', paths: ['entry.long.children[3].left.params.period'] }] })).toEqual(['parameterPath@parameters[0].paths[0]']);
    expect(codes({ ...spec, parameters: [{ name: 'v', paths: ['version'] }] })).toEqual(['parameterPath@parameters[0].paths[0]']);
    // A bad name or two values is refused on save; a path to nothing (its condition removed) only blocks a run.
    expect(VALUE_PROBLEM_CODES.has('invalidParameter') && VALUE_PROBLEM_CODES.has('parameterValuesDiffer')).toBe(true);
    expect(VALUE_PROBLEM_CODES.has('parameterPath')).toBe(false);
    expect(codes({ ...spec, parameters: [{ name: 'a', paths: [ENTRY_FAST] }, { name: 'b', paths: ['entry.long.children.0.left.params.period'] }] })).toEqual([
      'invalidParameter@parameters[1].paths[0]',
    ]);
  });

  it('link any number field, in either path form, and unlink it', () => {
    let spec = smaCrossSpec(10, 30, { management: { stopLoss: { kind: 'atr', multiple: 2, period: 14 } } });
    spec = linkField(spec, 'fast', 'entry.long.children.0.left.params.period', 'Fast period');
    spec = linkField(spec, 'fast', EXIT_FAST);
    spec = linkField(spec, 'atr', 'management.stopLoss.period');
    expect(spec.parameters).toEqual([
      { name: 'fast', label: 'Fast period', paths: [ENTRY_FAST, EXIT_FAST] },
      { name: 'atr', paths: ['management.stopLoss.period'] },
    ]);
    // Linked to an existing parameter, a field takes its value.
    spec = linkField(spec, 'atr', ENTRY_SLOW);
    expect(numberAt(spec, ENTRY_SLOW)).toBe(14);
    expect(parameterAt(spec, 'entry.long.children.0.right.params.period')?.name).toBe('atr');
    expect(codes(spec)).toEqual([]);
    spec = unlinkField(spec, 'management.stopLoss.period');
    spec = unlinkField(spec, ENTRY_SLOW);
    expect(spec.parameters?.map((p) => p.name)).toEqual(['fast']);
    expect(() => linkField(spec, 'x y', ENTRY_SLOW)).toThrow('"x y" is not a parameter name');
    expect(() => linkField(spec, 'x', 'entry.long.children[0].left.variable')).toThrow('leads to string, not a number');
    expect(() => linkField(spec, 'x', 'version')).toThrow('"version" is no number field of the strategy');
    const renamed = renameParameter(spec, 'fast', 'quick', '');
    expect(renamed.parameters).toEqual([{ name: 'quick', paths: [ENTRY_FAST, EXIT_FAST] }]);
    expect(() => renameParameter(linkField(spec, 'slow', ENTRY_SLOW), 'fast', 'slow')).toThrow('has a parameter "slow" already');
  });

  it('survive the builder replacing and removing parts around them', () => {
    const spec = buildTemplate('sma-cross');
    // The entry's fast SMA becomes an EMA: its period is still `fast`, with fast's value.
    const ema = { ...spec, entry: { long: all(trig(v('ema', { period: 20 }), 'crossesAbove', v('sma', { period: 30 }))) } };
    const kept = keepParameters(spec, ema);
    expect(numberAt(kept, ENTRY_FAST)).toBe(10);
    expect(kept.parameters?.[0]?.paths).toEqual([ENTRY_FAST, EXIT_FAST]);
    // Price has no period: the field leaves the parameter, the exit keeps it.
    const price = { ...spec, entry: { long: all(trig(v('close'), 'crossesAbove', v('sma', { period: 30 }))) } };
    expect(keepParameters(spec, price).parameters?.[0]?.paths).toEqual([EXIT_FAST]);
    // A condition removed before a linked one moves the link with it; one removed with its links drops them.
    const two = specOf({ entry: { long: all(trig(v('rsi', { period: 14 }), '<', 30), trig(v('sma', { period: 10 }), '>', v('sma', { period: 30 }))) } });
    const linked = linkField(linkField(two, 'fast', 'entry.long.children[1].left.params.period'), 'rsi', 'entry.long.children[0].left.params.period');
    expect(pathAfterRemoval(['entry', 'long', 'children', 0], 'entry.long.children[1].left.params.period')).toBe(ENTRY_FAST);
    expect(pathAfterRemoval(['entry', 'long', 'children', 0], 'entry.long.children[0].left.params.period')).toBeNull();
    expect(pathAfterRemoval(['entry', 'long', 'children', 0], 'exit.long.children[1].left.params.period')).toBe('exit.long.children[1].left.params.period');
    const removed = { ...linked, entry: { long: all(trig(v('sma', { period: 10 }), '>', v('sma', { period: 30 }))) } };
    const after = keepParameters(linked, removed, (path) => pathAfterRemoval(['entry', 'long', 'children', 0], path));
    expect(after.parameters).toEqual([{ name: 'fast', paths: [ENTRY_FAST] }]);
    expect(canonicalSpecPath('entry.long.children.1.left')).toBe('entry.long.children[1].left');
  });

  it('are what a sweep of a saved strategy varies, bounded by every field they set', () => {
    const source = { kind: 'spec' as const, spec: buildTemplate('sma-cross') };
    const space = [
      { name: 'fast', values: [5, 10] },
      { name: 'slow', values: [40] },
    ];
    checkSourceParams(source, space);
    const variant = buildVariantSpec(source, { fast: 5, slow: 40 });
    expect([numberAt(variant, ENTRY_FAST), numberAt(variant, EXIT_FAST), numberAt(variant, ENTRY_SLOW), numberAt(variant, EXIT_SLOW)]).toEqual([5, 5, 40, 40]);
    expect(codes(variant)).toEqual([]);
    expect(sourceParamLimit(source, 'fast')).toEqual({ label: 'Fast period', limit: { min: 1, max: 5000, step: 1, integer: true } });
    expect(() => checkSourceParams(source, [{ name: 'medium', values: [1] }])).toThrow('The strategy has no parameter "medium"; its parameters are fast, slow');
    // A linked field alone would leave its twin behind.
    expect(() => checkSourceParams(source, [{ name: EXIT_SLOW, values: [1] }])).toThrow(`${EXIT_SLOW} is set by parameter "slow": optimize "slow" instead`);
    checkSourceParams(source, [{ name: 'initialCash', values: [5000] }]);
  });

  it('came with spec format version 2: a version 1 spec reads as a version 2 spec without parameters', () => {
    const { parameters: _names, ...old } = buildTemplate('sma-cross');
    expect(upgradeSpec({ ...old, version: 1 })).toEqual(old);
    expect(old.version).toBe(2);
    expect(upgradeSpec({ version: 3 })).toEqual({ version: 3 });
  });
});
