import { describe, expect, it } from 'vitest';
import { smaCrossSpec } from '../test-kit/specs.js';
import { checkConstraints, parseConstraint, satisfiesAll } from './constraints.js';
import { objective, rankVariants } from './objective.js';
import { expandRange, gridSize, parseParamRange } from './param-space.js';
import { createSearchPlan, type Candidate, type SearchPlan } from './search.js';
import { numberAt, withNumberAt } from './spec-path.js';
import { buildVariantSpec } from './variant-spec.js';
import type { BacktestMetrics } from '../engine/metrics.js';

const sharpe = objective('sharpe');

function drain(plan: SearchPlan, score: (c: Candidate) => number = () => 0): Candidate[] {
  const out: Candidate[] = [];
  let index = 0;
  for (let batch = plan.next(); batch !== null; batch = plan.next()) {
    out.push(...batch);
    plan.tell(batch.map((c) => ({ key: c.key, scored: { index: index++, metrics: { sharpe: score(c), tradeCount: 10 } as unknown as BacktestMetrics } })));
  }
  return out;
}

describe('parameter space', () => {
  it('expands ranges without float drift, and lists', () => {
    expect(expandRange(0.1, 0.5, 0.1)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(expandRange(5, 50, 5)).toHaveLength(10);
    expect(expandRange(1, 10, 4)).toEqual([1, 5, 9]);
    expect(parseParamRange('fast=5:20:5')).toEqual({ name: 'fast', values: [5, 10, 15, 20] });
    expect(parseParamRange('entry.long.children[0].left.params.period=3,5,8')).toEqual({ name: 'entry.long.children[0].left.params.period', values: [3, 5, 8] });
    expect(() => parseParamRange('fast=5:1:1')).toThrow(/below min/);
    expect(() => parseParamRange('fast=5:10:0')).toThrow(/step/);
    expect(() => parseParamRange('fast=a,b')).toThrow(/not a number/);
  });

  it('parses constraints between parameters and with constants', () => {
    expect(parseConstraint('fast<slow')).toEqual({ left: 'fast', operator: '<', right: 'slow' });
    expect(parseConstraint(' fast >= 10 ')).toEqual({ left: 'fast', operator: '>=', right: 10 });
    expect(satisfiesAll({ fast: 5, slow: 5 }, [parseConstraint('fast<slow')])).toBe(false);
    expect(satisfiesAll({ fast: 5, slow: 5 }, [parseConstraint('fast<=slow')])).toBe(true);
    expect(() => checkConstraints([parseConstraint('fast<nope')], ['fast', 'slow'])).toThrow(/nope/);
  });

  it('reads and replaces numbers by JSON path without touching the original', () => {
    const spec = smaCrossSpec(5, 20);
    const path = 'entry.long.children[0].left.params.period';
    expect(numberAt(spec, path)).toBe(5);
    const changed = withNumberAt(spec, path, 9);
    expect(numberAt(changed, path)).toBe(9);
    expect(numberAt(spec, path)).toBe(5);
    expect(changed.exit).toBe(spec.exit);
    expect(() => numberAt(spec, 'entry.long.children[3].left')).toThrow(/does not exist/);
    expect(() => withNumberAt(spec, 'entry.long.mode', 1)).toThrow(/not a number/);
  });

  it('builds template variants by parameter name', () => {
    const spec = buildVariantSpec({ kind: 'template', templateId: 'sma-cross' }, { fast: 7, slow: 30 });
    expect(numberAt(spec, 'entry.long.children[0].left.params.period')).toBe(7);
    expect(numberAt(spec, 'entry.long.children[0].right.params.period')).toBe(30);
  });
});

describe('grid search', () => {
  const space = [parseParamRange('fast=5:30:5'), parseParamRange('slow=10:40:10')];

  it('proposes every point once when there are no constraints', () => {
    const plan = createSearchPlan(space, [], { kind: 'grid' }, sharpe);
    const all = drain(plan);
    expect(all).toHaveLength(gridSize(space));
    expect(new Set(all.map((c) => `${c.values['fast']}/${c.values['slow']}`)).size).toBe(24);
    expect(plan.rejected).toBe(0);
  });

  it('never proposes a point that breaks a constraint, and counts them', () => {
    const plan = createSearchPlan(space, [parseConstraint('fast<slow')], { kind: 'grid' }, sharpe);
    const all = drain(plan);
    const expected = space[0]!.values.flatMap((f) => space[1]!.values.filter((s) => f < s)).length;
    expect(all).toHaveLength(expected);
    expect(all.every((c) => c.values['fast']! < c.values['slow']!)).toBe(true);
    expect(plan.rejected).toBe(24 - expected);
    expect(plan.plannedTotal).toBe(expected);
  });
});

describe('random and genetic search', () => {
  const space = [parseParamRange('fast=2:80:1'), parseParamRange('slow=10:400:2')];
  const constraints = [parseConstraint('fast<slow')];
  // A smooth landscape with its peak at fast=20, slow=100.
  const landscape = (c: Candidate) => -((c.values['fast']! - 20) ** 2) - ((c.values['slow']! - 100) / 4) ** 2;

  it('random: same seed, same distinct valid samples; another seed differs', () => {
    const a = drain(createSearchPlan(space, constraints, { kind: 'random', samples: 50, seed: 1 }, sharpe));
    const b = drain(createSearchPlan(space, constraints, { kind: 'random', samples: 50, seed: 1 }, sharpe));
    const c = drain(createSearchPlan(space, constraints, { kind: 'random', samples: 50, seed: 2 }, sharpe));
    expect(a.map((x) => x.key)).toEqual(b.map((x) => x.key));
    expect(a.map((x) => x.key)).not.toEqual(c.map((x) => x.key));
    expect(new Set(a.map((x) => x.key)).size).toBe(50);
    expect(a.every((x) => x.values['fast']! < x.values['slow']!)).toBe(true);
  });

  it('genetic: reproducible by seed, respects constraints, improves on its first generation', () => {
    const method = { kind: 'genetic' as const, population: 20, generations: 12, seed: 5 };
    const a = drain(createSearchPlan(space, constraints, method, sharpe), landscape);
    const b = drain(createSearchPlan(space, constraints, method, sharpe), landscape);
    const c = drain(createSearchPlan(space, constraints, { ...method, seed: 6 }, sharpe), landscape);
    expect(a.map((x) => x.key)).toEqual(b.map((x) => x.key));
    expect(a.map((x) => x.key)).not.toEqual(c.map((x) => x.key));
    expect(new Set(a.map((x) => x.key)).size).toBe(a.length);
    expect(a.every((x) => x.values['fast']! < x.values['slow']!)).toBe(true);
    const best = (xs: Candidate[]) => Math.max(...xs.map(landscape));
    expect(best(a)).toBeGreaterThan(best(a.filter((x) => x.generation === 0)));
    expect(a.length).toBeLessThanOrEqual(20 * 12);
  });
});

describe('ranking', () => {
  const m = (sharpe: number | null, tradeCount: number) => ({ sharpe, tradeCount }) as unknown as BacktestMetrics;
  it('ranks eligible first, null scores last, ties by index; minimize flips', () => {
    const variants = [
      { index: 0, metrics: m(null, 50) },
      { index: 1, metrics: m(2, 1) },
      { index: 2, metrics: m(1, 50) },
      { index: 3, metrics: m(1.5, 50) },
      { index: 4, metrics: null },
      { index: 5, metrics: m(1.5, 50) },
    ];
    expect(rankVariants(variants, objective('sharpe', 'maximize', 5)).map((v) => v.index)).toEqual([3, 5, 2, 0, 1, 4]);
    expect(rankVariants(variants, objective('sharpe', 'minimize', 5)).map((v) => v.index)).toEqual([2, 3, 5, 0, 1, 4]);
    expect(() => objective('nope')).toThrow(/Unknown objective/);
  });
});
