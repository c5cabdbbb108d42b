import type { Condition, ConditionGroup, Management, Operand, Operator, Sizing, StrategySpec, Trigger, VariableOperand } from '../strategy/spec.js';

/** A variable operand (test helper). */
export function v(variable: string, params?: Record<string, number>, extra: Partial<VariableOperand> = {}): VariableOperand {
  return { kind: 'variable', variable, ...(params ? { params } : {}), ...extra };
}

/** A constant operand (test helper). */
export function k(value: number): Operand {
  return { kind: 'constant', value };
}

/** A trigger `left operator right` (test helper). */
export function trig(left: VariableOperand, operator: Operator, right?: Operand | number, bars?: number): Trigger {
  const r = typeof right === 'number' ? k(right) : right;
  return { kind: 'trigger', left, operator, ...(r ? { right: r } : {}), ...(bars !== undefined ? { bars } : {}) };
}

export function all(...children: Condition[]): ConditionGroup {
  return { kind: 'group', mode: 'all', children };
}

export function any(...children: Condition[]): ConditionGroup {
  return { kind: 'group', mode: 'any', children };
}

export function not(...children: Condition[]): ConditionGroup {
  return { kind: 'group', mode: 'not', children };
}

/**
 * A spec with test defaults: long only, 1 unit per trade, no costs, 10,000 cash, no
 * management; override any part.
 */
export function specOf(parts: Partial<Omit<StrategySpec, 'version'>> & { management?: Management; sizing?: Sizing } = {}): StrategySpec {
  return {
    version: 2,
    name: 'test',
    direction: 'long',
    entry: {},
    exit: {},
    management: {},
    sizing: { kind: 'fixedQuantity', quantity: 1 },
    costs: { commissionPct: 0, commissionFixed: 0, slippageBps: 0 },
    initialCash: 10_000,
    ...parts,
  };
}

/** SMA(fast) crosses above/below SMA(slow): long entry and exit (test helper). */
export function smaCrossSpec(fast: number, slow: number, parts: Partial<Omit<StrategySpec, 'version'>> = {}): StrategySpec {
  return specOf({
    entry: { long: all(trig(v('sma', { period: fast }), 'crossesAbove', v('sma', { period: slow }))) },
    exit: { long: all(trig(v('sma', { period: fast }), 'crossesBelow', v('sma', { period: slow }))) },
    ...parts,
  });
}
