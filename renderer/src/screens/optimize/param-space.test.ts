import { describe, expect, it } from 'vitest';
import { defaultRange, niceStep, numericPaths, parseConstraints, toSpace, valueCount } from './param-space.js';

describe('numericPaths', () => {
  it('lists every number of a spec as a sweep path, skipping version and initial cash', () => {
    const spec = {
      version: 1,
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
