import { describe, expect, it } from 'vitest';
import type { Trigger } from '../strategy/spec.js';
import { compileCondition, type OperandResolver } from './conditions.js';
import type { ChunkValues } from './operands.js';

/**
 * A resolver over two fixed series. With `shared`, it has a blockId (crossing triggers on
 * one pair share a pass); without, each trigger evaluates alone: the reference.
 */
function resolver(left: Float64Array, right: Float64Array, shared: boolean): OperandResolver & { blockId?: number } {
  const l: ChunkValues = { values: left, offset: 0 };
  const r: ChunkValues = { values: right, offset: 0 };
  const base = {
    series: (o: { variable: string }) => (o.variable === 'sma' ? l : r),
    positionSlot: () => -1,
    positionValues: new Float64Array(3),
  };
  return shared ? { ...base, blockId: 0 } : base;
}

const trigger = (operator: 'crossesAbove' | 'crossesBelow'): Trigger => ({
  kind: 'trigger',
  left: { kind: 'variable', variable: 'sma', params: { period: 10 } },
  operator,
  right: { kind: 'variable', variable: 'ema', params: { period: 30 } },
});

/** Evaluates above and below (in the given order) block by block; concatenated outputs. */
function run(left: Float64Array, right: Float64Array, shared: boolean, belowFirst: boolean, block: number): [number[], number[]] {
  const res = resolver(left, right, shared);
  const above = compileCondition(trigger('crossesAbove'), res);
  const below = compileCondition(trigger('crossesBelow'), res);
  if (above.kind !== 'static' || below.kind !== 'static') throw new Error('expected static triggers');
  const outA: number[] = [];
  const outB: number[] = [];
  for (let from = 0; from < left.length; from += block) {
    const to = Math.min(left.length, from + block);
    if (res.blockId !== undefined) res.blockId++;
    const n = to - from;
    if (belowFirst) {
      outB.push(...below.evaluate(from, to).subarray(0, n));
      outA.push(...above.evaluate(from, to).subarray(0, n));
    } else {
      outA.push(...above.evaluate(from, to).subarray(0, n));
      outB.push(...below.evaluate(from, to).subarray(0, n));
    }
  }
  return [outA, outB];
}

describe('crossing triggers sharing a pair', () => {
  // Warm-up NaNs, a NaN gap, equal values (touching without crossing) and many crossings.
  const n = 300;
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    left[i] = i < 7 || (i >= 120 && i < 124) ? Number.NaN : Math.round(Math.sin(i * 0.7) * 4) / 2;
    right[i] = i < 3 ? Number.NaN : Math.round(Math.cos(i * 0.3) * 4) / 2;
  }

  for (const block of [1, 7, 64, 300]) {
    it(`give the same signals as separate triggers (blocks of ${block}, either order)`, () => {
      const reference = run(left, right, false, false, block);
      expect(reference[0]).toContain(1);
      expect(reference[1]).toContain(1);
      expect(reference[0]).toContain(2);
      expect(run(left, right, true, false, block)).toEqual(reference);
      expect(run(left, right, true, true, block)).toEqual(reference);
    });
  }
});
