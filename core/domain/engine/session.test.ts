import { describe, expect, it } from 'vitest';
import { randomWalkBars } from '../indicators/random-walk.js';
import { allocateBars } from '../market/bars.js';
import { computeSeries } from '../indicators/compute.js';
import { sliceBars } from '../market/bars.js';
import { all, any, smaCrossSpec, trig, v } from '../test-kit/specs.js';
import { operandKey } from './operands.js';
import { createBacktest, ENGINE_VERSION, runBacktest } from './backtest.js';
import { canonicalJson, hashRunInputs } from './run-hash.js';
import { BacktestCancelledError, isBacktestCancelled } from './types.js';

const INSTRUMENT = { priceTick: 0.01, quantityStep: 0.001 } as const;
const spec = smaCrossSpec(10, 30, { sizing: { kind: 'percentEquity', percent: 100 }, costs: { commissionPct: 0.05, commissionFixed: 0, slippageBps: 1 } });

describe('progress and cancellation', () => {
  const bars = randomWalkBars(140_000, 2);

  it('reports progress every 65,536 bars and at the end', () => {
    const calls: [number, number][] = [];
    runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [65_536, 140_000],
      [131_072, 140_000],
      [140_000, 140_000],
    ]);
  });

  it('stops with a recognisable error when asked to cancel', () => {
    let polls = 0;
    const run = () => runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars, shouldCancel: () => ++polls > 1 });
    expect(run).toThrow(BacktestCancelledError);
    polls = 0;
    try {
      run();
    } catch (error) {
      expect(isBacktestCancelled(error)).toBe(true);
      expect((error as BacktestCancelledError).details).toEqual({ barsDone: 65_536 });
    }
    expect(isBacktestCancelled(new Error('other'))).toBe(false);
  });

  it('refuses a chunk that does not follow the previous one', () => {
    const session = createBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m' });
    session.onChunk(randomWalkBars(10, 1));
    expect(() => session.onChunk(randomWalkBars(10, 1))).toThrow(/not after the previous bar/);
  });
});

describe('determinism and the run hash', () => {
  const bars = randomWalkBars(20_000, 4);
  const input = { spec, instrument: INSTRUMENT, timeframe: '1m' as const, bars };

  it('identical inputs give bit-identical outputs', () => {
    const a = runBacktest(input);
    const b = runBacktest(input);
    expect(Buffer.from(a.equity.buffer).equals(Buffer.from(b.equity.buffer))).toBe(true);
    expect(Buffer.from(a.drawdownPct.buffer).equals(Buffer.from(b.drawdownPct.buffer))).toBe(true);
    expect(a.trades).toEqual(b.trades);
    expect(JSON.stringify(a.metrics)).toBe(JSON.stringify(b.metrics));
  });

  it('hashes spec, instrument, timeframe, engine version and every bar byte', () => {
    const h = hashRunInputs(input);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(hashRunInputs({ ...input })).toBe(h);
    // Same spec with keys in another order: same hash.
    const { initialCash, ...rest } = spec;
    const reordered = JSON.parse(JSON.stringify({ initialCash, ...rest }));
    expect(hashRunInputs({ ...input, spec: reordered })).toBe(h);
    const changed = allocateBars(bars.ts.length);
    for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) changed[f].set(bars[f]);
    changed.close[12_345] = changed.close[12_345]! + 1e-9;
    expect(hashRunInputs({ ...input, bars: changed })).not.toBe(h);
    expect(hashRunInputs({ ...input, spec: { ...spec, initialCash: 10_001 } })).not.toBe(h);
    expect(hashRunInputs({ ...input, instrument: { ...INSTRUMENT, quantityStep: 0.01 } })).not.toBe(h);
    expect(hashRunInputs({ ...input, timeframe: '5m' })).not.toBe(h);
    expect(ENGINE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('serialises specs canonically', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});

describe('blocks, chunks, precomputed series and output buffers', () => {
  const bars = randomWalkBars(20_000, 8);
  const fast = v('ema', { period: 8 });
  const slow = v('sma', { period: 40 });
  const rich = smaCrossSpec(5, 20, {
    direction: 'both',
    entry: { long: all(trig(fast, 'crossesAbove', slow), trig(v('rsi', { period: 9 }), 'risingFor', undefined, 2)), short: all(trig(fast, 'crossesBelow', slow)) },
    exit: { long: any(trig(v('barsInTrade'), '>', 90), trig(v('close'), '<', v('sma', { period: 3 }, { timeframe: '1h' }))) },
    management: { trailingStop: { distance: { kind: 'atr', multiple: 3, period: 14 }, activationPct: 0.05 }, timeExitBars: 500 },
  });
  const config = { spec: rich, instrument: INSTRUMENT, timeframe: '1m' as const };
  const whole = runBacktest({ ...config, bars });

  it('gives the same result over block and chunk boundaries (chunks of 1,000..7,000 bars)', () => {
    expect(whole.trades.length).toBeGreaterThan(20);
    const session = createBacktest(config);
    for (let from = 0, k = 0; from < bars.ts.length; k++) {
      const to = Math.min(bars.ts.length, from + 1000 + ((k * 2971) % 6000));
      session.onChunk(sliceBars(bars, from, to));
      from = to;
    }
    const streamed = session.finish();
    expect(Buffer.from(streamed.equity.buffer).equals(Buffer.from(whole.equity.buffer))).toBe(true);
    expect(streamed.trades).toEqual(whole.trades);
    expect(streamed.metrics).toEqual(whole.metrics);
  });

  it('reads precomputed series instead of computing them, with the same result', () => {
    const series = new Map<string, Float64Array>();
    for (const o of [fast, slow, v('rsi', { period: 9 }), v('close'), v('atr', { period: 14 })]) series.set(operandKey(o, '1m'), computeSeries(bars, o.variable, o.params ?? {}));
    const cached = runBacktest({ ...config, bars, series });
    expect(Buffer.from(cached.equity.buffer).equals(Buffer.from(whole.equity.buffer))).toBe(true);
    expect(cached.trades).toEqual(whole.trades);
    expect(() => runBacktest({ ...config, bars, series: new Map([[operandKey(fast, '1m'), new Float64Array(10)]]) })).toThrow(/has 10 values/);
  });

  it('writes into caller-provided output arrays', () => {
    const outputs = { equity: new Float64Array(25_000), drawdownPct: new Float64Array(25_000) };
    const r = runBacktest({ ...config, bars, outputs });
    expect(r.equity.buffer).toBe(outputs.equity.buffer);
    expect(r.equity.length).toBe(20_000);
    expect(Array.from(r.equity)).toEqual(Array.from(whole.equity));
    expect(Array.from(r.drawdownPct)).toEqual(Array.from(whole.drawdownPct));
  });
});
