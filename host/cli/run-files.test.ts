import { describe, expect, it } from 'vitest';
import type { Trade } from '../../core/domain/engine/types.js';
import { equityCsv, tradesCsv } from './run-files.js';

describe('run files', () => {
  it('writes trades and equity without float noise', () => {
    const trade: Trade = {
      side: 'long',
      entryTs: Date.UTC(2024, 0, 2),
      exitTs: Date.UTC(2024, 0, 3),
      entryBar: 1,
      exitBar: 2,
      entryPrice: 1.08977,
      exitPrice: 1.09012,
      quantity: 9176,
      pnl: 368.8799999999987,
      returnPct: 0.1 + 0.2,
      fees: 19.999999999999996,
      barsHeld: 1,
      exitReason: 'signal',
    };
    const lines = tradesCsv([trade]).trim().split('\n');
    // The app's Trades CSV columns (after its row number): each time beside its price.
    expect(lines[0]).toBe('side,entry_time,entry_price,exit_time,exit_price,quantity,pnl,return_pct,fees,bars_held,exit_reason');
    expect(lines[1]).toBe('long,2024-01-02T00:00:00.000Z,1.08977,2024-01-03T00:00:00.000Z,1.09012,9176,368.88,0.3,20,1,signal');
    expect(equityCsv([0, 1], [10_000, 10_000.1 + 0.2])).toBe('time,equity,drawdown_pct\n1970-01-01T00:00:00.000Z,10000,0\n1970-01-01T00:00:00.001Z,10000.3,0\n');
  });
});
