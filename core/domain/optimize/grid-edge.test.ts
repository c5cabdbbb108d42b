import { describe, expect, it } from 'vitest';
import { gridEdges } from './grid-edge.js';

const space = [
  { name: 'fast', values: [5, 10, 15, 20] },
  { name: 'slow', values: [20, 30, 40, 50, 60] },
];

describe('grid edges', () => {
  it('names a best value that is the lowest or highest tried', () => {
    expect(gridEdges(space, { fast: 5, slow: 40 })).toEqual([{ name: 'fast', value: 5, side: 'lowest' }]);
    expect(gridEdges(space, { fast: 20, slow: 60 })).toEqual([
      { name: 'fast', value: 20, side: 'highest' },
      { name: 'slow', value: 60, side: 'highest' },
    ]);
  });

  it('says nothing for a best value inside the range', () => {
    expect(gridEdges(space, { fast: 10, slow: 30 })).toEqual([]);
  });

  it('leaves out a parameter of two values or a list given out of order', () => {
    expect(gridEdges([{ name: 'a', values: [1, 2] }], { a: 2 })).toEqual([]);
    expect(gridEdges([{ name: 'a', values: [30, 10, 20] }], { a: 30 })).toEqual([{ name: 'a', value: 30, side: 'highest' }]);
    expect(gridEdges([{ name: 'a', values: [30, 10, 20] }], { a: 10 })).toEqual([{ name: 'a', value: 10, side: 'lowest' }]);
  });
});
