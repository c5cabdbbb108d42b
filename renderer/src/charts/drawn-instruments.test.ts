import { describe, expect, it } from 'vitest';
import { drawnInstruments, MAX_LINES } from './drawn-instruments.js';

const figures = (contributions: readonly number[]) => contributions.map((contributionPct, k) => ({ symbol: `S${k}`, contributionPct }));

describe('drawnInstruments', () => {
  it('draws every instrument of a small universe', () => {
    expect(drawnInstruments(figures([1, -2, 0]), null)).toEqual([0, 1, 2]);
  });

  it('draws the largest contributions either way of a large one, in universe order, and the picked instrument', () => {
    const many = figures(Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? k : -k) / 10));
    const drawn = drawnInstruments(many, null);
    expect(drawn).toHaveLength(MAX_LINES);
    expect(drawn).toEqual(Array.from({ length: MAX_LINES }, (_, k) => 30 + k));
    expect(drawnInstruments(many, 'S3')).toEqual([3, ...drawn]);
    expect(drawnInstruments(many, 'S35')).toEqual(drawn);
  });
});
