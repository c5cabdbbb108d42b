import { describe, expect, it } from 'vitest';
import { scopeTarget, sweepOnText } from './sweep-scope.js';

describe('what a sweep runs on', () => {
  it('turns the picked scope into the request target, saying what is missing', () => {
    expect(scopeTarget('one', 'DEMO-BTC', [], false)).toEqual({ symbol: 'DEMO-BTC' });
    expect(scopeTarget('tag:demo-basket', 'DEMO-ALFA', ['DEMO-ALFA', 'DEMO-BRAVO'], false)).toEqual({ universe: { tag: 'demo-basket' } });
    expect(scopeTarget('pick', 'DEMO-ALFA', ['DEMO-ALFA', 'DEMO-BRAVO'], false)).toEqual({ universe: { symbols: ['DEMO-ALFA', 'DEMO-BRAVO'] } });
    expect(scopeTarget('pick', 'DEMO-ALFA', [], false)).toEqual({ error: 'Pick at least one instrument for the portfolio.' });
    expect(scopeTarget('own', 'DEMO-ALFA', [], true)).toEqual({ own: true });
    expect(scopeTarget('own', 'DEMO-ALFA', [], false)).toMatchObject({ error: expect.stringContaining('names no universe') });
  });

  it('names what a sweep ran on', () => {
    expect(sweepOnText({ symbol: 'DEMO-BTC', universe: null })).toBe('DEMO-BTC');
    expect(sweepOnText({ symbol: 'DEMO-ALFA', universe: { symbols: ['DEMO-ALFA', 'DEMO-BRAVO'], tag: 'demo-basket' } })).toBe('2 instruments (demo-basket)');
    expect(sweepOnText({ symbol: 'DEMO-ALFA', universe: { symbols: ['DEMO-ALFA'], tag: null } })).toBe('1 instrument');
  });
});
