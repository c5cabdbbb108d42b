import { describe, expect, it } from 'vitest';
import { randomWalkBars } from '../indicators/random-walk.js';
import { BAR_FIELDS, sliceBars, type BarColumns } from '../market/bars.js';
import { withParameterValue } from '../strategy/parameters.js';
import { buildTemplate } from '../strategy/templates.js';
import { smaCrossSpec, specOf } from '../test-kit/specs.js';
import { ENGINE_VERSION } from './backtest.js';
import { canonicalJson, hashPortfolioInputs, hashRunInputs, SeriesHasher } from './run-hash.js';

/** The hash as first written: one word at a time, exact doubles and Math.floor for the carry. */
function referenceHash(spec: unknown, bars: BarColumns): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const word = (w: number): void => {
    const x = (lo ^ w) >>> 0;
    const a = x * 0x1b3;
    const carry = Math.floor(a / 0x1_0000_0000);
    lo = a >>> 0;
    hi = (hi * 0x1b3 + ((x << 8) >>> 0) + carry) >>> 0;
  };
  const string = (s: string): void => {
    for (let i = 0; i < s.length; i++) word(s.charCodeAt(i));
    word(0xffffffff);
  };
  string(ENGINE_VERSION);
  string(canonicalJson({ spec, instrument: { priceTick: 0.01, quantityStep: 0.001 }, timeframe: '1m', magnifier: true }));
  word(bars.ts.length >>> 0);
  for (const field of BAR_FIELDS) {
    const a = bars[field];
    const words = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
    for (let i = 0; i < words.length; i++) word(words[i]!);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

describe('hashRunInputs', () => {
  it('equals the word-at-a-time FNV-1a reference (the fast bar loop changes no hash)', () => {
    for (const seed of [1, 2, 3]) {
      const bars = randomWalkBars(5_000 + seed, seed);
      const spec = smaCrossSpec(5, 20 + seed);
      // Hashes take the spec in the form they were first taken in, version 1 (hashedSpec in run-hash.ts).
      expect(hashRunInputs({ spec, instrument: { priceTick: 0.01, quantityStep: 0.001 }, timeframe: '1m', bars })).toBe(referenceHash({ ...spec, version: 1 }, bars));
    }
  });

  it('is the same with or without named parameters and in either spec format version: they change no number the engine reads', () => {
    const bars = randomWalkBars(1_000, 4);
    const named = buildTemplate('sma-cross', { fast: 5, slow: 20 });
    expect(named.parameters?.map((p) => p.name)).toEqual(['fast', 'slow']);
    const { parameters: _names, ...plain } = named;
    const input = { instrument: { priceTick: 0.01, quantityStep: 0.001 }, timeframe: '1m' as const, bars };
    expect(hashRunInputs({ ...input, spec: named })).toBe(hashRunInputs({ ...input, spec: plain }));
    expect(hashRunInputs({ ...input, spec: named })).toBe(referenceHash({ ...plain, version: 1 }, bars));
    // A number changed through its parameter is a different run.
    expect(hashRunInputs({ ...input, spec: withParameterValue(named, 'slow', 21) })).not.toBe(hashRunInputs({ ...input, spec: named }));
  });

  it('changes when one bar value changes', () => {
    const bars = randomWalkBars(1_000, 9);
    const spec = smaCrossSpec(5, 20);
    const input = { spec, instrument: { priceTick: 0.01, quantityStep: 0.001 }, timeframe: '1m' as const, bars };
    const before = hashRunInputs(input);
    bars.close[500] = bars.close[500]! + 0.01;
    expect(hashRunInputs(input)).not.toBe(before);
  });
});

describe('portfolio run hash', () => {
  it('hashes a series the same whatever the chunks it streams in, and changes with any bar', () => {
    const bars = randomWalkBars(5000, 3);
    const whole = new SeriesHasher();
    whole.add(bars);
    const cut = new SeriesHasher();
    for (const [a, b] of [[0, 1], [1, 1234], [1234, 4096], [4096, 5000]] as const) cut.add(sliceBars(bars, a, b));
    expect(cut.hex()).toBe(whole.hex());
    const changed = { ...bars, close: bars.close.slice() };
    changed.close[4321] = changed.close[4321]! + 0.01;
    const other = new SeriesHasher();
    other.add(changed);
    expect(other.hex()).not.toBe(whole.hex());
  });

  it('covers every member and not the order they were given in', () => {
    const spec = specOf({ portfolio: { maxPositions: 2 } });
    const a = { symbol: 'A', instrument: { priceTick: 0.01, quantityStep: 1 }, warmUpBars: 0, bars: '0123456789abcdef' };
    const b = { symbol: 'B', instrument: { priceTick: 0.01, quantityStep: 1 }, warmUpBars: 10, bars: 'fedcba9876543210' };
    const hash = hashPortfolioInputs({ spec, timeframe: '1h', magnifier: false, members: [a, b] });
    expect(hashPortfolioInputs({ spec, timeframe: '1h', magnifier: false, members: [b, a] })).toBe(hash);
    expect(hashPortfolioInputs({ spec, timeframe: '1h', magnifier: false, members: [a, { ...b, bars: 'fedcba9876543211' }] })).not.toBe(hash);
    expect(hashPortfolioInputs({ spec, timeframe: '1h', magnifier: false, members: [a] })).not.toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
  });
});
