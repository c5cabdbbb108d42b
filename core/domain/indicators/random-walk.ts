import { allocateBars, type BarColumns } from '../market/bars.js';

/**
 * Deterministic pseudo-random bars (a geometric random walk with a seeded mulberry32
 * generator): test and benchmark input, never market data. Bars are one minute apart
 * from `startTs`, sound per barProblem (high/low bracket open and close).
 */
export function randomWalkBars(count: number, seed = 1, startTs = Date.UTC(2024, 0, 1), stepMs = 60_000): BarColumns {
  const bars = allocateBars(count);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let price = 100;
  for (let i = 0; i < count; i++) {
    const open = price;
    price *= 1 + (next() - 0.5) * 0.004;
    const close = price;
    bars.ts[i] = startTs + i * stepMs;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * (1 + next() * 0.001);
    bars.low[i] = Math.min(open, close) * (1 - next() * 0.001);
    // Some zero-volume bars exercise the VWAP and OBV edge cases.
    bars.volume[i] = next() < 0.02 ? 0 : Math.round(1 + next() * 1000);
  }
  return bars;
}
