import { describe, expect, it } from 'vitest';
import { assertValidBars } from '../market/bars.js';
import { DEMO_INSTRUMENTS, generateDemoBars } from './synthetic-bars.js';

const btc = DEMO_INSTRUMENTS[0]!;

describe('generateDemoBars', () => {
  it('is deterministic in its seed and sound', () => {
    const a = generateDemoBars(btc, 50_000);
    const b = generateDemoBars(btc, 50_000);
    expect(Buffer.from(a.close.buffer).equals(Buffer.from(b.close.buffer))).toBe(true);
    expect(Buffer.from(a.ts.buffer).equals(Buffer.from(b.ts.buffer))).toBe(true);
    expect(() => assertValidBars(a)).not.toThrow();
    const other = generateDemoBars(DEMO_INSTRUMENTS[1]!, 50_000);
    expect(other.close[100]).not.toBe(a.close[100]);
  });

  it('has a few gaps and clustered volatility', () => {
    const bars = generateDemoBars(btc, 200_000);
    let gaps = 0;
    for (let i = 1; i < bars.ts.length; i++) if (bars.ts[i]! - bars.ts[i - 1]! > 60_000) gaps++;
    expect(gaps).toBeGreaterThanOrEqual(1);
    expect(gaps).toBeLessThanOrEqual(4);
    // Volatility clustering: absolute returns are autocorrelated, raw returns are not.
    const r: number[] = [];
    for (let i = 1; i < bars.close.length; i++) r.push(Math.log(bars.close[i]! / bars.close[i - 1]!));
    const abs = r.map(Math.abs);
    expect(autocorrelation(abs, 1)).toBeGreaterThan(0.05);
    expect(Math.abs(autocorrelation(r, 1))).toBeLessThan(0.05);
  });
});

function autocorrelation(xs: readonly number[], lag: number): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - mean;
    den += d * d;
    if (i >= lag) num += d * (xs[i - lag]! - mean);
  }
  return num / den;
}
