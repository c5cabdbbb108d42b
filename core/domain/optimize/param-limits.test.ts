import { describe, expect, it } from 'vitest';
import { all, k, specOf, smaCrossSpec, trig, v } from '../test-kit/specs.js';
import { SPEC_LIMITS } from '../strategy/limits.js';
import { checkSourceRanges, sourceParamLimit, specPathLimit } from './param-limits.js';
import { expandRange } from './param-space.js';
import { buildVariantSpec, checkSourceParams } from './variant-spec.js';

describe('parameter limits of a sweep', () => {
  it('finds the limit the validator holds a spec path to: a variable parameter, a bar count, management, sizing, costs', () => {
    const spec = specOf({
      entry: { long: all(trig(v('sma', { period: 10 }), 'crossesAbove', v('macd', { fast: 12 })), trig(v('rsi', { period: 14 }), '<', 30), trig(v('close'), 'risingFor', undefined, 3)) },
      management: { stopLoss: { kind: 'percent', value: 2 }, trailingStop: { distance: { kind: 'atr', multiple: 2, period: 14 }, activationPct: 1 }, partialExit: { atProfitPct: 5, fraction: 0.5 } },
      sizing: { kind: 'percentEquity', percent: 100 },
    });
    expect(specPathLimit(spec, 'entry.long.children[0].left.params.period')).toEqual({ label: 'SMA period', limit: { min: 1, max: 5000, step: 1, integer: true } });
    expect(specPathLimit(spec, 'entry.long.children[0].right.params.fast')).toMatchObject({ label: 'MACD fast period', limit: { min: 1, max: 1000 } });
    expect(specPathLimit(spec, 'entry.long.children[2].bars')).toEqual({ label: 'Bar count', limit: SPEC_LIMITS.triggerBars });
    expect(specPathLimit(spec, 'management.stopLoss.value')).toEqual({ label: 'Stop loss: distance (%)', limit: SPEC_LIMITS.distancePercent });
    expect(specPathLimit(spec, 'management.trailingStop.distance.multiple')).toEqual({ label: 'Trailing stop: ATR multiple', limit: SPEC_LIMITS.distanceAtrMultiple });
    expect(specPathLimit(spec, 'management.partialExit.fraction')).toEqual({ label: 'Partial exit: fraction closed', limit: SPEC_LIMITS.partialExitFraction });
    expect(specPathLimit(spec, 'sizing.percent')).toEqual({ label: 'Sizing: equity per trade (%)', limit: SPEC_LIMITS.sizingPercent });
    expect(specPathLimit(spec, 'costs.slippageBps')).toEqual({ label: 'Slippage (bps)', limit: SPEC_LIMITS.slippageBps });
    // A constant compared with is unbounded; an unknown path has no limit.
    expect(specPathLimit(spec, 'entry.long.children[1].right.value')).toBeNull();
    expect(specPathLimit(spec, 'nowhere[')).toBeNull();
    expect(sourceParamLimit({ kind: 'template', templateId: 'sma-cross' }, 'fast')).toEqual({ label: 'Fast period', limit: { min: 1, max: 1000, step: 1, integer: true } });
  });

  it("bounds a portfolio's slots and its ranking's parameters, in a spec and in what a template builds", () => {
    const portfolio = { maxPositions: 3, ranking: { by: v('roc', { period: 48 }), order: 'desc' as const } };
    const spec = specOf({ portfolio });
    expect(specPathLimit(spec, 'portfolio.maxPositions')?.limit).toEqual(SPEC_LIMITS.maxPositions);
    expect(specPathLimit(spec, 'portfolio.ranking.by.params.period')).toMatchObject({ label: 'Rate of change period', limit: { min: 1, integer: true } });
    const template = { kind: 'template', templateId: 'sma-cross', base: { portfolio } } as const;
    expect(sourceParamLimit(template, 'portfolio.maxPositions')?.limit).toEqual(SPEC_LIMITS.maxPositions);
    expect(() => checkSourceRanges(template, [{ name: 'portfolio.maxPositions', values: [0, 1, 2] }])).toThrow('Parameter "portfolio.maxPositions"');
    expect(() => checkSourceRanges(template, [{ name: 'portfolio.maxPositions', values: [1, 1.5] }])).toThrow('must be a whole number, got 1.5');
    expect(() => checkSourceRanges({ kind: 'spec', spec }, [{ name: 'portfolio.ranking.by.params.period', values: [0, 24] }])).toThrow('Parameter "portfolio.ranking.by.params.period" (Rate of change period)');
    // A template without portfolio rules has no slots to vary; with them, they are a spec path of what it builds.
    expect(() => checkSourceParams({ kind: 'template', templateId: 'sma-cross' }, [{ name: 'portfolio.maxPositions', values: [1, 2] }])).toThrow('does not exist in the spec');
    expect(() => checkSourceParams(template, [{ name: 'portfolio.maxPositions', values: [1, 2] }])).not.toThrow();
    expect(buildVariantSpec(template, { fast: 7, 'portfolio.maxPositions': 2 })).toMatchObject({ portfolio: { maxPositions: 2, ranking: portfolio.ranking }, parameters: [{ name: 'fast' }, { name: 'slow' }] });
  });

  it('refuses a range reaching outside its parameter limit, naming the parameter and the limit', () => {
    const template = { kind: 'template', templateId: 'sma-cross' } as const;
    expect(() => checkSourceRanges(template, [{ name: 'fast', values: expandRange(5, 50, 5) }])).not.toThrow();
    expect(() => checkSourceRanges(template, [{ name: 'fast', values: expandRange(0, 50, 5) }])).toThrow('Parameter "fast" (Fast period) must be between 1 and 1000; the range reaches 0');
    expect(() => checkSourceRanges(template, [{ name: 'slow', values: [100, 2500] }])).toThrow('Parameter "slow" (Slow period) must be between 2 and 2000; the range reaches 2500');
    const spec = { kind: 'spec', spec: smaCrossSpec(10, 30, { sizing: { kind: 'percentEquity', percent: 100 } }) } as const;
    expect(() => checkSourceRanges(spec, [{ name: 'sizing.percent', values: [50, 100, 150, 200] }])).toThrow('Parameter "sizing.percent" (Sizing: equity per trade (%)) must be between 0.1 and 100; the range reaches 150');
    expect(() => checkSourceRanges(spec, [{ name: 'entry.long.children[0].left.params.period', values: [5, 7.5, 10] }])).toThrow('(SMA period) must be a whole number, got 7.5');
    // A constant has no limit: any range is fine.
    const rsi = { kind: 'spec', spec: specOf({ entry: { long: all(trig(v('rsi'), '<', k(30))) } }) } as const;
    expect(() => checkSourceRanges(rsi, [{ name: 'entry.long.children[0].right.value', values: [-5, 500] }])).not.toThrow();
  });
});
