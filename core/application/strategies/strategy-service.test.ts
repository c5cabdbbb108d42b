import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../domain/strategy/templates.js';
import { ValidationError } from '../errors.js';
import { checkSpec, createSpecFromTemplate, describeTemplates, parseSpec, requireRunnableSpec } from './strategy-service.js';

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('strategy service', () => {
  it('parses a template spec from JSON unchanged', () => {
    const spec = buildTemplate('macd-trend');
    expect(parseSpec(roundTrip(spec))).toEqual(spec);
  });

  it('turns structural problems into a ValidationError listing every path', () => {
    const json = roundTrip(buildTemplate('sma-cross')) as Record<string, unknown> & { entry: { long: { children: unknown[] } } };
    json.entry.long.children.push({ kind: 'trigger', left: { kind: 'variable', variable: 'rsi' }, operator: '>>' });
    json.entry.long.children.push({ kind: 'group', mode: 'all', children: [{ kind: 'constant', value: 1 }] });
    json['initialCash'] = '10000';
    json['extra'] = true;
    let error: unknown;
    try {
      parseSpec(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const problems = ((error as ValidationError).details as { problems: { path: string; message: string }[] }).problems;
    expect(problems.map((p) => p.path).sort()).toEqual(['', 'entry.long.children[1].operator', 'entry.long.children[2].children[0].kind', 'initialCash'].sort());
    expect((error as ValidationError).message).toMatch(/malformed at .*\(and 3 more\)/);
  });

  it('rejects non-objects, a wrong version and non-finite numbers', () => {
    expect(() => parseSpec(null)).toThrow(ValidationError);
    expect(() => parseSpec({ ...buildTemplate('sma-cross'), version: 2 })).toThrow(/version/);
    expect(() => parseSpec({ ...buildTemplate('sma-cross'), initialCash: Number.POSITIVE_INFINITY })).toThrow(/initialCash/);
  });

  it('checkSpec combines structure and meaning without throwing', () => {
    const broken = checkSpec({ nope: 1 });
    expect(broken.spec).toBeNull();
    expect(broken.runnable).toBe(false);
    expect(broken.errors.every((p) => p.code === 'invalidStructure')).toBe(true);

    const spec = buildTemplate('sma-cross');
    const ok = checkSpec(roundTrip(spec), '1m');
    expect(ok).toEqual({ spec, errors: [], warnings: [], accepted: [], notices: [], runnable: true });

    const wrongTf = roundTrip(spec) as { entry: { long: { children: { right: { timeframe?: string } }[] } } };
    wrongTf.entry.long.children[0]!.right.timeframe = '5m';
    const check = checkSpec(wrongTf, '1h');
    expect(check.errors.map((p) => p.code)).toEqual(['timeframeBelowRun']);
    expect(() => requireRunnableSpec(wrongTf, '1h')).toThrow(/entry\.long\.children\[0\]\.right\.timeframe/);
  });

  it('runs a spec with no exit at all (buy and hold), the same rule the builder shows', () => {
    const hold = { ...buildTemplate('sma-cross'), exit: {}, management: {} };
    const check = checkSpec(roundTrip(hold), '1d');
    expect(check.runnable).toBe(true);
    expect(check.notices.map((p) => p.code)).toEqual(['closesOnlyAtEnd']);
    expect(requireRunnableSpec(roundTrip(hold), '1d')).toEqual(hold);
  });

  it('creates specs from templates, with bad input as ValidationError', () => {
    expect(createSpecFromTemplate('ema-cross', { fast: 8, slow: 21 }).name).toBe('EMA cross');
    expect(() => createSpecFromTemplate('nope')).toThrow(ValidationError);
    expect(() => createSpecFromTemplate('sma-cross', { fast: 50, slow: 20 })).toThrow(ValidationError);
    expect(describeTemplates().find((t) => t.id === 'donchian-atr')?.params.map((p) => p.name)).toEqual(['period', 'exitPeriod', 'atrPeriod', 'atrMultiple']);
  });
});
