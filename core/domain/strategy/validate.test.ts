import { describe, expect, it } from 'vitest';
import { findVariable } from './catalog.js';
import type { Condition, ConditionGroup, StrategySpec, Trigger, VariableOperand } from './spec.js';
import { buildTemplate, listTemplates } from './templates.js';
import { MAX_STRATEGY_NAME_LENGTH, SPEC_LIMITS } from './limits.js';
import { comparisonVerdict, isRunnable, validateSpec, VALUE_PROBLEM_CODES, type Problem } from './validate.js';

const v = (variable: string, params?: Record<string, number>, output?: string): VariableOperand => ({
  kind: 'variable',
  variable,
  ...(params ? { params } : {}),
  ...(output ? { output } : {}),
});
const all = (...children: Condition[]): ConditionGroup => ({ kind: 'group', mode: 'all', children });
// The rules are replaced below: without the template's parameters, which name its SMA periods.
const { parameters: _names, ...base } = buildTemplate('sma-cross');

/** A long-only spec whose single entry trigger is `trigger`, with a stop so exits can fire. */
function withEntry(trigger: Condition, extra: Partial<StrategySpec> = {}): StrategySpec {
  return { ...base, entry: { long: all(trigger) }, exit: {}, management: { stopLoss: { kind: 'percent', value: 2 } }, ...extra };
}

const codesAt = (problems: readonly Problem[]): string[] => problems.map((p) => `${p.code}@${p.path}`);

