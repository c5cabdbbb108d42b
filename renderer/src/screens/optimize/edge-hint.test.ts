import { describe, expect, it } from 'vitest';
import { gridEdges } from '../../../../core/domain/optimize/grid-edge.js';
import { edgeHintText } from './edge-hint.js';

describe('grid edge hint', () => {
  const space = [
    { name: 'fast', values: [5, 10, 15, 20] },
    { name: 'slow', values: [20, 30, 40] },
  ];
  const label = (name: string): string => (name === 'fast' ? 'Fast period' : 'Slow period');

  it('names the parameter, its end of the range and what to do', () => {
    expect(edgeHintText(gridEdges(space, { fast: 5, slow: 30 }), label)).toBe(
      'The best variant sits on the edge of the grid: Fast period = 5 is the lowest value tried. A better one may lie outside it: widen its range past it and sweep again.',
    );
    expect(edgeHintText(gridEdges(space, { fast: 20, slow: 40 }), label)).toContain('Fast period = 20 is the highest value tried; Slow period = 40 is the highest value tried');
  });

  it('says nothing when the best lies inside the grid', () => {
    expect(edgeHintText(gridEdges(space, { fast: 10, slow: 30 }), label)).toBeNull();
  });
});
