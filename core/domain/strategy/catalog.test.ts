import { describe, expect, it } from 'vitest';
import { COMPARISON_GROUPS, findOutput, findVariable, VARIABLES, withDefaults } from './catalog.js';

describe('catalog', () => {
  it('has unique ids and consistent entries', () => {
    expect(new Set(VARIABLES.map((v) => v.id)).size).toBe(VARIABLES.length);
    for (const v of VARIABLES) {
      expect(v.outputs.length, v.id).toBeGreaterThan(0);
      expect(v.group, v.id).toBe(v.outputs[0]!.group);
      expect(new Set(v.outputs.map((o) => o.id)).size, v.id).toBe(v.outputs.length);
      for (const o of v.outputs) expect(COMPARISON_GROUPS).toContain(o.group);
      for (const p of v.params) {
        expect(p.min, `${v.id}.${p.name}`).toBeLessThanOrEqual(p.default);
        expect(p.default, `${v.id}.${p.name}`).toBeLessThanOrEqual(p.max);
        expect(p.step, `${v.id}.${p.name}`).toBeGreaterThan(0);
        if (p.type === 'int') expect(Number.isInteger(p.default) && Number.isInteger(p.min) && Number.isInteger(p.max)).toBe(true);
      }
    }
  });

  it('covers the variables the strategy model names, position state included', () => {
    const ids = VARIABLES.map((v) => v.id);
    for (const id of ['close', 'open', 'high', 'low', 'volume', 'typical', 'sma', 'ema', 'wma', 'rsi', 'macd', 'bollinger', 'atr', 'stochastic', 'adx', 'cci', 'obv', 'vwap', 'highest', 'lowest', 'roc', 'timeOfDay', 'dayOfWeek']) {
      expect(ids).toContain(id);
    }
    expect(VARIABLES.filter((v) => v.kind === 'position').map((v) => v.id)).toEqual(['unrealizedPnlPct', 'barsInTrade', 'entryPrice']);
  });

  it('finds variables and outputs, and fills parameter defaults', () => {
    const macd = findVariable('macd')!;
    expect(findOutput(macd)?.id).toBe('line');
    expect(findOutput(macd, 'histogram')?.group).toBe('zeroCentred');
    expect(findOutput(macd, 'nope')).toBeUndefined();
    expect(findVariable('nope')).toBeUndefined();
    expect(withDefaults(macd, { fast: 5 })).toEqual({ fast: 5, slow: 26, signal: 9 });
  });
});
