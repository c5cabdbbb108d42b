import { describe, expect, it } from 'vitest';
import { buildTemplate, DEFAULT_COSTS, listTemplates } from './templates.js';
import { validateSpec } from './validate.js';

describe('templates', () => {
  it('lists the six built-in templates', () => {
    expect(listTemplates().map((t) => t.id)).toEqual(['sma-cross', 'ema-cross', 'rsi-mean-reversion', 'bollinger-breakout', 'macd-trend', 'donchian-atr']);
  });

  it.each(listTemplates().map((t) => [t.id, t] as const))('%s: defaults build a valid spec with the standard costs', (_id, template) => {
    for (const p of template.params) {
      expect(p.default).toBeGreaterThanOrEqual(p.min);
      expect(p.default).toBeLessThanOrEqual(p.max);
    }
    const spec = template.build({});
    expect(validateSpec(spec, { runTimeframe: '1m' })).toEqual({ errors: [], warnings: [], accepted: [], notices: [] });
    expect(spec.costs).toEqual(DEFAULT_COSTS);
    expect(spec.costs).toEqual({ commissionPct: 0.1, commissionFixed: 0, slippageBps: 1 });
    expect(spec.sizing).toEqual({ kind: 'percentEquity', percent: 100 });
    expect(spec.initialCash).toBe(10_000);
    // Both directions are valid too: the short side is filled in.
    expect(validateSpec(template.build({}, { direction: 'both' })).errors).toEqual([]);
    expect(validateSpec(template.build({}, { direction: 'short' })).errors).toEqual([]);
  });

  it('puts parameter values where they belong', () => {
    const spec = buildTemplate('sma-cross', { fast: 5, slow: 50 });
    expect(JSON.stringify(spec.entry)).toContain('"params":{"period":5}');
    expect(JSON.stringify(spec.entry)).toContain('"params":{"period":50}');
    const donchian = buildTemplate('donchian-atr', { atrMultiple: 3.5 });
    expect(donchian.management.stopLoss).toEqual({ kind: 'atr', multiple: 3.5, period: 14 });
  });

  it('applies a base (direction, cash, costs, name)', () => {
    const spec = buildTemplate('ema-cross', {}, { direction: 'both', initialCash: 500, name: 'Mine' });
    expect(spec.direction).toBe('both');
    expect(spec.initialCash).toBe(500);
    expect(spec.name).toBe('Mine');
    expect(spec.entry.short).toBeDefined();
  });

  it('rejects unknown templates and parameters, out-of-bounds values and fast >= slow', () => {
    expect(() => buildTemplate('nope')).toThrow(/Unknown template "nope"/);
    expect(() => buildTemplate('sma-cross', { period: 3 })).toThrow(/no parameter "period"; its parameters are fast, slow/);
    expect(() => buildTemplate('sma-cross', { fast: 0 })).toThrow(/fast must be a whole number from 1/);
    expect(() => buildTemplate('sma-cross', { fast: 40, slow: 30 })).toThrow(/fast \(40\) must be shorter than slow \(30\)/);
    expect(() => buildTemplate('rsi-mean-reversion', { lower: 50, upper: 50 })).toThrow(/lower \(50\) must be below upper/);
  });
});
