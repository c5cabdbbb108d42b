import { describe, expect, it } from 'vitest';
import { assertValidBars } from '../market/bars.js';
import { DEMO_BASKET_BARS, generateDemoBasket } from './basket.js';

/** Pearson correlation of two equally long series. */
function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

describe('the demo basket', () => {
  const basket = generateDemoBasket();

  it('is ten sound, deterministic, clearly synthetic hourly series, one listing late', () => {
    expect(basket).toHaveLength(10);
    for (const { draft, bars } of basket) {
      expect(draft.symbol).toMatch(/^DEMO-/);
      expect(draft.venue).toBe('SYNTHETIC');
      expect(() => assertValidBars(bars)).not.toThrow();
      for (let i = 1; i < bars.ts.length; i++) expect(bars.ts[i]! - bars.ts[i - 1]!).toBe(3_600_000);
    }
    expect(basket.filter((s) => s.bars.ts.length === DEMO_BASKET_BARS)).toHaveLength(9);
    expect(basket[9]!.bars.ts.length).toBeLessThan(DEMO_BASKET_BARS);
    const again = generateDemoBasket();
    expect(Buffer.from(again[3]!.bars.close.buffer).equals(Buffer.from(basket[3]!.bars.close.buffer))).toBe(true);
  });

  it('moves together: every pair of hourly returns is positively correlated', () => {
    const returns = basket.slice(0, 9).map(({ bars }) => Array.from({ length: 5000 }, (_, i) => Math.log(bars.close[i + 1]! / bars.close[i]!)));
    for (let a = 0; a < returns.length; a++) {
      for (let b = a + 1; b < returns.length; b++) {
        const r = correlation(returns[a]!, returns[b]!);
        expect(r, `${basket[a]!.draft.symbol} ~ ${basket[b]!.draft.symbol}`).toBeGreaterThan(0.3);
        expect(r).toBeLessThan(0.95);
      }
    }
  });
});
