import { DomainError } from '../errors.js';
import type { Condition, ConditionGroup, Operand, Trigger } from '../strategy/spec.js';
import type { ChunkValues } from './operands.js';

/**
 * Conditions evaluate to three values: FALSE, TRUE or UNKNOWN (an operand is not warm
 * yet, or is position state while flat). A group is UNKNOWN when any child is: no
 * signal fires before every operand it reads is known, even through `not` or `any`.
 * Only TRUE at the top level is a signal.
 */
export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;

/** How the compiler reaches operand values. */
export interface OperandResolver {
  /** The chunk values of a series operand (price, indicator, time). */
  series(operand: Extract<Operand, { kind: 'variable' }>): ChunkValues;
  /** The slot of a position variable in `positionValues`, or -1 when the variable is not one. */
  positionSlot(variable: string): number;
  /** Current position-state values, written by the loop at each close before evaluation. */
  readonly positionValues: Float64Array;
  /**
   * Changes before each block's evaluation (optional). When present, crossing triggers
   * on the same pair of series (an SMA cross's entry and exit) share one pass per block.
   */
  readonly blockId?: number;
}

/**
 * A compiled condition. Static ones depend on bar data only and are evaluated for a block
 * of chunk bars [from, to) at once into an array indexed i - from (the fast path: tight
 * loops, no calls per bar). Dynamic ones read position state: `prepare(from, to)`
 * evaluates their static parts before the block's loop, then `at(i)` is called at each
 * close, in bar order, every bar.
 */
export type CompiledCondition =
  | { readonly kind: 'static'; evaluate(from: number, to: number): Uint8Array }
  | { readonly kind: 'dynamic'; prepare(from: number, to: number): void; at(i: number): number };

/** Compiles a condition tree. */
export function compileCondition(condition: Condition, resolver: OperandResolver): CompiledCondition {
  return condition.kind === 'group' ? compileGroup(condition, resolver) : compileTrigger(condition, resolver);
}

function compileGroup(group: ConditionGroup, resolver: OperandResolver): CompiledCondition {
  // An empty group never signals (validation reports it; the engine stays silent).
  if (group.children.length === 0) {
    let out = new Uint8Array(0);
    return {
      kind: 'static',
      evaluate(from, to) {
        if (out.length < to - from) out = new Uint8Array(to - from).fill(UNKNOWN);
        return out;
      },
    };
  }
  const children = group.children.map((c) => compileCondition(c, resolver));
  const mode = group.mode;
  if (children.length === 1 && mode !== 'not') return children[0]!;
  if (children.every((c) => c.kind === 'static')) {
    let out = new Uint8Array(0);
    const arrays: Uint8Array[] = [];
    return {
      kind: 'static',
      evaluate(from, to) {
        if (out.length < to - from) out = new Uint8Array(to - from);
        arrays.length = 0;
        for (const c of children) if (c.kind === 'static') arrays.push(c.evaluate(from, to));
        combineInto(out, arrays, mode, to - from);
        return out;
      },
    };
  }
  // Mixed: static children are evaluated per chunk (before the loop), dynamic ones per bar.
  const statics = children.filter((c): c is Extract<CompiledCondition, { kind: 'static' }> => c.kind === 'static');
  const dynamics = children.filter((c): c is Extract<CompiledCondition, { kind: 'dynamic' }> => c.kind === 'dynamic');
  const chunkArrays: Uint8Array[] = [];
  let base = 0;
  return {
    kind: 'dynamic',
    prepare(from, to) {
      base = from;
      chunkArrays.length = 0;
      for (const s of statics) chunkArrays.push(s.evaluate(from, to));
      for (const d of dynamics) d.prepare(from, to);
    },
    at(i) {
      // Every dynamic child is evaluated every bar (no short-circuit): their carried state stays in step.
      let unknown = false;
      let anyTrue = false;
      let allTrue = true;
      for (const d of dynamics) {
        const v = d.at(i);
        if (v === UNKNOWN) unknown = true;
        else if (v === TRUE) anyTrue = true;
        else allTrue = false;
      }
      for (const a of chunkArrays) {
        const v = a[i - base]!;
        if (v === UNKNOWN) unknown = true;
        else if (v === TRUE) anyTrue = true;
        else allTrue = false;
      }
      if (unknown) return UNKNOWN;
      if (mode === 'all') return allTrue ? TRUE : FALSE;
      if (mode === 'any') return anyTrue ? TRUE : FALSE;
      return anyTrue ? FALSE : TRUE;
    },
  };
}