describe('validateSpec', () => {
  it('accepts the template specs without problems', () => {
    for (const template of listTemplates()) {
      expect(validateSpec(template.build({}))).toEqual({ errors: [], warnings: [], accepted: [], notices: [] });
      expect(validateSpec(template.build({}, { direction: 'both' }))).toEqual({ errors: [], warnings: [], accepted: [], notices: [] });
    }
    const result = validateSpec(base);
    expect(result).toEqual({ errors: [], warnings: [], accepted: [], notices: [] });
    expect(isRunnable(result)).toBe(true);
  });

  it('reports an unknown variable and an unknown output with their paths', () => {
    const result = validateSpec(withEntry({ kind: 'trigger', left: v('smaa'), operator: '>', right: v('macd', {}, 'upper') }));
    expect(codesAt(result.errors)).toEqual([
      'unknownVariable@entry.long.children[0].left.variable',
      'unknownOutput@entry.long.children[0].right.output',
    ]);
    expect(result.errors[0]!.message).toBe('"smaa" is not a known trading variable.');
  });

  it('reports unknown, out-of-range and non-integer parameters and the MACD period order', () => {
    const trigger: Trigger = {
      kind: 'trigger',
      left: v('sma', { period: 0, length: 3 }),
      operator: '>',
      right: v('bollinger', { period: 20.5, stdDev: 2 }, 'upper'),
    };
    const macd: Trigger = { kind: 'trigger', left: v('macd', { fast: 30, slow: 26 }), operator: '>', right: { kind: 'constant', value: 0 } };
    const result = validateSpec(withEntry(all(trigger, macd)));
    expect(codesAt(result.errors)).toEqual([
      'paramOutOfRange@entry.long.children[0].children[0].left.params.period',
      'unknownParam@entry.long.children[0].children[0].left.params.length',
      'paramNotInteger@entry.long.children[0].children[0].right.params.period',
      'paramOrder@entry.long.children[0].children[1].left.params.fast',
    ]);
  });

  describe('comparison groups', () => {
    const verdict = (a: string, b: string, outA?: string, outB?: string): string => {
      const defA = findVariable(a)!;
      const defB = findVariable(b)!;
      return comparisonVerdict(defA.outputs.find((o) => o.id === (outA ?? defA.outputs[0]!.id))!, defB.outputs.find((o) => o.id === (outB ?? defB.outputs[0]!.id))!);
    };

    it.each([
      ['close', 'sma', 'ok'],
      ['close', 'rsi', 'error'],
      ['close', 'stochastic', 'error'],
      ['entryPrice', 'unrealizedPnlPct', 'warning'],
      ['close', 'roc', 'warning'],
      ['rsi', 'adx', 'ok'],
      ['rsi', 'cci', 'warning'],
      ['close', 'macd', 'error'],
      ['volume', 'obv', 'ok'],
      ['volume', 'close', 'error'],
      ['timeOfDay', 'close', 'error'],
      ['barsInTrade', 'timeOfDay', 'error'],
      ['macd', 'cci', 'ok'],
    ])('%s vs %s: %s', (a, b, expected) => {
      expect(verdict(a, b)).toBe(expected);
      expect(verdict(b, a)).toBe(expected);
    });

    it('price vs Bollinger %b (unbounded percentage) is a warning', () => {
      expect(verdict('close', 'bollinger', undefined, 'percentB')).toBe('warning');
    });

    it('an incompatible comparison is an error at the right operand; a mixed one a warning that can be accepted', () => {
      const bad = validateSpec(withEntry({ kind: 'trigger', left: v('close'), operator: 'crossesAbove', right: v('rsi') }));
      expect(codesAt(bad.errors)).toEqual(['incompatibleGroups@entry.long.children[0].right']);
      expect(bad.errors[0]!.message).toMatch(/Close is a price and RSI\(14\) is a percentage \(0 to 100\): they cannot be compared/);

      const exitTrigger: Trigger = { kind: 'trigger', left: v('unrealizedPnlPct'), operator: '>', right: v('close') };
      const mixed: StrategySpec = { ...withEntry({ kind: 'trigger', left: v('close'), operator: '>', right: v('sma') }), exit: { long: all(exitTrigger) } };
      const result = validateSpec(mixed);
      expect(result.errors).toEqual([]);
      expect(codesAt(result.warnings)).toEqual(['mixedGroups@exit.long.children[0].right']);
      expect(isRunnable(result)).toBe(false);

      const accepted = validateSpec({ ...mixed, acceptedWarnings: ['exit.long.children[0].right'] });
      expect(accepted.warnings).toEqual([]);
      expect(codesAt(accepted.accepted)).toEqual(['mixedGroups@exit.long.children[0].right']);
      expect(isRunnable(accepted)).toBe(true);
    });
  });

  it('warns about constants outside an oscillator range, and rejects non-finite constants', () => {
    const result = validateSpec(
      withEntry(
        all(
          { kind: 'trigger', left: v('rsi'), operator: '>', right: { kind: 'constant', value: 120 } },
          { kind: 'trigger', left: v('close'), operator: '>', right: { kind: 'constant', value: Number.NaN } },
          { kind: 'trigger', left: v('rsi'), operator: '<', right: { kind: 'constant', value: 30 } },
        ),
      ),
    );
    expect(codesAt(result.warnings)).toEqual(['constantOutOfRange@entry.long.children[0].children[0].right']);
    expect(codesAt(result.errors)).toEqual(['constantNotFinite@entry.long.children[0].children[1].right']);
  });

  it('reports empty nested groups, missing entries and unused conditions', () => {
    const result = validateSpec({
      ...base,
      direction: 'both',
      entry: { long: all({ kind: 'group', mode: 'any', children: [] }) },
      exit: {},
      management: { timeExitBars: 10 },
    });
    expect(codesAt(result.errors)).toEqual(['emptyGroup@entry.long.children[0]', 'missingEntry@entry.short']);

    const longOnly = validateSpec({ ...base, entry: { ...base.entry, short: base.entry.long! } });
    expect(codesAt(longOnly.warnings)).toEqual(['unusedConditions@entry.short']);
  });

  it('says, without blocking, that a spec with no way out holds its position to the end of the data (buy and hold)', () => {
    const result = validateSpec({ ...base, exit: {}, management: {} });
    // A notice, not a warning: nothing to accept, the run is allowed (its open position is reported).
    expect(codesAt(result.notices)).toEqual(['closesOnlyAtEnd@exit.long']);
    expect(result.warnings).toEqual([]);
    expect(isRunnable(result)).toBe(true);
    expect(result.notices[0]!.message).toMatch(/stays open to the end of the data and is shown as an open position/);
    // A stop is an exit; with direction 'both' the opposite signal reverses.
    expect(validateSpec({ ...base, exit: {}, management: { stopLoss: { kind: 'atr', multiple: 2, period: 14 } } }).notices).toEqual([]);
    const both = buildTemplate('sma-cross', {}, { direction: 'both' });
    expect(validateSpec({ ...both, exit: {}, management: {} }).notices).toEqual([]);
  });

  it('flags self-comparisons, bad bar counts and missing or ignored right operands', () => {
    const result = validateSpec(
      withEntry(
        all(
          { kind: 'trigger', left: v('sma', { period: 20 }), operator: 'crossesAbove', right: v('sma') },
          { kind: 'trigger', left: v('close'), operator: 'risingFor', bars: 0 },
          { kind: 'trigger', left: v('close'), operator: 'fallingFor', bars: 2, right: v('open') },
          { kind: 'trigger', left: v('close'), operator: '>' },
          { kind: 'trigger', left: v('close'), operator: 'risingFor', bars: 1.5 },
        ),
      ),
    );
    expect(codesAt(result.warnings)).toEqual(['selfComparison@entry.long.children[0].children[0]', 'rightIgnored@entry.long.children[0].children[2].right']);
    expect(codesAt(result.errors)).toEqual([
      'invalidBarCount@entry.long.children[0].children[1].bars',
      'missingRight@entry.long.children[0].children[3].right',
      'invalidBarCount@entry.long.children[0].children[4].bars',
    ]);
  });

  it('checks position-state variables: no timeframe, no value while flat', () => {
    const result = validateSpec(withEntry({ kind: 'trigger', left: { ...v('barsInTrade'), timeframe: '1h' }, operator: '>', right: { kind: 'constant', value: 3 } }));
    expect(codesAt(result.errors)).toEqual(['positionVariableTimeframe@entry.long.children[0].left.timeframe']);
    expect(codesAt(result.warnings)).toEqual(['positionVariableWhenFlat@entry.long.children[0].left']);
  });

  it('rejects a higher timeframe below the run timeframe, only when the run timeframe is known', () => {
    const spec = withEntry({ kind: 'trigger', left: v('close'), operator: '>', right: { ...v('sma'), timeframe: '5m' } });
    expect(codesAt(validateSpec(spec, { runTimeframe: '1h' }).errors)).toEqual(['timeframeBelowRun@entry.long.children[0].right.timeframe']);
    expect(validateSpec(spec, { runTimeframe: '5m' }).errors).toEqual([]);
    expect(validateSpec(spec).errors).toEqual([]);
  });

  it('reports every invalid management, sizing, cost and cash value at once', () => {
    const result = validateSpec({
      ...base,
      management: {
        stopLoss: { kind: 'percent', value: -1 },
        takeProfit: { kind: 'atr', multiple: 0, period: 2.5 },
        trailingStop: { distance: { kind: 'percent', value: 1 }, activationPct: -2 },
        timeExitBars: 0,
        pyramiding: { maxAdds: -1, spacingPct: -0.5 },
        partialExit: { atProfitPct: 0, fraction: 1 },
      },
      sizing: { kind: 'percentEquity', percent: 150 },
      costs: { commissionPct: -0.1, commissionFixed: 0, slippageBps: -1 },
      initialCash: 0,
      name: ' ',
    });
    expect(codesAt(result.errors)).toEqual([
      'missingName@name',
      'invalidManagement@management.stopLoss.value',
      'invalidManagement@management.takeProfit.multiple',
      'invalidManagement@management.takeProfit.period',
      'invalidManagement@management.trailingStop.activationPct',
      'invalidManagement@management.timeExitBars',
      'invalidManagement@management.pyramiding.maxAdds',
      'invalidManagement@management.pyramiding.spacingPct',
      'invalidManagement@management.partialExit.atProfitPct',
      'invalidManagement@management.partialExit.fraction',
      'invalidSizing@sizing.percent',
      'invalidCosts@costs.commissionPct',
      'invalidCosts@costs.slippageBps',
      'invalidInitialCash@initialCash',
    ]);
    for (const p of result.errors) expect(p.message).toMatch(/^[A-Z].*\.$/);
    expect(codesAt(validateSpec({ ...base, sizing: { kind: 'fixedQuantity', quantity: 0 } }).errors)).toEqual(['invalidSizing@sizing.quantity']);
    expect(codesAt(validateSpec({ ...base, sizing: { kind: 'fixedCash', cash: -5 } }).errors)).toEqual(['invalidSizing@sizing.cash']);
    expect(validateSpec({ ...base, sizing: { kind: 'percentEquity', percent: 100 } }).errors).toEqual([]);
  });
});

