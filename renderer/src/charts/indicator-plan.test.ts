import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../../core/domain/strategy/templates.js';
import type { StrategySpec } from '../api/contract.js';
import { indicatorPlan } from './indicator-plan.js';

const labels = (lines: readonly { label: string }[]) => lines.map((l) => l.label);

describe('indicator plan of a preview', () => {
  it('draws moving averages over the price, each once', () => {
    const plan = indicatorPlan(buildTemplate('sma-cross', { fast: 10, slow: 30 }), '1m');
    expect(labels(plan.overlays)).toEqual(['SMA(10)', 'SMA(30)']);
    expect(plan.overlays.map((l) => l.key)).toEqual(['sma(period=10).value', 'sma(period=30).value']);
    expect(plan.panes).toEqual([]);
    expect(plan.operands).toHaveLength(2);
    expect(new Set(plan.overlays.map((l) => l.colour)).size).toBe(2);
  });

  it('puts an oscillator in a pane with the levels it is compared with', () => {
    const plan = indicatorPlan(buildTemplate('rsi-mean-reversion'), '1m');
    expect(plan.overlays).toEqual([]);
    expect(plan.panes.map((p) => ({ label: p.label, lines: labels(p.lines), levels: p.levels }))).toEqual([{ label: 'RSI(14)', lines: ['RSI(14)'], levels: [30, 70] }]);
  });

  it('keeps the outputs of one indicator in one pane, and price-level outputs over the price', () => {
    const macd = indicatorPlan(buildTemplate('macd-trend'), '1h');
    expect(macd.panes.map((p) => ({ label: p.label, lines: labels(p.lines), levels: p.levels }))).toEqual([
      { label: 'MACD(12, 26, 9)', lines: ['MACD(12, 26, 9) MACD line', 'MACD(12, 26, 9) Signal line'], levels: [0] },
    ]);
    const bands = indicatorPlan(buildTemplate('bollinger-breakout'), '1h');
    expect(labels(bands.overlays)).toEqual(['Bollinger Bands(20, 2) Upper band', 'Bollinger Bands(20, 2) Middle band']);
    expect(bands.panes).toEqual([]);
  });

  it('draws nothing for price fields, time or position state; counts what is over the limits', () => {
    const close = { kind: 'variable', variable: 'close' } as const;
    const spec: StrategySpec = {
      ...buildTemplate('sma-cross'),
      entry: { long: { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: close, operator: '>', right: { kind: 'variable', variable: 'open' } }, { kind: 'trigger', left: { kind: 'variable', variable: 'timeOfDay' }, operator: '>', right: { kind: 'constant', value: 600 } }] } },
      exit: { long: { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: { kind: 'variable', variable: 'barsInTrade' }, operator: '>', right: { kind: 'constant', value: 5 } }] } },
    };
    expect(indicatorPlan(spec, '1m')).toEqual({ overlays: [], panes: [], operands: [], left: 0 });
    const many: StrategySpec = {
      ...spec,
      entry: { long: { kind: 'group', mode: 'all', children: [5, 10, 20, 30, 40, 50, 60, 70].map((period) => ({ kind: 'trigger' as const, left: close, operator: '>' as const, right: { kind: 'variable' as const, variable: 'sma', params: { period } } })) } },
    };
    const plan = indicatorPlan(many, '1m');
    expect(plan.overlays).toHaveLength(6);
    expect(plan.left).toBe(2);
  });
});
