import { describe, expect, it } from 'vitest';
import { SPEC_FIELDS, specFieldName } from '../../../../core/domain/strategy/spec-fields.js';
import type { StrategySpec } from '../../api/contract.js';
import { constraintProblem, defaultRange, isCostParam, niceStep, numericPaths, paramNamer, parseConstraints, rangeProblem, specParams, sweptRows, toSpace, valueCount } from './param-space.js';

describe('numericPaths', () => {
  it('lists every number of a spec as a sweep path, skipping version and initial cash', () => {
    const spec = {
      version: 2,
      initialCash: 10_000,
      entry: { long: { children: [{ left: { params: { period: 14 } }, right: { kind: 'constant', value: 30 } }] } },
      management: { stopLoss: { kind: 'percent', value: 2 } },
      name: 'x',
    };
    expect(numericPaths(spec).map((p) => [p.name, p.value])).toEqual([
      ['entry.long.children[0].left.params.period', 14],
      ['entry.long.children[0].right.value', 30],
      ['management.stopLoss.value', 2],
    ]);
  });
});

describe('ranges', () => {
  it('starts at half to double the value, on a round step inside the catalog bounds', () => {
    expect(defaultRange({ name: 'fast', label: 'Fast', value: 10, bounds: { min: 1, max: 1000, step: 1, integer: true } })).toEqual({ min: 5, max: 20, step: 5 });
    expect(defaultRange({ name: 'k', label: 'k', value: 2.5 })).toEqual({ min: 2, max: 5, step: 1 });
    expect(niceStep(100, 6)).toBe(20);
  });

  it('counts values like the grid and refuses bad rows', () => {
    expect(valueCount({ min: '5', max: '15', step: '5' })).toBe(3);
    expect(valueCount({ min: '0.1', max: '0.3', step: '0.1' })).toBe(3);
    expect(valueCount({ min: '5', max: '1', step: '1' })).toBeNull();
    expect(valueCount({ min: '', max: '1', step: '1' })).toBeNull();
    const rows = [
      { name: 'fast', enabled: true, min: '5', max: '15', step: '5' },
      { name: 'slow', enabled: true, min: '20', max: '40', step: '10' },
      { name: 'other', enabled: false, min: 'x', max: '', step: '' },
    ];
    expect(toSpace(rows)).toEqual({ space: [{ name: 'fast', min: 5, max: 15, step: 5 }, { name: 'slow', min: 20, max: 40, step: 10 }], planned: 9 });
    expect(toSpace(rows.map((r) => ({ ...r, enabled: false })))).toEqual({ error: 'Pick at least one parameter to optimize.' });
    expect(toSpace([{ ...rows[0]!, step: '0' }])).toHaveProperty('error');
    // A whole-number parameter (a period) refuses a fractional range instead of planning invalid variants.
    expect(toSpace([{ ...rows[0]!, integer: true, step: '2.5' }])).toEqual({ error: 'fast takes whole numbers: min, max and step must be whole' });
    expect(toSpace([{ ...rows[0]!, integer: true }])).toHaveProperty('planned', 3);
    expect(toSpace([{ ...rows[0]!, step: '2.5' }])).toHaveProperty('planned', 5);
  });

  it('splits constraints on commas and lines', () => {
    expect(parseConstraints('fast < slow,\n slow<=200 ,')).toEqual(['fast<slow', 'slow<=200']);
  });
});

const sma = (period: number) => ({ kind: 'variable', variable: 'sma', params: { period } }) as const;
const SAVED: StrategySpec = {
  version: 2,
  name: 'Saved cross',
  direction: 'long',
  entry: { long: { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: sma(10), operator: 'crossesAbove', right: sma(30) }] } },
  exit: {},
  management: { stopLoss: { kind: 'percent', value: 80 }, partialExit: { atProfitPct: 5, fraction: 0.5 } },
  sizing: { kind: 'percentEquity', percent: 100 },
  costs: { commissionPct: 0.1, commissionFixed: 0, slippageBps: 1 },
  initialCash: 10_000,
};

