import { describe, expect, it } from 'vitest';
import { bestText } from './best-text.js';

describe('the best line of a sweep', () => {
  const named = (name: string): string => name;

  it('presents an eligible best as the best', () => {
    const best = { index: 4, score: 1.23456, params: { fast: 10, slow: 30 }, eligible: true };
    expect(bestText(best, { metric: 'sharpe', minTrades: 3 }, null, named)).toEqual({ text: 'best #4: 1.235 (fast=10, slow=30)', eligible: true });
  });

  it('says plainly when no variant made the minimum trades (the best is then one that did not)', () => {
    const best = { index: 10, score: 4.829, params: { fast: 15, slow: 20 }, eligible: false };
    expect(bestText(best, { metric: 'sharpe', minTrades: 3 }, 2, named)).toEqual({
      text: 'No variant made the minimum 3 trades (most: 2); best by Sharpe shown anyway: #10: 4.829 (fast=15, slow=20)',
      eligible: false,
    });
    expect(bestText(best, { metric: 'sharpe', minTrades: 1 }, null, named).text).toBe('No variant made the minimum 1 trade; best by Sharpe shown anyway: #10: 4.829 (fast=15, slow=20)');
  });
});
