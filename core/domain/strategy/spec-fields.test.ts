import { describe, expect, it } from 'vitest';
import { specPathLimit } from '../optimize/param-limits.js';
import { numberAt, withNumberAt } from '../optimize/spec-path.js';
import { all, specOf, trig, v } from '../test-kit/specs.js';
import { findVariable } from './catalog.js';
import { SPEC_LIMITS } from './limits.js';
import { paramName, SPEC_FIELDS, specField, specFieldName, TRIGGER_BARS_FIELD, type SpecFieldPath } from './spec-fields.js';
import type { StrategySpec } from './spec.js';
import { validateSpec } from './validate.js';

// Two specs that hold every fixed number field between them (a distance is a percent or an ATR multiple).
const management = { trailingStop: { activationPct: 1 }, timeExitBars: 10, pyramiding: { maxAdds: 2, spacingPct: 1 }, partialExit: { atProfitPct: 5, fraction: 0.5 } };
const entry = { long: all(trig(v('sma', { period: 10 }), 'risingFor', undefined, 3)) };
const inPercent = specOf({
  entry,
  management: { ...management, stopLoss: { kind: 'percent', value: 2 }, takeProfit: { kind: 'percent', value: 4 }, trailingStop: { ...management.trailingStop, distance: { kind: 'percent', value: 1 } } },
  sizing: { kind: 'percentEquity', percent: 50 },
});
const inAtr = specOf({
  entry,
  management: {
    ...management,
    stopLoss: { kind: 'atr', multiple: 2, period: 14 },
    takeProfit: { kind: 'atr', multiple: 3, period: 14 },
    trailingStop: { ...management.trailingStop, distance: { kind: 'atr', multiple: 1, period: 20 } },
  },
  sizing: { kind: 'fixedCash', cash: 1000 },
});
const inQuantity = specOf({ entry, sizing: { kind: 'fixedQuantity', quantity: 1 } });
// A portfolio: the most slots, so a rotation may hold its most too.
const inPortfolio = specOf({
  entry,
  sizing: { kind: 'equalWeight' },
  portfolio: { maxPositions: 100, ranking: { by: v('roc', { period: 20 }), order: 'desc' }, rotation: { every: { kind: 'bars', bars: 20 }, top: 1 } },
});
const SPECS = [inPercent, inAtr, inQuantity, inPortfolio];

/** Every number of a spec by path, outside the rules and the ranking variable (whose numbers the catalog bounds) and the version. */
function fixedNumberPaths(spec: StrategySpec): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (path === 'portfolio.ranking') return;
    if (typeof node === 'number') out.push(path);
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, path ? `${path}.${key}` : key);
  };
  const { entry: _entry, exit: _exit, version: _version, ...rest } = spec;
  walk(rest, '');
  return out;
}

const specHolding = (path: string): StrategySpec => {
  const spec = SPECS.find((s) => fixedNumberPaths(s).includes(path));
  if (!spec) throw new Error(`no test spec holds ${path}`);
  return spec;
};

describe('SPEC_FIELDS: one row per number field of a spec', () => {
  it('has a row for every number a spec holds outside its rules, and no row for a path no spec has', () => {
    const held = new Set(SPECS.flatMap(fixedNumberPaths));
    expect([...held].sort()).toEqual(Object.keys(SPEC_FIELDS).sort());
  });

  it('is the limit the validator holds each path to: the bounds pass, a step beyond either fails at that very path', () => {
    for (const [path, field] of Object.entries(SPEC_FIELDS)) {
      const spec = specHolding(path);
      const at = (value: number) => validateSpec(withNumberAt(spec, path, value)).errors.filter((p) => p.path === path);
      const { min, max } = field.limit;
      const lowest = 'aboveMin' in field.limit ? min + field.limit.step : min;
      expect(at(lowest), `${path} at ${lowest}`).toEqual([]);
      expect(at(max), `${path} at ${max}`).toEqual([]);
      expect(at(max + field.limit.step), `${path} above ${max}`).toHaveLength(1);
      expect(at(min - field.limit.step), `${path} below ${min}`).toHaveLength(1);
      if ('aboveMin' in field.limit) expect(at(min), `${path} at ${min}`).toHaveLength(1);
      if ('integer' in field.limit) expect(at(min + 0.5), `${path} fractional`).toHaveLength(1);
    }
    // The bar count of "rises for N bars" too.
    const bars = 'entry.long.children[0].bars';
    const barErrors = (n: number) => validateSpec(withNumberAt(inPercent, bars, n)).errors.filter((p) => p.path === bars);
    expect(barErrors(TRIGGER_BARS_FIELD.limit.max)).toEqual([]);
    expect(barErrors(TRIGGER_BARS_FIELD.limit.max + 1)).toHaveLength(1);
  });

  it('takes its limits from SPEC_LIMITS, and its names say each field once', () => {
    const limits = new Set<object>(Object.values(SPEC_LIMITS));
    for (const field of [...Object.values(SPEC_FIELDS), TRIGGER_BARS_FIELD]) expect(limits.has(field.limit)).toBe(true);
    const names = Object.values(SPEC_FIELDS).map(specFieldName);
    expect(new Set(names).size).toBe(names.length);
    for (const field of Object.values(SPEC_FIELDS)) expect(field.help).toMatch(/^[A-Z0-9].*\.$/);
  });

  it('names a field with its group and unit', () => {
    const name = (path: SpecFieldPath) => specFieldName(SPEC_FIELDS[path]);
    expect(name('management.stopLoss.value')).toBe('Stop loss: distance (%)');
    expect(name('management.trailingStop.distance.multiple')).toBe('Trailing stop: ATR multiple');
    expect(name('management.takeProfit.period')).toBe('Take profit: ATR period (bars)');
    expect(name('management.timeExitBars')).toBe('Time exit (bars)');
    expect(name('sizing.percent')).toBe('Sizing: equity per trade (%)');
    expect(name('costs.slippageBps')).toBe('Slippage (bps)');
    expect(name('initialCash')).toBe('Initial cash');
    expect(specField('management.stopLoss')).toBeUndefined();
    expect(specField('toString')).toBeUndefined();
    expect(paramName(findVariable('stochastic')!, findVariable('stochastic')!.params[0]!)).toBe('Stochastic %K period');
    expect(paramName(findVariable('macd')!, findVariable('macd')!.params[0]!)).toBe('MACD fast period');
  });

  it('is what a sweep bounds and names a spec path by', () => {
    for (const [path, field] of Object.entries(SPEC_FIELDS)) {
      const spec = specHolding(path);
      expect(numberAt(spec, path)).toBeTypeOf('number');
      expect(specPathLimit(spec, path)).toEqual({ label: specFieldName(field), limit: field.limit });
    }
  });
});
