import { describe, expect, it } from 'vitest';
import type { OpenPosition } from '../../api/contract.js';
import { reportNote, windowNotes } from './walk-forward-notes.js';

const open: OpenPosition = { side: 'long', entryTs: Date.UTC(2025, 2, 2, 10), entryBar: 5, entryPrice: 100, quantity: 1, markPrice: 104, unrealizedPnl: 3.9, fees: 0.1, barsHeld: 20 };
const plain = { fallback: null, outOfSampleOpenPosition: null, outOfSampleMetrics: { tradeCount: 4 } };
const name = (n: string): string => (n === 'fast' ? 'Fast period' : n);

describe('walk-forward notes', () => {
  it('say nothing of a window that met the minimum, traded and ended flat', () => {
    expect(windowNotes(plain, [], name)).toEqual([]);
    expect(reportNote([plain, plain])).toBeNull();
  });

  it('say why a window fell back', () => {
    const fellBack = { ...plain, fallback: { minTrades: 3, mostTrades: 1 } };
    expect(windowNotes(fellBack, [], name)).toEqual(['No variant made 3 in-sample trades (the most was 1): the best of all variants was used.']);
    expect(reportNote([fellBack, plain])).toBe('1 of 2 windows fell back: no variant made the minimum of 3 trades in sample, so the best of all was used. See each window\'s note.');
  });

  it('explain a return without a closed trade by the position open at the end', () => {
    const holding = { ...plain, outOfSampleOpenPosition: open, outOfSampleMetrics: { tradeCount: 0, totalReturnPct: 0.04 } };
    expect(windowNotes(holding, [], name)).toEqual([
      "No trade closed out of sample. The long position opened 2025-03-02 10:00 UTC was still open at the window's end: its unrealized PnL of 3.90 (at the last close, entry commission paid) is in the return, which is why it is not 0.",
    ]);
    expect(reportNote([holding])).toContain('1 window closed no trade out of sample yet returned something');
    expect(windowNotes({ ...plain, outOfSampleMetrics: { tradeCount: 0 } }, [], name)).toEqual(['No out-of-sample trade: the strategy stayed flat.']);
  });

  it('name a chosen value on the edge of its range', () => {
    expect(windowNotes(plain, [{ name: 'fast', value: 5, side: 'lowest' }], name)).toEqual(['Fast period = 5 is the lowest value tried: the best may lie outside the range.']);
  });
});
