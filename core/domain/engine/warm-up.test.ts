import { describe, expect, it } from 'vitest';
import { computeSeries } from '../indicators/compute.js';
import { randomWalkBars } from '../indicators/random-walk.js';
import { sliceBars, type BarColumns } from '../market/bars.js';
import { VARIABLES } from '../strategy/catalog.js';
import type { StrategySpec, Trigger } from '../strategy/spec.js';
import { all, any, smaCrossSpec, specOf, trig, v } from '../test-kit/specs.js';
import { createBacktest, runBacktest } from './backtest.js';
import { operandKey } from './operands.js';
import { hashRunInputs } from './run-hash.js';
import type { BacktestResult, Trade } from './types.js';
import { MAX_WARM_UP_BARS, warmUpBarsFor } from './warm-up.js';

const INSTRUMENT = { priceTick: 0.01, quantityStep: 0.001 } as const;
const entryOn = (trigger: Trigger): StrategySpec => specOf({ entry: { long: all(trigger) } });
const RECURSIVE = new Set(['ema', 'macd', 'rsi', 'atr', 'adx']);

describe('warmUpBarsFor', () => {
  it('asks for the bars each indicator needs before a bar, plus the previous value of a cross', () => {
    expect(warmUpBarsFor(smaCrossSpec(10, 30), '1d')).toBe(30);
    expect(warmUpBarsFor(entryOn(trig(v('close'), '>', 5)), '1m')).toBe(0);
    expect(warmUpBarsFor(entryOn(trig(v('roc', { period: 12 }), 'risingFor', undefined, 3)), '1m')).toBe(15);
    // Recursive: 5 x period for EMA, 10 x for Wilder's smoothing; ATR distances count.
    expect(warmUpBarsFor(entryOn(trig(v('ema', { period: 20 }), '>', v('close'))), '1m')).toBe(100);
    expect(warmUpBarsFor(specOf({ management: { stopLoss: { kind: 'atr', multiple: 2, period: 14 } } }), '1m')).toBe(140);
    // A higher timeframe counts in its own bars, in base bars, with the bucket in progress and a partial first one.
    expect(warmUpBarsFor(entryOn(trig(v('close'), '>', v('sma', { period: 20 }, { timeframe: '1h' }))), '15m')).toBe((19 + 2) * 4);
    expect(warmUpBarsFor(entryOn(trig(v('close'), '>', v('sma', { period: 200 }, { timeframe: '1d' }))), '1m')).toBe(MAX_WARM_UP_BARS);
  });

  it('matches where every indicator (catalog defaults, every output) first has a value', () => {
    const bars = randomWalkBars(3_000, 7);
    for (const def of VARIABLES) {
      if (def.kind === 'position' || def.id === 'vwap') continue;
      const need = warmUpBarsFor(entryOn(trig(v(def.id), '>', 0)), '1m');
      for (const output of def.outputs) {
        const values = computeSeries(bars, def.id, {}, output.id);
        const first = values.findIndex((x) => !Number.isNaN(x));
        if (RECURSIVE.has(def.id)) expect(need, `${def.id}.${output.id}`).toBeGreaterThanOrEqual(first * 3);
        else expect(need, `${def.id}.${output.id}`).toBeGreaterThanOrEqual(first);
      }
      if (!RECURSIVE.has(def.id)) {
        // Exact for finite windows: the first value of the slowest output is at `need`.
        const firsts = def.outputs.map((o) => computeSeries(bars, def.id, {}, o.id).findIndex((x) => !Number.isNaN(x)));
        expect(Math.max(...firsts), def.id).toBe(need);
      }
    }
  });
});

/** Trades of `full` entered at or after bar `start`, with bar indexes counted from there. */
function tradesFrom(full: BacktestResult, start: number): Trade[] {
  return full.trades.filter((t) => t.entryBar >= start).map((t) => ({ ...t, entryBar: t.entryBar - start, exitBar: t.exitBar - start }));
}

/** A bar where the full run is flat with nothing pending (no position over [entryBar, exitBar] covers it). */
function flatBarNear(full: BacktestResult, near: number): number {
  const busy = (s: number) => full.trades.some((t) => t.entryBar <= s && s <= t.exitBar) || (full.openPosition !== null && full.openPosition.entryBar <= s);
  let s = near;
  while (busy(s)) s++;
  return s;
}

