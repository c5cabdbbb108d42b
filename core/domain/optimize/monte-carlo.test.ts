import { describe, expect, it } from 'vitest';
import { monteCarlo, percentile, tradeReturns } from './monte-carlo.js';

describe('Monte Carlo on trades', () => {
  it('percentile interpolates linearly between order statistics', () => {
    const sorted = [1, 2, 3, 4, 5];
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 50)).toBe(3);
    expect(percentile(sorted, 25)).toBe(2);
    expect(percentile(sorted, 95)).toBeCloseTo(4.8, 12);
  });

  it('returns on equity compound back to the actual final equity', () => {
    const pnls = [100, -50, 200];
    const r = tradeReturns(pnls, 1000);
    expect(Array.from(r)).toEqual([0.1, -50 / 1100, 200 / 1050]);
    const result = monteCarlo(pnls, { simulations: 10, seed: 1, method: 'shuffle', initialCash: 1000 });
    expect(result.original.finalEquity).toBeCloseTo(1250, 9);
  });

  it('identical trades: every percentile is the known compounded value', () => {
    // Each trade makes 10 % of the equity it was taken with.
    const pnls = [100, 110, 121];
    const result = monteCarlo(pnls, { simulations: 500, seed: 9, method: 'bootstrap', initialCash: 1000 });
    for (const v of Object.values(result.finalEquity.percentiles)) expect(v).toBeCloseTo(1331, 9);
    expect(result.maxDrawdownPct.percentiles.p50).toBe(0);
    expect(result.probabilityOfLossPct).toBe(0);
  });

  it('shuffle: final equity fixed, drawdown spread matches the enumerated permutations', () => {
    // Returns +10 %, -20 %, +10 % on equity. Every order ends at 1000 x 1.1 x 0.8 x 1.1 = 968,
    // and in every order the one loss is the whole drawdown: -20 % from the peak before it.
    const initialCash = 1000;
    const pnls = [100, -220, 88]; // returns 0.1, -0.2, 0.1
    const result = monteCarlo(pnls, { simulations: 6000, seed: 3, method: 'shuffle', initialCash, drawdownThresholdsPct: [19] });
    expect(result.finalEquity.min).toBeCloseTo(968, 9);
    expect(result.finalEquity.max).toBeCloseTo(968, 9);
    expect(result.maxDrawdownPct.percentiles.p5).toBeCloseTo(-20, 9);
    expect(result.maxDrawdownPct.percentiles.p95).toBeCloseTo(-20, 9);
    expect(result.drawdownExceedance[0]!.probabilityPct).toBe(100);
    expect(result.probabilityOfLossPct).toBe(100);
  });

  it('bootstrap of a win and a loss: probabilities follow the binomial counts', () => {
    // Two trades +50 % and -50 %; 2 draws: {+,+} 25 %: 2250; mixed 50 %: 750; {-,-} 25 %: 250.
    const result = monteCarlo([500, -750], { simulations: 20_000, seed: 11, method: 'bootstrap', initialCash: 1000 });
    expect(result.probabilityOfLossPct).toBeGreaterThan(72);
    expect(result.probabilityOfLossPct).toBeLessThan(78);
    expect(result.finalEquity.percentiles.p5).toBeCloseTo(250, 9);
    expect(result.finalEquity.percentiles.p50).toBeCloseTo(750, 9);
    expect(result.finalEquity.percentiles.p95).toBeCloseTo(2250, 9);
  });

  it('is reproducible by seed and differs across seeds', () => {
    const pnls = [120, -80, 45, -30, 200, -150, 60, 10, -5, 90];
    const a = monteCarlo(pnls, { simulations: 300, seed: 1, method: 'bootstrap', initialCash: 1000 });
    const b = monteCarlo(pnls, { simulations: 300, seed: 1, method: 'bootstrap', initialCash: 1000 });
    const c = monteCarlo(pnls, { simulations: 300, seed: 2, method: 'bootstrap', initialCash: 1000 });
    expect(Array.from(a.finalEquity.sorted)).toEqual(Array.from(b.finalEquity.sorted));
    expect(Array.from(a.finalEquity.sorted)).not.toEqual(Array.from(c.finalEquity.sorted));
  });
});
