import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomWalkBars } from '../indicators/random-walk.js';
import { allocateBars, rangeOf, sliceBars, type BarColumns } from '../market/bars.js';
import { resampleBars } from '../market/resample.js';
import type { StrategySpec } from '../strategy/spec.js';
import { all, any, specOf, trig, v } from '../test-kit/specs.js';
import { createBacktest, runBacktest } from './backtest.js';
import type { BacktestResult, Marker } from './types.js';

const INSTRUMENT = { priceTick: 0.01, quantityStep: 0.01 } as const;

/** A spec that exercises most of the engine: both sides, HTF operand, position state, every rule. */
function richSpec(overrides: Partial<StrategySpec> = {}): StrategySpec {
  return specOf({
    direction: 'both',
    entry: {
      long: all(trig(v('sma', { period: 5 }), 'crossesAbove', v('sma', { period: 20 })), trig(v('close'), '>', v('ema', { period: 3 }, { timeframe: '15m' }))),
      short: any(trig(v('sma', { period: 5 }), 'crossesBelow', v('sma', { period: 20 })), trig(v('rsi', { period: 7 }), 'fallingFor', undefined, 4)),
    },
    exit: {
      long: any(trig(v('unrealizedPnlPct'), '<', -0.3), trig(v('rsi', { period: 7 }), '>', 80)),
      short: all(trig(v('barsInTrade'), '>=', 15), trig(v('close'), '>', v('entryPrice'))),
    },
    management: {
      stopLoss: { kind: 'percent', value: 0.4 },
      takeProfit: { kind: 'atr', multiple: 6, period: 14 },
      trailingStop: { distance: { kind: 'percent', value: 0.25 }, activationPct: 0.1 },
      timeExitBars: 60,
      partialExit: { atProfitPct: 0.2, fraction: 0.5 },
      pyramiding: { maxAdds: 2, spacingPct: 0.05 },
    },
    sizing: { kind: 'percentEquity', percent: 40 },
    costs: { commissionPct: 0.02, commissionFixed: 0.5, slippageBps: 2 },
    ...overrides,
  });
}

function sameUpTo(a: BacktestResult, b: BacktestResult, t: number): void {
  for (let i = 0; i <= t; i++) {
    expect(Object.is(a.equity[i], b.equity[i]), `equity at bar ${i}`).toBe(true);
    expect(Object.is(a.drawdownPct[i], b.drawdownPct[i]), `drawdown at bar ${i}`).toBe(true);
  }
  const upTo = (ms: readonly Marker[]) => ms.filter((m) => m.bar <= t);
  expect(upTo(a.markers)).toEqual(upTo(b.markers));
  // The signals decided at the close of t: the kinds of the orders filled at t + 1's open.
  const decidedAt = (ms: readonly Marker[]) => ms.filter((m) => m.bar === t + 1 && m.fill === 'open').map((m) => m.kind);
  expect(decidedAt(a.markers)).toEqual(decidedAt(b.markers));
  expect(a.trades.filter((x) => x.exitBar <= t)).toEqual(b.trades.filter((x) => x.exitBar <= t));
}

describe('no look-ahead', () => {
  it('changing every bar after t leaves all fills, trades and equity up to t unchanged', () => {
    const n = 600;
    const bars = randomWalkBars(n, 11);
    // Fixed quantity: an order decided at t's close then always fills at t + 1's open.
    // (With percent-of-equity sizing an add can legitimately come to zero units at the
    // fill, priced at t + 1's open, so its marker would not show the decision.)
    const spec = richSpec({ sizing: { kind: 'fixedQuantity', quantity: 1 } });
    const base = runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars });
    expect(base.trades.length).toBeGreaterThan(5);
    expect(base.markers.some((m) => m.kind === 'addShort' || m.kind === 'addLong')).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: n - 3 }), fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.5, max: 2, noNaN: true }), (t, seed, scale) => {
        const other = randomWalkBars(n, seed);
        const changed = allocateBars(n);
        for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) changed[f].set(bars[f]);
        for (let i = t + 1; i < n; i++) {
          changed.open[i] = other.open[i]! * scale;
          changed.high[i] = other.high[i]! * scale;
          changed.low[i] = other.low[i]! * scale;
          changed.close[i] = other.close[i]! * scale;
          changed.volume[i] = other.volume[i]!;
        }
        sameUpTo(base, runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars: changed }), t);
      }),
      { numRuns: 100 },
    );
  });
});

