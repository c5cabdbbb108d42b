import { describe, expect, it } from 'vitest';
import type { Trade } from './types.js';
import { computeMetrics, periodsPerYear } from './metrics.js';

const DAY = 86_400_000;
const MONDAY = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

function trade(returnPct: number, pnl: number, hours: number): Trade {
  return {
    side: 'long',
    entryTs: MONDAY,
    exitTs: MONDAY + hours * HOUR,
    entryBar: 0,
    exitBar: 1,
    entryPrice: 100,
    exitPrice: 100,
    quantity: 1,
    pnl,
    returnPct,
    fees: 0,
    barsHeld: 1,
    exitReason: 'signal',
  };
}

describe('computeMetrics on a known equity curve', () => {
  // Daily bars Monday..Thursday (no weekend: 252 x 1 periods a year), initial cash 100.
  const ts = Float64Array.from([0, 1, 2, 3], (d) => MONDAY + d * DAY);
  const equity = Float64Array.from([110, 99, 121, 110]);
  const drawdownPct = Float64Array.from([0, -10, 0, (110 / 121 - 1) * 100]);
  const m = computeMetrics({
    ts,
    equity,
    drawdownPct,
    barMs: DAY,
    initialCash: 100,
    trades: [trade(10, 100, 1), trade(-5, -50, 2), trade(4, 40, 3)],
    exposureBars: 3,
    totalFees: 7.5,
    firstClose: 50,
    lastClose: 60,
  });

  it('computes returns, risk and ratios by the documented definitions', () => {
    expect(m.start).toBe(MONDAY);
    expect(m.end).toBe(MONDAY + 4 * DAY);
    expect(m.durationMs).toBe(4 * DAY);
    expect(m.exposurePct).toBe(75);
    expect(m.finalEquity).toBe(110);
    expect(m.peakEquity).toBe(121);
    expect(m.totalReturnPct).toBeCloseTo(10, 12);
    expect(m.buyAndHoldReturnPct).toBeCloseTo(20, 12);
    // Per-bar returns 0.1, -0.1, 0.2222, -0.0909: mean 0.0328283, sample std 0.1563505.
    expect(m.annualizedVolatilityPct).toBeCloseTo(248.1986526277038, 9);
    expect(m.sharpe).toBeCloseTo(3.3331072450003654, 9);
    expect(m.sortino).toBeCloseTo(7.712141348743986, 9);
    expect(m.annualizedReturnPct).toBeCloseTo(40426.506222962955, 6);
    expect(m.cagrPct).toBeCloseTo(602001.298079611, 3);
    expect(m.calmar).toBeCloseTo(60200.1298079611, 4);
  });

  it('measures drawdown periods from the peak bar to recovery (or the end)', () => {
    expect(m.maxDrawdownPct).toBe(-10);
    expect(m.avgDrawdownPct).toBeCloseTo((-10 + (110 / 121 - 1) * 100) / 2, 12);
    expect(m.maxDrawdownDurationMs).toBe(2 * DAY);
    expect(m.avgDrawdownDurationMs).toBe(1.5 * DAY);
  });

  it('computes the trade statistics', () => {
    expect(m.tradeCount).toBe(3);
    expect(m.winRatePct).toBeCloseTo(200 / 3, 12);
    expect(m.bestTradePct).toBe(10);
    expect(m.worstTradePct).toBe(-5);
    expect(m.avgTradePct).toBe(3);
    expect(m.maxTradeDurationMs).toBe(3 * HOUR);
    expect(m.avgTradeDurationMs).toBe(2 * HOUR);
    expect(m.profitFactor).toBeCloseTo(2.8, 12);
    expect(m.expectancy).toBeCloseTo(30, 12);
    expect(m.sqn).toBeCloseTo((3 * Math.sqrt(3)) / Math.sqrt(57), 12);
    expect(m.totalFees).toBe(7.5);
  });
});

describe('undefined ratios', () => {
  it('are null, and the metrics survive JSON unchanged', () => {
    const flat = computeMetrics({
      ts: Float64Array.from([MONDAY]),
      equity: Float64Array.from([100]),
      drawdownPct: Float64Array.from([0]),
      barMs: 60_000,
      initialCash: 100,
      trades: [trade(1, 1, 1)],
      exposureBars: 0,
      totalFees: 0,
      firstClose: 10,
      lastClose: 10,
    });
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.calmar).toBeNull();
    expect(flat.profitFactor).toBeNull();
    expect(flat.sqn).toBeNull();
    expect(flat.annualizedVolatilityPct).toBeNull();
    expect(JSON.parse(JSON.stringify(flat))).toEqual(flat);
  });
});

describe('periodsPerYear', () => {
  it('uses 365 days when bars fall on weekends, 252 otherwise, times bars per day', () => {
    const minutes24x7 = Float64Array.from({ length: 7 * 1440 }, (_, i) => MONDAY + i * 60_000);
    expect(periodsPerYear(minutes24x7)).toBe(365 * 1440);
    // 390 bars on each weekday of one week.
    const weekdays = Float64Array.from({ length: 5 * 390 }, (_, i) => MONDAY + Math.floor(i / 390) * DAY + 14.5 * HOUR + (i % 390) * 60_000);
    expect(periodsPerYear(weekdays)).toBe(252 * 390);
  });

  it('counts the days of irregular bars as a bar-by-bar count does (days found by search, not per bar)', () => {
    // Seeded gaps of 1 minute to 3 days: single-bar days, long days, days skipped, weekends.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const weekendFree of [false, true]) {
      const times: number[] = [];
      let t = MONDAY;
      while (times.length < 20_000) {
        const weekday = (Math.floor(t / DAY) + 4) % 7;
        if (!(weekendFree && (weekday === 0 || weekday === 6))) times.push(t);
        t += next() < 0.01 ? Math.floor(next() * 3 * DAY) + 60_000 : Math.floor(next() * 30 + 1) * 60_000;
      }
      const ts = Float64Array.from(times);
      const days = new Set(times.map((x) => Math.floor(x / DAY)));
      const weekend = [...days].some((d) => (d + 4) % 7 === 0 || (d + 4) % 7 === 6);
      expect(weekend).toBe(!weekendFree);
      expect(periodsPerYear(ts)).toBe((weekend ? 365 : 252) * (ts.length / days.size));
    }
    expect(periodsPerYear(Float64Array.of(MONDAY))).toBe(252);
    expect(periodsPerYear(new Float64Array(0))).toBeNaN();
  });
});