describe('value limits (one table for the validator and the builder)', () => {
  it('enforces the upper bounds of SPEC_LIMITS with the field path, and the name length', () => {
    const result = validateSpec({
      ...base,
      name: 'n'.repeat(MAX_STRATEGY_NAME_LENGTH + 1),
      management: { stopLoss: { kind: 'percent', value: 500 }, takeProfit: { kind: 'atr', multiple: 51, period: 14 }, timeExitBars: 100_001 },
      costs: { commissionPct: 11, commissionFixed: 0, slippageBps: 1001 },
      initialCash: 2e12,
    });
    expect(result.errors.map((p) => `${p.code}@${p.path}`)).toEqual([
      'nameTooLong@name',
      'invalidManagement@management.stopLoss.value',
      'invalidManagement@management.takeProfit.multiple',
      'invalidManagement@management.timeExitBars',
      'invalidCosts@costs.commissionPct',
      'invalidCosts@costs.slippageBps',
      'invalidInitialCash@initialCash',
    ]);
    expect(result.errors[1]!.message).toBe('The stop-loss percent must be between 0.01 and 100, got 500.');
    for (const problem of result.errors) expect(VALUE_PROBLEM_CODES.has(problem.code)).toBe(true);
    const edge = { ...base, management: { stopLoss: { kind: 'percent', value: SPEC_LIMITS.distancePercent.max } } } as const;
    expect(validateSpec(edge).errors).toEqual([]);
  });
});

