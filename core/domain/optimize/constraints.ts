import { DomainError } from '../errors.js';
import type { ParamValues } from './param-space.js';

export const CONSTRAINT_OPERATORS = ['<', '<=', '>', '>='] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/** `left op right`: left is a parameter name; right a parameter name or a constant. */
export interface Constraint {
  readonly left: string;
  readonly operator: ConstraintOperator;
  readonly right: string | number;
}

/**
 * Parses "fast<slow", "fast <= 20", "stop.value > 0.5". The operator is the first of
 * <=, >=, <, > found; a right side that parses as a number is a constant.
 */
export function parseConstraint(text: string): Constraint {
  const match = /^\s*(.+?)\s*(<=|>=|<|>)\s*(.+?)\s*$/.exec(text);
  if (!match) throw new DomainError(`Constraint "${text}": expected A<B, A<=B, A>B or A>=B (B a parameter or a number)`);
  const [, left = '', operatorText, rightText = ''] = match;
  const operator = CONSTRAINT_OPERATORS.find((o) => o === operatorText)!; // the pattern allows only these
  const asNumber = Number(rightText);
  const right = rightText !== '' && Number.isFinite(asNumber) ? asNumber : rightText;
  return { left, operator, right };
}

/** Checks that every name a constraint uses is a parameter of the space. */
export function checkConstraints(constraints: readonly Constraint[], names: readonly string[]): void {
  for (const c of constraints) {
    for (const side of [c.left, c.right]) {
      if (typeof side === 'string' && !names.includes(side)) {
        throw new DomainError(`Constraint "${formatConstraint(c)}": "${side}" is not an optimized parameter (${names.join(', ')})`);
      }
    }
  }
}

/** True when the values satisfy every constraint. */
export function satisfiesAll(values: ParamValues, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) {
    const a = values[c.left]!;
    const b = typeof c.right === 'number' ? c.right : values[c.right]!;
    const ok = c.operator === '<' ? a < b : c.operator === '<=' ? a <= b : c.operator === '>' ? a > b : a >= b;
    if (!ok) return false;
  }
  return true;
}

export function formatConstraint(c: Constraint): string {
  return `${c.left}${c.operator}${c.right}`;
}