function combineInto(out: Uint8Array, arrays: readonly Uint8Array[], mode: ConditionGroup['mode'], n: number): void {
  const first = arrays[0]!;
  if (mode === 'all') {
    out.set(first.subarray(0, n));
    for (let k = 1; k < arrays.length; k++) {
      const a = arrays[k]!;
      for (let i = 0; i < n; i++) {
        const x = out[i]!;
        const y = a[i]!;
        out[i] = x === UNKNOWN || y === UNKNOWN ? UNKNOWN : x & y;
      }
    }
    return;
  }
  out.set(first.subarray(0, n));
  for (let k = 1; k < arrays.length; k++) {
    const a = arrays[k]!;
    for (let i = 0; i < n; i++) {
      const x = out[i]!;
      const y = a[i]!;
      out[i] = x === UNKNOWN || y === UNKNOWN ? UNKNOWN : x | y;
    }
  }
  if (mode === 'not') for (let i = 0; i < n; i++) if (out[i] !== UNKNOWN) out[i] = out[i]! ^ 1;
}

/** True when neither value is NaN. */
function known(a: number, b: number): boolean {
  return a === a && b === b;
}

/** Reads an operand at chunk bar i; position values and constants are not series. */
type Reader = (i: number) => number;

function compileTrigger(trigger: Trigger, resolver: OperandResolver): CompiledCondition {
  const { operator } = trigger;
  const needsRight = operator !== 'risingFor' && operator !== 'fallingFor';
  if (needsRight && !trigger.right) throw new DomainError(`Trigger ${trigger.left.variable} ${operator} has no right operand`);
  if (!needsRight && !(Number.isInteger(trigger.bars) && trigger.bars! >= 1)) {
    throw new DomainError(`Trigger ${trigger.left.variable} ${operator} needs bars >= 1, got ${trigger.bars}`);
  }
  const leftSlot = resolver.positionSlot(trigger.left.variable);
  const right = needsRight ? trigger.right! : undefined;
  const rightSlot = right?.kind === 'variable' ? resolver.positionSlot(right.variable) : -1;
  const state = new TriggerState(operator, trigger.bars ?? 1);

  if (leftSlot < 0 && rightSlot < 0) {
    const left = resolver.series(trigger.left);
    const rightValues = right?.kind === 'variable' ? resolver.series(right) : null;
    const constant = right?.kind === 'constant' ? right.value : Number.NaN;
    if (rightValues && (operator === 'crossesAbove' || operator === 'crossesBelow') && resolver.blockId !== undefined) {
      const pair = crossPair(left, rightValues, resolver);
      const above = operator === 'crossesAbove';
      return { kind: 'static', evaluate: (from, to) => pair.evaluate(from, to, above) };
    }
    let out = new Uint8Array(0);
    return {
      kind: 'static',
      evaluate(from, to) {
        if (out.length < to - from) out = new Uint8Array(to - from);
        // Chunk bar i is values[offset + i]; block position i - from: shift the offsets.
        if (rightValues) state.evaluateSeries(left.values, left.offset + from, rightValues.values, rightValues.offset + from, to - from, out);
        else state.evaluateConstant(left.values, left.offset + from, constant, to - from, out);
        return out;
      },
    };
  }
  const readLeft = reader(trigger.left, leftSlot, resolver);
  const readRight: Reader = right ? reader(right, rightSlot, resolver) : () => 0;
  return { kind: 'dynamic', prepare: () => undefined, at: (i) => state.step(readLeft(i), readRight(i)) };
}

function reader(operand: Operand, slot: number, resolver: OperandResolver): Reader {
  if (operand.kind === 'constant') {
    const v = operand.value;
    return () => v;
  }
  if (slot >= 0) {
    const values = resolver.positionValues;
    return () => values[slot]!;
  }
  const chunk = resolver.series(operand);
  return (i) => chunk.values[chunk.offset + i]!;
}

/**
 * One trigger's operator with the state it carries from bar to bar (and so across
 * chunks): the previous left/right values for crosses, the streak for risingFor/fallingFor.
 */
class TriggerState {
  private prevLeft = Number.NaN;
  private prevRight = Number.NaN;
  /** Consecutive bars on which left rose (risingFor) or fell (fallingFor). */
  private streak = 0;
  /** Consecutive bars with a known left value. */
  private known = 0;

  constructor(
    private readonly operator: Trigger['operator'],
    private readonly bars: number,
  ) {}

