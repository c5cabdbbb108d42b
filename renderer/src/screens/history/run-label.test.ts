import { describe, expect, it } from 'vitest';
import { runInstruments, runLabel } from './run-label.js';

describe('runLabel', () => {
  it('tells apart runs of one strategy by data, range and hash', () => {
    const base = { name: 'SMA cross', symbol: 'DEMO-BTC', timeframe: '1m' as const, hash: '823476abcdef' };
    const a = runLabel({ ...base, fromTs: Date.UTC(2025, 0, 1), toTs: Date.UTC(2025, 1, 1) });
    const b = runLabel({ ...base, timeframe: '1h', fromTs: null, toTs: null, hash: '9efea2c9a045' });
    expect(a).toBe('SMA cross · DEMO-BTC 1m · 2025-01-01 → 2025-01-31 · 823476');
    expect(b).toBe('SMA cross · DEMO-BTC 1h · all stored bars · 9efea2');
  });

  it("tells apart a sweep's variants by their parameters", () => {
    const base = { name: 'SMA cross', symbol: 'DEMO-BTC', timeframe: '1m' as const, fromTs: Date.UTC(2025, 0, 1), toTs: Date.UTC(2025, 1, 1), hash: '823476abcdef' };
    const variant = (fast: number) => ({ sweepId: 's1', sweepName: 'SMA sweep', index: fast, params: { fast, slow: 50 } });
    expect(runLabel({ ...base, sweepVariant: variant(10) })).toBe('SMA cross (fast 10 · slow 50) · DEMO-BTC 1m · 2025-01-01 → 2025-01-31 · 823476');
    expect(runLabel({ ...base, sweepVariant: variant(10) })).not.toBe(runLabel({ ...base, sweepVariant: variant(12) }));
  });

  it('names a portfolio run by its universe, not its first instrument', () => {
    const base = { name: 'Rotation', symbol: 'DEMO-ALFA', timeframe: '1h' as const, fromTs: null, toTs: null, hash: '823476abcdef' };
    const tagged = { ...base, universe: { symbols: ['DEMO-ALFA', 'DEMO-BRAVO'], instrumentIds: [], tag: 'demo-basket' } };
    expect(runLabel(tagged)).toBe('Rotation · 2 instruments tagged demo-basket 1h · all stored bars · 823476');
    expect(runInstruments({ ...base, universe: { symbols: ['DEMO-ALFA'], instrumentIds: [] } })).toBe('1 instrument');
    expect(runInstruments(base)).toBe('DEMO-ALFA');
  });
});
