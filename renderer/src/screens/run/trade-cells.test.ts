import { describe, expect, it } from 'vitest';
import type { TradeRow } from '../../api/contract.js';
import { tradeCells } from './trade-cells.js';

const trade: TradeRow = { index: 0, side: 'long', entryTs: Date.UTC(2024, 0, 2), entryPrice: 100, exitTs: Date.UTC(2024, 0, 3), exitPrice: 110, quantity: 2, pnl: 20, returnPct: 10, fees: 0.4, barsHeld: 3, entryBar: 1, exitBar: 4, exitReason: 'trailingStop' };

describe('trade cells', () => {
  it('say why a trade closed in words, not the engine code name', () => {
    expect(tradeCells(trade).exitReason).toBe('trailing stop');
    expect(tradeCells({ ...trade, exitReason: 'takeProfit' }).exitReason).toBe('take-profit');
    expect(tradeCells({ ...trade, exitReason: 'signal' }).exitReason).toBe('exit signal');
  });
});