  /** Evaluates one bar (dynamic triggers). */
  step(l: number, r: number): number {
    const pl = this.prevLeft;
    const pr = this.prevRight;
    this.prevLeft = l;
    this.prevRight = r;
    switch (this.operator) {
      case '>':
        return l !== l || r !== r ? UNKNOWN : l > r ? TRUE : FALSE;
      case '<':
        return l !== l || r !== r ? UNKNOWN : l < r ? TRUE : FALSE;
      case '>=':
        return l !== l || r !== r ? UNKNOWN : l >= r ? TRUE : FALSE;
      case '<=':
        return l !== l || r !== r ? UNKNOWN : l <= r ? TRUE : FALSE;
      case 'crossesAbove':
        return l !== l || r !== r || pl !== pl || pr !== pr ? UNKNOWN : pl <= pr && l > r ? TRUE : FALSE;
      case 'crossesBelow':
        return l !== l || r !== r || pl !== pl || pr !== pr ? UNKNOWN : pl >= pr && l < r ? TRUE : FALSE;
      case 'risingFor':
      case 'fallingFor': {
        if (l !== l) {
          this.known = 0;
          this.streak = 0;
          return UNKNOWN;
        }
        this.known++;
        const moved = this.operator === 'risingFor' ? l > pl : l < pl;
        this.streak = moved ? this.streak + 1 : 0;
        if (this.streak >= this.bars) return TRUE;
        return this.known > this.bars ? FALSE : UNKNOWN;
      }
    }
  }

  /** Evaluates a chunk against a right-hand series: one tight loop per operator. */
  evaluateSeries(L: Float64Array, lo: number, R: Float64Array, ro: number, n: number, out: Uint8Array): void {
    if (n === 0) return;
    const op = this.operator;
    if (op === 'crossesAbove' || op === 'crossesBelow') {
      out[0] = this.step(L[lo]!, R[ro]!);
      // On the difference d = left - right (same sign as the comparison for finite
      // values, NaN when either is): above = previous d <= 0 and d > 0. The two
      // comparisons are combined with & rather than && (TRUE = 1, FALSE = 0): the sign
      // of d is a coin flip bar to bar, so a short-circuit branch mispredicts; the NaN
      // check is predictable (only during warm-up).
      if (op === 'crossesAbove') crossesAboveInto(L, lo, R, ro, n, out);
      else crossesBelowInto(L, lo, R, ro, n, out);
      this.prevLeft = L[lo + n - 1]!;
      this.prevRight = R[ro + n - 1]!;
      return;
    }
    if (op === '>' || op === '<' || op === '>=' || op === '<=') {
      // One loop per operator; +(comparison) is 0 or 1 without a branch (the outcome of
      // a level comparison is close to a coin flip bar to bar); NaN checks are predictable.
      if (op === '>') for (let i = 0; i < n; i++) out[i] = known(L[lo + i]!, R[ro + i]!) ? +(L[lo + i]! > R[ro + i]!) : UNKNOWN;
      else if (op === '<') for (let i = 0; i < n; i++) out[i] = known(L[lo + i]!, R[ro + i]!) ? +(L[lo + i]! < R[ro + i]!) : UNKNOWN;
      else if (op === '>=') for (let i = 0; i < n; i++) out[i] = known(L[lo + i]!, R[ro + i]!) ? +(L[lo + i]! >= R[ro + i]!) : UNKNOWN;
      else for (let i = 0; i < n; i++) out[i] = known(L[lo + i]!, R[ro + i]!) ? +(L[lo + i]! <= R[ro + i]!) : UNKNOWN;
      this.prevLeft = L[lo + n - 1]!;
      this.prevRight = R[ro + n - 1]!;
      return;
    }
    for (let i = 0; i < n; i++) out[i] = this.step(L[lo + i]!, 0);
  }

  /** Evaluates a chunk against a constant. */
  evaluateConstant(L: Float64Array, lo: number, c: number, n: number, out: Uint8Array): void {
    const op = this.operator;
    if (op === '>' || op === '<' || op === '>=' || op === '<=') {
      if (c !== c) out.fill(UNKNOWN, 0, n);
      else if (op === '>') for (let i = 0; i < n; i++) out[i] = L[lo + i]! === L[lo + i]! ? +(L[lo + i]! > c) : UNKNOWN;
      else if (op === '<') for (let i = 0; i < n; i++) out[i] = L[lo + i]! === L[lo + i]! ? +(L[lo + i]! < c) : UNKNOWN;
      else if (op === '>=') for (let i = 0; i < n; i++) out[i] = L[lo + i]! === L[lo + i]! ? +(L[lo + i]! >= c) : UNKNOWN;
      else for (let i = 0; i < n; i++) out[i] = L[lo + i]! === L[lo + i]! ? +(L[lo + i]! <= c) : UNKNOWN;
      if (n > 0) this.prevLeft = L[lo + n - 1]!;
      this.prevRight = c;
      return;
    }
    for (let i = 0; i < n; i++) out[i] = this.step(L[lo + i]!, c);
  }
}

