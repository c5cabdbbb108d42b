import { describe, expect, it } from 'vitest';
import { tickStride } from './tick-stride.js';

describe('heatmap tick stride', () => {
  it('labels every cell when there is room', () => {
    expect(tickStride(10, 30, 14)).toBe(1);
  });

  it('keeps labels a label apart on small cells (10 values on 4 px cells: every 4th)', () => {
    // The QA case: slow 201..210 drawn on 4 px rows overlapped.
    expect(tickStride(10, 4, 14)).toBe(4);
    expect(tickStride(199, 5, 30)).toBe(17);
  });

  it('puts at most about 12 labels on an axis', () => {
    expect(tickStride(100, 40, 14)).toBe(9);
  });
});
