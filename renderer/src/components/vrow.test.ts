import { describe, expect, it } from 'vitest';
import { vrowClass } from './vrow.js';

describe('vrowClass', () => {
  it('stripes by the row index, so a row keeps its stripe wherever the mounted window starts', () => {
    expect([0, 1, 2, 3].map((i) => vrowClass(i))).toEqual(['vrow', 'vrow alt', 'vrow', 'vrow alt']);
    expect(vrowClass(7, 'muted')).toBe('vrow alt muted');
    expect(vrowClass(8, 'muted')).toBe('vrow muted');
  });
});
