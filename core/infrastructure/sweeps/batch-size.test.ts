import { expect, it } from 'vitest';
import { batchSize } from './worker-variant-evaluator.js';

it('cuts a sweep into batches that shrink towards its end, capped at maxBatch', () => {
  const sizes: number[] = [];
  for (let remaining = 1000; remaining > 0; remaining -= sizes[sizes.length - 1]!) sizes.push(batchSize(remaining, 2, 64));
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
  expect(sizes[0]).toBe(63);
  expect(sizes.every((s, i) => i === 0 || s <= sizes[i - 1]!)).toBe(true);
  // The last batches are lockstep groups of 8 (whichever worker is free takes the next),
  // the very last what is left.
  expect(sizes.slice(-4, -1)).toEqual([8, 8, 8]);
  expect(sizes.every((s, i) => s >= 8 || i === sizes.length - 1)).toBe(true);
  expect(batchSize(5, 2, 64)).toBe(5);
  expect(batchSize(100_000, 2, 64)).toBe(64);
  expect(batchSize(100, 2, 4)).toBe(4);
});