/** Replays the fill log: cash and signed quantity after each bar's fills. */
function replay(markers: readonly Marker[], initialCash: number, bars: BarColumns, equity: Float64Array): number {
  let cash = initialCash;
  let qty = 0;
  let k = 0;
  let minCash = cash;
  for (let t = 0; t < equity.length; t++) {
    for (; k < markers.length && markers[k]!.bar === t; k++) {
      const m = markers[k]!;
      expect(m.fee).toBeGreaterThanOrEqual(0);
      const buy = m.kind === 'entryLong' || m.kind === 'addLong' || m.kind === 'exitShort' || m.kind === 'partialExitShort';
      if (buy) {
        cash -= m.quantity * m.price + m.fee;
        qty += m.quantity;
      } else {
        cash += m.quantity * m.price - m.fee;
        qty -= m.quantity;
      }
      minCash = Math.min(minCash, cash);
    }
    const expected = cash + qty * bars.close[t]!;
    expect(Math.abs(expected - equity[t]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  }
  return minCash;
}

describe('accounting invariants', () => {
  const specArb = fc.record({
    direction: fc.constantFrom('long' as const, 'short' as const, 'both' as const),
    percent: fc.integer({ min: 1, max: 100 }),
    commissionPct: fc.double({ min: 0, max: 0.5, noNaN: true }),
    commissionFixed: fc.double({ min: 0, max: 3, noNaN: true }),
    slippageBps: fc.double({ min: 0, max: 20, noNaN: true }),
    stop: fc.option(fc.double({ min: 0.05, max: 2, noNaN: true }), { nil: undefined }),
    seed: fc.integer({ min: 1, max: 1e6 }),
  });

  it('cash + position value = equity every bar, fees >= 0, closed + open PnL = final - initial equity', () => {
    fc.assert(
      fc.property(specArb, (p) => {
        const bars = randomWalkBars(400, p.seed);
        const base = richSpec();
        const spec = richSpec({
          direction: p.direction,
          sizing: { kind: 'percentEquity', percent: p.percent },
          costs: { commissionPct: p.commissionPct, commissionFixed: p.commissionFixed, slippageBps: p.slippageBps },
          management: { ...base.management, ...(p.stop !== undefined ? { stopLoss: { kind: 'percent', value: p.stop } } : {}) },
        });
        const r = runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars });
        const minCash = replay(r.markers, spec.initialCash, bars, r.equity);
        // The engine never borrows: long-only runs never take cash below zero.
        if (p.direction === 'long') expect(minCash).toBeGreaterThanOrEqual(-1e-9);
        for (const t of r.trades) {
          expect(t.fees).toBeGreaterThanOrEqual(0);
          expect(Math.abs(t.quantity / INSTRUMENT.quantityStep - Math.round(t.quantity / INSTRUMENT.quantityStep))).toBeLessThan(1e-6);
        }
        const closed = r.trades.reduce((s, t) => s + t.pnl, 0);
        const open = r.openPosition?.unrealizedPnl ?? 0;
        expect(closed + open).toBeCloseTo(r.metrics.finalEquity - spec.initialCash, 6);
        expect(r.metrics.totalFees).toBeGreaterThanOrEqual(0);
        for (const d of r.drawdownPct) expect(d).toBeLessThanOrEqual(0);
      }),
      { numRuns: 80 },
    );
  });
});

describe('streaming', () => {
  it('any split into chunks gives bit-identical results to one whole-array run (5m bars with a 1m magnifier)', () => {
    const minutes = randomWalkBars(3000, 5);
    const bars = resampleBars(minutes, '1m', '5m').bars;
    const n = bars.ts.length;
    const config = { spec: richSpec(), instrument: INSTRUMENT, timeframe: '5m' as const };
    const whole = runBacktest({ ...config, bars, magnifierBars: minutes });
    expect(whole.trades.length).toBeGreaterThan(3);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 8 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), n];
        const session = createBacktest(config);
        for (let c = 0; c + 1 < bounds.length; c++) {
          const chunk = sliceBars(bars, bounds[c]!, bounds[c + 1]!);
          const from = chunk.ts[0]!;
          const to = chunk.ts[chunk.ts.length - 1]! + 5 * 60_000;
          session.onChunk(chunk, rangeOf(minutes, from, to));
        }
        const streamed = session.finish();
        expect(Buffer.from(streamed.equity.buffer).equals(Buffer.from(whole.equity.buffer))).toBe(true);
        expect(streamed.trades).toEqual(whole.trades);
        expect(streamed.markers).toEqual(whole.markers);
        expect(streamed.openPosition).toEqual(whole.openPosition);
        expect(streamed.metrics).toEqual(whole.metrics);
      }),
      { numRuns: 25 },
    );
  });
});
