import { describe, expect, it } from 'vitest';
import { scaleColour, scalePosition } from './colour-scale.js';

describe('heatmap colour scale', () => {
  it('puts the best value at the bright end whichever the direction', () => {
    expect(scalePosition(3, 1, 3, 'maximize')).toBe(1);
    expect(scalePosition(1, 1, 3, 'minimize')).toBe(1);
    expect(scalePosition(2, 1, 3, 'maximize')).toBe(0.5);
    // One distinct value: every cell is "best".
    expect(scalePosition(5, 5, 5, 'maximize')).toBe(1);
  });

  it('runs from viridis purple to yellow and clamps', () => {
    expect(scaleColour(0)).toBe('rgb(68, 1, 84)');
    expect(scaleColour(1)).toBe('rgb(253, 231, 37)');
    expect(scaleColour(2)).toBe(scaleColour(1));
    expect(scaleColour(Number.NaN)).toBe(scaleColour(0));
  });
});
