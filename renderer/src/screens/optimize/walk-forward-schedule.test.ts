import { describe, expect, it } from 'vitest';
import { scheduleProblem, scheduleWindows } from './walk-forward-schedule.js';

const DAY = 86_400_000;

describe('walk-forward schedule as typed', () => {
  it('wants positive day counts, step optional, and says which field is wrong', () => {
    expect(scheduleProblem('180', '30', '')).toBeNull();
    expect(scheduleProblem('180', '30', '15')).toBeNull();
    expect(scheduleProblem('0', '30', '')).toBe('In-sample days must be a number above 0.');
    expect(scheduleProblem('abc', '30', '')).toBe('In-sample days must be a number above 0.');
    expect(scheduleProblem('180', '-5', '')).toBe('Out-of-sample days must be a number above 0.');
    expect(scheduleProblem('180', '30', '0')).toMatch(/^Step days/);
  });

  it('counts the windows of a schedule and the share of the range their in-sample searches cover together', () => {
    // 360 days, 180 in-sample, 30 out, rolling: 6 windows of 180 days, 3 x the range's bars searched.
    expect(scheduleWindows(0, 360 * DAY, '180', '30', '', false)).toEqual({ count: 6, inSampleShare: 3 });
    // Anchored: 180, 210 ... 330 days.
    expect(scheduleWindows(0, 360 * DAY, '180', '30', '', true)).toEqual({ count: 6, inSampleShare: (180 + 210 + 240 + 270 + 300 + 330) / 360 });
    expect(scheduleWindows(0, 360 * DAY, '400', '30', '', false)).toBeNull();
    expect(scheduleWindows(0, 360 * DAY, '0', '30', '', false)).toBeNull();
  });
});