describe('validateSpec: portfolio rules', () => {
  const roc = v('roc', { period: 20 });

  it('accepts slots, a ranking and a rotation, and equal-weight sizing', () => {
    const spec: StrategySpec = {
      ...base,
      direction: 'long',
      sizing: { kind: 'equalWeight' },
      portfolio: { maxPositions: 5, ranking: { by: roc, order: 'desc' }, rotation: { every: { kind: 'calendar', period: 'week' }, top: 3 }, universe: { tag: 'demo-basket' } },
    };
    expect(validateSpec(spec).errors).toEqual([]);
  });

  it('reports each broken rule at its path, with a sentence', () => {
    const spec: StrategySpec = {
      ...base,
      direction: 'both',
      portfolio: {
        maxPositions: 0,
        ranking: { by: v('rsi', { period: 0 }), order: 'asc' },
        rotation: { every: { kind: 'bars', bars: 0.5 }, top: 3 },
        universe: { symbols: ['AAA', 'bad symbol', 'AAA'] },
      },
    };
    const errors = validateSpec(spec).errors.filter((e) => e.path.startsWith('portfolio'));
    const result = { errors };
    expect(codesAt(result.errors)).toEqual([
      'invalidPortfolio@portfolio.maxPositions',
      'paramOutOfRange@portfolio.ranking.by.params.period',
      'invalidPortfolio@portfolio.rotation.every.bars',
      'portfolioRule@portfolio.rotation',
      'portfolioRule@portfolio.universe.symbols[1]',
      'portfolioRule@portfolio.universe.symbols[2]',
    ]);
    expect(result.errors.map((e) => e.message)).toEqual([
      'The maximum number of positions must be between 1 and 100, got 0.',
      'RSI period must be between 2 and 5000, got 0.',
      'The bars between rebalances must be between 1 and 100000, got 0.5.',
      'A rotation holds one side: set the direction to long or short.',
      '"bad symbol" is not a symbol: 1-32 letters, digits or . _ : / -.',
      'AAA is listed twice.',
    ]);
    expect(result.errors.every((e) => e.code !== 'invalidPortfolio' || VALUE_PROBLEM_CODES.has(e.code))).toBe(true);
  });

  it('asks for a ranking with a rotation, holds the top within the slots, and ranks by market variables only', () => {
    const noRank = validateSpec({ ...base, portfolio: { maxPositions: 2, rotation: { every: { kind: 'calendar', period: 'month' }, top: 3 } } });
    expect(codesAt(noRank.errors)).toEqual(['portfolioRule@portfolio.rotation.top', 'portfolioRule@portfolio.ranking']);
    expect(noRank.errors[0]!.message).toBe('The rotation holds the top 3, more than the 2 positions allowed at once; hold at most 2.');
    const byPosition = validateSpec({ ...base, portfolio: { maxPositions: 2, ranking: { by: v('unrealizedPnlPct'), order: 'desc' } } });
    expect(codesAt(byPosition.errors)).toEqual(['portfolioRule@portfolio.ranking.by.variable']);
    const unknown = validateSpec({ ...base, portfolio: { maxPositions: 2, ranking: { by: v('momentumz'), order: 'desc' } } });
    expect(codesAt(unknown.errors)).toEqual(['unknownVariable@portfolio.ranking.by.variable']);
    const empty = validateSpec({ ...base, portfolio: { maxPositions: 2, universe: { symbols: [] } } });
    expect(codesAt(empty.errors)).toEqual(['portfolioRule@portfolio.universe.symbols']);
  });
});
