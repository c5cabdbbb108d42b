import { describe, expect, it } from 'vitest';
import type { ConditionGroup, StrategySpec, Trigger, VariableOperand } from '../api/contract.js';
import { SPEC_FIELDS, specFieldName } from '../../../core/domain/strategy/spec-fields.js';
import { conditionText, specPathLabel, specSummary, variantParamsLabel, variantParamsText } from './spec-summary.js';


const v = (variable: string, params?: Record<string, number>, extra: Partial<VariableOperand> = {}): VariableOperand => ({ kind: 'variable', variable, ...(params ? { params } : {}), ...extra });
const when = (left: VariableOperand, operator: Trigger['operator'], right: number | VariableOperand): Trigger => ({
  kind: 'trigger',
  left,
  operator,
  right: typeof right === 'number' ? { kind: 'constant', value: right } : right,
});
const group = (mode: ConditionGroup['mode'], ...children: ConditionGroup['children']): ConditionGroup => ({ kind: 'group', mode, children });

const spec = (overrides: Partial<StrategySpec>): StrategySpec => ({
  version: 2,
  name: 'Test',
  direction: 'long',
  entry: { long: group('all', when(v('close'), 'crossesAbove', v('sma', { period: 20 }))) },
  exit: { long: group('all', when(v('close'), 'crossesBelow', v('sma', { period: 20 }))) },
  management: {},
  sizing: { kind: 'percentEquity', percent: 100 },
  costs: { commissionPct: 0.1, commissionFixed: 0, slippageBps: 1 },
  initialCash: 10_000,
  ...overrides,
});

describe('conditions in words', () => {
  it('writes a trigger with catalog labels and every parameter, defaults filled in', () => {
    expect(conditionText(group('all', when(v('close'), 'crossesAbove', v('sma', { period: 50 }))))).toBe('Close crosses above SMA(50)');
    expect(conditionText(when(v('rsi'), '<', 30))).toBe('RSI(14) is below 30');
    expect(conditionText(when(v('macd', { fast: 8 }, { output: 'signal', timeframe: '4h' }), '>=', 0.5))).toBe('MACD(8, 26, 9) Signal line on 4h is at or above 0.5');
    expect(conditionText(when(v('macd'), '<=', 0))).toBe('MACD(12, 26, 9) MACD line is at or below 0');
    expect(conditionText({ kind: 'trigger', left: v('sma', { period: 10 }), operator: 'risingFor', bars: 3 })).toBe('SMA(10) rises for 3 bars');
    expect(conditionText({ kind: 'trigger', left: v('close'), operator: 'fallingFor', bars: 1 })).toBe('Close falls for 1 bar');
    // A variable the catalog does not know still reads, by its id and given parameters.
    expect(conditionText(when(v('kama', { period: 10 }), '>', v('close')))).toBe('kama(10) is above Close');
  });

  it('joins all with "and", any with "or", and brackets nested groups', () => {
    const tree = group(
      'all',
      when(v('close'), '>', v('sma', { period: 200 })),
      group('any', when(v('rsi'), '<', 30), when(v('close'), 'crossesBelow', v('bollinger', { stdDev: 2.5 }, { output: 'lower' }))),
      group('not', when(v('macd', undefined, { output: 'signal' }), '>', 0), when(v('rsi', { period: 2 }), '>', 90)),
    );
    expect(conditionText(tree)).toBe(
      'Close is above SMA(200) and (RSI(14) is below 30 or Close crosses below Bollinger Bands(20, 2.5) Lower band) and not (MACD(12, 26, 9) Signal line is above 0 or RSI(2) is above 90)',
    );
    expect(conditionText(group('any', when(v('rsi'), '>', 70), group('all', when(v('close'), '<', 10), group('any', when(v('close'), '>', 20)))))).toBe(
      'RSI(14) is above 70 or (Close is below 10 and Close is above 20)',
    );
    expect(conditionText(group('any', when(v('rsi'), '>', 70)))).toBe('RSI(14) is above 70');
    expect(conditionText(group('not', when(v('rsi'), '>', 70)))).toBe('not (RSI(14) is above 70)');
    expect(conditionText(group('all'))).toBe('nothing');
  });
});

