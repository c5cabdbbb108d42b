import { describe, expect, it } from 'vitest';
import { scheduleProblem } from './walk-forward-schedule.js';

describe('walk-forward schedule as typed', () => {
  it('wants positive day counts, step optional, and says which field is wrong', () => {
    expect(scheduleProblem('180', '30', '')).toBeNull();
    expect(scheduleProblem('180', '30', '15')).toBeNull();
    expect(scheduleProblem('0', '30', '')).toBe('In-sample days must be a number above 0.');
    expect(scheduleProblem('abc', '30', '')).toBe('In-sample days must be a number above 0.');
    expect(scheduleProblem('180', '-5', '')).toBe('Out-of-sample days must be a number above 0.');
    expect(scheduleProblem('180', '30', '0')).toMatch(/^Step days/);
  });
});