describe('ranges inside the allowed values', () => {
  const fast = { name: 'fast', label: 'Fast period', enabled: true, min: '5', max: '50', step: '5', integer: true, bounds: { min: 1, max: 1000, step: 1, integer: true } };

  it('suggests ranges inside every parameter bound of a saved spec', () => {
    const params = specParams(SAVED);
    for (const p of params) {
      if (!p.bounds) continue;
      const range = defaultRange(p);
      expect(range.min, p.name).toBeGreaterThanOrEqual(p.bounds.min);
      expect(range.max, p.name).toBeLessThanOrEqual(p.bounds.max);
    }
    // Half to double of 100 % of equity, 80 % stop and a 0.5 fraction would reach 200, 160 and 1.
    const rangeOf = (name: string) => defaultRange(params.find((p) => p.name === name)!);
    expect(rangeOf('sizing.percent')).toEqual({ min: 50, max: 100, step: 50 });
    expect(rangeOf('management.stopLoss.value').max).toBe(100);
    expect(rangeOf('management.partialExit.fraction').max).toBeLessThanOrEqual(0.99);
    // An exclusive lower bound (a quantity of 0 is none) starts a step above it.
    expect(defaultRange({ name: 'q', label: 'q', value: 0, bounds: { min: 0, max: 1e9, step: 1, integer: false, aboveMin: true } }).min).toBeGreaterThan(0);
  });

  it('names saved-spec parameters in words and bounds them from the catalog', () => {
    const params = specParams(SAVED);
    expect(params.find((p) => p.name === 'entry.long.children[0].left.params.period')).toEqual({
      name: 'entry.long.children[0].left.params.period',
      label: 'Long entry: SMA period (trigger 1, left)',
      value: 10,
      bounds: { min: 1, max: 5000, step: 1, integer: true },
    });
    expect(params.find((p) => p.name === 'sizing.percent')).toMatchObject({ label: 'Sizing: equity per trade (%)', bounds: { min: 0.1, max: 100 } });
    const name = paramNamer({ kind: 'spec', spec: SAVED });
    expect(name('entry.long.children[0].right.params.period')).toBe('Long entry: SMA period (trigger 1, right)');
    expect(paramNamer({ kind: 'template', templateId: 'sma-cross' })('fast')).toBe('fast');
  });

  it("takes every fixed field's bounds and name from the domain's table, not a copy", () => {
    const fixed = specParams(SAVED).filter((p) => p.name in SPEC_FIELDS);
    expect(fixed.map((p) => p.name)).toEqual(['management.stopLoss.value', 'management.partialExit.atProfitPct', 'management.partialExit.fraction', 'sizing.percent', 'costs.commissionPct', 'costs.commissionFixed', 'costs.slippageBps']);
    for (const p of fixed) {
      const field = SPEC_FIELDS[p.name as keyof typeof SPEC_FIELDS];
      expect(p.bounds, p.name).toBe(field.limit);
      expect(p.label).toBe(specFieldName(field));
    }
  });

  it('refuses a typed start or end outside the bounds, saying the allowed range', () => {
    expect(rangeProblem(fast)).toBeNull();
    expect(rangeProblem({ ...fast, min: '0' })).toBe('Fast period must be between 1 and 1,000');
    expect(rangeProblem({ ...fast, max: '1500' })).toBe('Fast period must be between 1 and 1,000');
    expect(rangeProblem({ ...fast, min: '' })).toBeNull();
    expect(rangeProblem({ name: 'q', label: 'Quantity', min: '0', max: '5', bounds: { min: 0, max: 1e9, step: 1, integer: false, aboveMin: true } })).toBe('Quantity must be above 0 and at most 1B');
    // The plan says why Start is disabled: the first row out of bounds.
    expect(toSpace([{ ...fast, max: '1500' }])).toEqual({ error: 'Fast period must be between 1 and 1,000' });
    expect(toSpace([fast])).toHaveProperty('planned', 10);
  });
});

describe('costs', () => {
  it('are offered last, apart, and not swept unless offered (a sweep would just pick the lowest)', () => {
    const names = specParams(SAVED).map((p) => p.name);
    expect(names.slice(-3)).toEqual(['costs.commissionPct', 'costs.commissionFixed', 'costs.slippageBps']);
    expect(names.filter(isCostParam)).toHaveLength(3);
    const rows = [
      { name: 'sizing.percent', enabled: true, min: '50', max: '100', step: '50' },
      { name: 'costs.commissionPct', enabled: true, min: '0', max: '0.2', step: '0.1' },
    ];
    expect(toSpace(sweptRows(rows, false))).toEqual({ space: [{ name: 'sizing.percent', min: 50, max: 100, step: 50 }], planned: 2 });
    expect(toSpace(sweptRows(rows, true))).toHaveProperty('planned', 6);
  });
});

describe('constraints as typed', () => {
  it('are checked against the ticked parameters, as the server checks them at Start', () => {
    expect(constraintProblem('fast < slow', ['fast', 'slow'])).toBeNull();
    expect(constraintProblem('', ['fast'])).toBeNull();
    expect(constraintProblem('fast<slow, fast >= 5', ['fast', 'slow'])).toBeNull();
    expect(constraintProblem('fast<slow', ['entry.long.children[0].left.params.period'])).toBe(
      'Constraint "fast<slow": "fast" is not an optimized parameter (entry.long.children[0].left.params.period)',
    );
    expect(constraintProblem('fast<slow', ['fast'])).toBe('Constraint "fast<slow": "slow" is not an optimized parameter (fast)');
    expect(constraintProblem('fast slow', ['fast', 'slow'])).toContain('expected A<B');
  });
});