describe('spec summary', () => {
  it('lists rules, management, sizing, costs and cash of a long-only spec', () => {
    expect(specSummary(spec({}))).toEqual([
      { label: 'Direction', text: 'Long only' },
      { label: 'Long entry', text: 'Close crosses above SMA(20)' },
      { label: 'Long exit', text: 'Close crosses below SMA(20)' },
      { label: 'Management', text: 'no stops, targets or time exit' },
      { label: 'Sizing', text: '100 % of equity' },
      { label: 'Commission', text: '0.1 % per side' },
      { label: 'Slippage', text: '1 bps per fill' },
      { label: 'Initial cash', text: '10,000' },
    ]);
  });

  it('covers both sides and every management part that is set', () => {
    const lines = specSummary(
      spec({
        direction: 'both',
        entry: { long: group('all', when(v('rsi'), '<', 30)), short: group('all', when(v('rsi'), '>', 70)) },
        exit: { long: group('any', when(v('rsi'), '>', 50), when(v('close'), '<', v('sma'))) },
        management: {
          stopLoss: { kind: 'atr', multiple: 1.5, period: 14 },
          takeProfit: { kind: 'percent', value: 4 },
          trailingStop: { distance: { kind: 'percent', value: 2 }, activationPct: 1 },
          timeExitBars: 20,
          pyramiding: { maxAdds: 2, spacingPct: 0.5 },
          partialExit: { atProfitPct: 3, fraction: 0.5 },
        },
        sizing: { kind: 'fixedCash', cash: 2_500 },
        costs: { commissionPct: 0.05, commissionFixed: 1.5, slippageBps: 2 },
        initialCash: 100_000,
      }),
    );
    expect(lines).toEqual([
      { label: 'Direction', text: 'Long and short' },
      { label: 'Long entry', text: 'RSI(14) is below 30' },
      { label: 'Long exit', text: 'RSI(14) is above 50 or Close is below SMA(20)' },
      { label: 'Short entry', text: 'RSI(14) is above 70' },
      { label: 'Short exit', text: 'no exit rule (management exits only)' },
      { label: 'Stop loss', text: '1.5 × ATR(14) from entry' },
      { label: 'Take profit', text: '4 % from entry' },
      { label: 'Trailing stop', text: '2 % behind the best price, active once 1 % in profit' },
      { label: 'Time exit', text: 'after 20 bars in the trade' },
      { label: 'Pyramiding', text: 'up to 2 adds, each after a 0.5 % move in favour' },
      { label: 'Partial exit', text: 'close 50 % of the position at 3 % profit' },
      { label: 'Sizing', text: 'fixed cash of 2,500 per trade' },
      { label: 'Commission', text: '0.05 % per side + 1.5 per order' },
      { label: 'Slippage', text: '2 bps per fill' },
      { label: 'Initial cash', text: '100,000' },
    ]);
  });

  it('shows only the side a one-sided spec trades', () => {
    const labels = specSummary(spec({ direction: 'short', entry: { short: group('all', when(v('close'), '<', 5)) }, exit: {}, sizing: { kind: 'fixedQuantity', quantity: 3 } }));
    expect(labels.map((l) => l.label)).toEqual(['Direction', 'Short entry', 'Short exit', 'Management', 'Sizing', 'Commission', 'Slippage', 'Initial cash']);
    expect(labels.find((l) => l.label === 'Sizing')?.text).toBe('fixed quantity of 3');
  });
});

describe('sweep parameters', () => {
  it('reads name=value in the sweep order, without digit grouping', () => {
    expect(variantParamsText({ params: { fast: 10, slow: 50 } })).toBe('fast=10, slow=50');
    expect(variantParamsText({ params: { 'management.stopLoss.value': 1.25, period: 1200 } })).toBe('management.stopLoss.value=1.25, period=1200');
  });

  it('names them in a few words for lists, spec paths by their last segments as the sweep screens do', () => {
    expect(variantParamsLabel({ params: { fast: 10, slow: 50 } })).toBe('fast 10 · slow 50');
    expect(variantParamsLabel({ params: { 'entry.long.children[0].left.params.period': 1200, 'management.stopLoss.value': 1.25 } })).toBe(
      '…params.period 1200 · …stopLoss.value 1.25',
    );
    expect(variantParamsLabel({ params: {} })).toBe('');
  });
});