const SPECS: Record<string, StrategySpec> = {
  'SMA cross': smaCrossSpec(10, 30),
  'EMA/RSI with an ATR stop, both sides': specOf({
    direction: 'both',
    entry: {
      long: all(trig(v('ema', { period: 12 }), 'crossesAbove', v('ema', { period: 26 })), trig(v('rsi', { period: 14 }), '<', 70)),
      short: all(trig(v('ema', { period: 12 }), 'crossesBelow', v('ema', { period: 26 })), trig(v('rsi', { period: 14 }), '>', 30)),
    },
    management: { stopLoss: { kind: 'atr', multiple: 3, period: 14 } },
  }),
  'higher timeframe, streak and position state (dynamic)': specOf({
    entry: { long: all(trig(v('close'), '>', v('sma', { period: 5 }, { timeframe: '1h' })), trig(v('sma', { period: 8 }), 'risingFor', undefined, 4)) },
    exit: { long: any(trig(v('barsInTrade'), '>=', 40), trig(v('close'), 'crossesBelow', v('highest', { period: 30 }))) },
  }),
};

describe('a run warmed up on earlier bars', () => {
  const bars = randomWalkBars(30_000, 11);
  const n = bars.ts.length;

  for (const [name, spec] of Object.entries(SPECS)) {
    it(`trades like the same range inside the longer run when flat at its start: ${name}`, () => {
      const full = runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars });
      const need = warmUpBarsFor(spec, '1m');
      const start = flatBarNear(full, 12_345);
      const warmed = runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars: sliceBars(bars, start - need, n), warmUpBars: need });
      expect(warmed.warmUpBars).toBe(need);
      expect(warmed.barsProcessed).toBe(n - start);
      expect(warmed.equity.length).toBe(n - start);
      expect(warmed.metrics.start).toBe(bars.ts[start]);
      const expected = tradesFrom(full, start);
      expect(expected.length).toBeGreaterThan(10);
      // Fixed quantity sizing: every field, PnL included, is that of the longer run.
      expect(JSON.stringify(warmed.trades)).toBe(JSON.stringify(expected));
      // Without the warm-up the first bars' conditions are UNKNOWN: the first trade comes later or differs.
      const cold = runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars: sliceBars(bars, start, n) });
      expect(cold.warmUpBars).toBe(0);
      expect(cold.trades[0]!.entryBar).toBeGreaterThanOrEqual(warmed.trades[0]!.entryBar);
    });
  }

  it('gives the same bits whatever the chunking, and with precomputed series over the warm-up too', () => {
    const spec = SPECS['higher timeframe, streak and position state (dynamic)']!;
    const W = 1_000;
    const input = { spec, instrument: INSTRUMENT, timeframe: '1m' as const, bars: sliceBars(bars, 5_000, 20_000), warmUpBars: W };
    const whole = runBacktest(input);
    const bytes = (r: BacktestResult) => JSON.stringify([r.trades, r.markers, r.metrics, r.openPosition, r.warmUpBars, [...r.equity], [...r.drawdownPct]]);
    for (const cuts of [[300, 999, 1_000, 1_001, 7_000], [1_000], [5, 4_200, 9_000], [12_000]]) {
      const session = createBacktest(input);
      let from = 0;
      for (const cut of [...cuts, input.bars.ts.length]) {
        session.onChunk(sliceBars(input.bars, from, cut));
        from = cut;
      }
      expect(bytes(session.finish()), String(cuts)).toBe(bytes(whole));
    }
    const sma = v('sma', { period: 8 });
    const series = new Map([[operandKey(sma, '1m'), computeSeries(input.bars, 'sma', { period: 8 })]]);
    expect(bytes(runBacktest({ ...input, series }))).toBe(bytes(whole));
  });

  it('uses what there is when fewer bars are given than asked, and all-warm-up input gives an empty run', () => {
    const spec = SPECS['SMA cross']!;
    const few = runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars: sliceBars(bars, 0, 20), warmUpBars: 30 });
    expect(few.warmUpBars).toBe(20);
    expect(few.barsProcessed).toBe(0);
    expect(few.equity.length).toBe(0);
    expect(() => runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars, warmUpBars: -1 })).toThrow(/warmUpBars/);
  });

  it('is covered by the run hash only when there is a warm-up (runs without one hash as before)', () => {
    const spec = SPECS['SMA cross']!;
    const some: BarColumns = sliceBars(bars, 0, 2_000);
    const base = { spec, instrument: INSTRUMENT, timeframe: '1m' as const, bars: some };
    expect(hashRunInputs({ ...base, warmUpBars: 0 })).toBe(hashRunInputs(base));
    expect(hashRunInputs({ ...base, warmUpBars: 30 })).not.toBe(hashRunInputs(base));
    expect(hashRunInputs({ ...base, warmUpBars: 30 })).not.toBe(hashRunInputs({ ...base, warmUpBars: 31 }));
  });
});