// The crossing scans as small module-level functions rather than loops inside
// evaluateSeries: V8 optimised the big multi-loop method poorly (on-stack replacement
// of one loop among many); as separate functions the loops ran ~2x faster.
function crossesAboveInto(L: Float64Array, lo: number, R: Float64Array, ro: number, n: number, out: Uint8Array): void {
  let pd = L[lo]! - R[ro]!;
  for (let i = 1; i < n; i++) {
    const d = L[lo + i]! - R[ro + i]!;
    out[i] = d !== d || pd !== pd ? UNKNOWN : +(pd <= 0) & +(d > 0);
    pd = d;
  }
}

function crossesBelowInto(L: Float64Array, lo: number, R: Float64Array, ro: number, n: number, out: Uint8Array): void {
  let pd = L[lo]! - R[ro]!;
  for (let i = 1; i < n; i++) {
    const d = L[lo + i]! - R[ro + i]!;
    out[i] = d !== d || pd !== pd ? UNKNOWN : +(pd >= 0) & +(d < 0);
    pd = d;
  }
}

/**
 * Both crossings of one (left, right) pair of series, computed in one pass per block and
 * shared by every crossesAbove/crossesBelow trigger on that pair: a strategy entering on
 * a cross above and exiting on the cross below read and subtracted the same two series
 * twice per bar (the signal passes were ~1/3 of an SMA cross's engine time). Results are
 * cached by the resolver's blockId; the carried previous values follow TriggerState.step
 * at a block's first bar, so the outputs are the same as two separate triggers'.
 */
class CrossPair {
  private above = new Uint8Array(0);
  private below = new Uint8Array(0);
  private block = Number.NaN;
  private prevLeft = Number.NaN;
  private prevRight = Number.NaN;

  constructor(
    private readonly left: ChunkValues,
    private readonly right: ChunkValues,
    private readonly resolver: OperandResolver,
  ) {}

  evaluate(from: number, to: number, above: boolean): Uint8Array {
    const block = this.resolver.blockId!;
    if (block !== this.block) {
      this.block = block;
      this.compute(from, to);
    }
    return above ? this.above : this.below;
  }

  private compute(from: number, to: number): void {
    const n = to - from;
    if (this.above.length < n) {
      this.above = new Uint8Array(n);
      this.below = new Uint8Array(n);
    }
    if (n === 0) return;
    const L = this.left.values;
    const lo = this.left.offset + from;
    const R = this.right.values;
    const ro = this.right.offset + from;
    const l = L[lo]!;
    const r = R[ro]!;
    const pl = this.prevLeft;
    const pr = this.prevRight;
    const unknown = l !== l || r !== r || pl !== pl || pr !== pr;
    this.above[0] = unknown ? UNKNOWN : pl <= pr && l > r ? TRUE : FALSE;
    this.below[0] = unknown ? UNKNOWN : pl >= pr && l < r ? TRUE : FALSE;
    crossesBothInto(L, lo, R, ro, n, this.above, this.below);
    this.prevLeft = L[lo + n - 1]!;
    this.prevRight = R[ro + n - 1]!;
  }
}

const crossPairs = new WeakMap<ChunkValues, Map<ChunkValues, CrossPair>>();

function crossPair(left: ChunkValues, right: ChunkValues, resolver: OperandResolver): CrossPair {
  let byRight = crossPairs.get(left);
  if (!byRight) crossPairs.set(left, (byRight = new Map()));
  let pair = byRight.get(right);
  if (!pair) byRight.set(right, (pair = new CrossPair(left, right, resolver)));
  return pair;
}

/** crossesAboveInto and crossesBelowInto in one pass over the difference. */
function crossesBothInto(L: Float64Array, lo: number, R: Float64Array, ro: number, n: number, above: Uint8Array, below: Uint8Array): void {
  let pd = L[lo]! - R[ro]!;
  for (let i = 1; i < n; i++) {
    const d = L[lo + i]! - R[ro + i]!;
    if (d !== d || pd !== pd) {
      above[i] = UNKNOWN;
      below[i] = UNKNOWN;
    } else {
      above[i] = +(pd <= 0) & +(d > 0);
      below[i] = +(pd >= 0) & +(d < 0);
    }
    pd = d;
  }
}