describe('spec paths in words', () => {
  it("names a saved spec's numbers the way the builder does, numbering triggers from 1", () => {
    const swept = spec({
      direction: 'both',
      entry: {
        long: group('all', when(v('sma', { period: 10 }), 'crossesAbove', v('sma', { period: 30 })), group('any', when(v('rsi'), '<', 30), { kind: 'trigger', left: v('close'), operator: 'risingFor', bars: 3 })),
        short: group('all', when(v('macd', { fast: 8 }), '<', 0)),
      },
      management: { stopLoss: { kind: 'percent', value: 2 }, trailingStop: { distance: { kind: 'atr', multiple: 2, period: 14 }, activationPct: 1 }, partialExit: { atProfitPct: 3, fraction: 0.5 } },
    });
    const label = (path: string) => specPathLabel(swept, path);
    expect(label('entry.long.children[0].left.params.period')).toBe('Long entry: SMA period (trigger 1, left)');
    expect(label('entry.long.children[0].right.params.period')).toBe('Long entry: SMA period (trigger 1, right)');
    expect(label('entry.long.children[1].children[0].right.value')).toBe('Long entry: RSI(14) is below value (trigger 2.1)');
    expect(label('entry.long.children[1].children[1].bars')).toBe('Long entry: Close rises for N bars (trigger 2.2)');
    expect(label('entry.short.children[0].left.params.fast')).toBe('Short entry: MACD fast period (trigger 1, left)');
    expect(label('exit.long.children[0].right.params.period')).toBe('Long exit: SMA period (trigger 1, right)');
    expect(label('management.stopLoss.value')).toBe('Stop loss: distance (%)');
    expect(label('management.trailingStop.distance.multiple')).toBe('Trailing stop: ATR multiple');
    expect(label('management.trailingStop.activationPct')).toBe('Trailing stop: activate at profit (%)');
    expect(label('management.partialExit.fraction')).toBe('Partial exit: fraction closed');
    expect(label('sizing.percent')).toBe('Sizing: equity per trade (%)');
    expect(label('costs.slippageBps')).toBe('Slippage (bps)');
    // Every fixed field by the name SPEC_FIELDS gives it: summaries, Optimize and the server's messages say the same.
    for (const [path, field] of Object.entries(SPEC_FIELDS)) expect(label(path), path).toBe(specFieldName(field));
    // A path it cannot place stays the path (the stable key), not a wrong name.
    expect(label('entry.long.children[7].left.params.period')).toBe('entry.long.children[7].left.params.period');
    // A saved-strategy sweep variant's parameters, as the run header and the HTML report show them.
    expect(variantParamsText({ params: { 'entry.long.children[0].left.params.period': 20, 'management.stopLoss.value': 1.5 } }, swept)).toBe(
      'Long entry: SMA period (trigger 1, left) = 20, Stop loss: distance (%) = 1.5',
    );
  });

  it("names a portfolio's ranking parameter, a sweep axis like the slots", () => {
    const ranked = spec({ portfolio: { maxPositions: 3, ranking: { by: v('roc', { period: 48 }), order: 'desc' } } });
    expect(specPathLabel(ranked, 'portfolio.ranking.by.params.period')).toBe('Ranking: Rate of change period');
    expect(specPathLabel(ranked, 'portfolio.maxPositions')).toBe(specFieldName(SPEC_FIELDS['portfolio.maxPositions']));
    expect(specPathLabel(ranked, 'portfolio.ranking.by.params.nope')).toBe('portfolio.ranking.by.params.nope');
    expect(specPathLabel(spec({}), 'portfolio.ranking.by.params.period')).toBe('portfolio.ranking.by.params.period');
  });
});
