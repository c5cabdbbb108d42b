import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../domain/engine/backtest.js';
import type { Trade } from '../../domain/engine/types.js';
import { randomWalkBars } from '../../domain/indicators/random-walk.js';
import { resampleBars } from '../../domain/market/resample.js';
import { buildTemplate, listTemplates } from '../../domain/strategy/templates.js';
import { packMarkers, packTrades, tradeNumberColumn, unpackMarkers, unpackTrades } from './fill-columns.js';

describe('fill columns (trades and markers on the worker wire and in storage)', () => {
  const minutes = randomWalkBars(20_000, 5);
  const bars = resampleBars(minutes, '1m', '5m').bars;

  for (const template of listTemplates()) {
    it(`${template.id}: unpack(pack(x)) has the same values bit for bit and the same key order`, () => {
      const r = runBacktest({ spec: { ...buildTemplate(template.id), direction: 'both' }, instrument: { priceTick: 0.01, quantityStep: 0.01 }, timeframe: '5m', bars, magnifierBars: minutes });
      expect(r.trades.length + r.markers.length).toBeGreaterThan(0);
      const trades = unpackTrades(packTrades(r.trades));
      const markers = unpackMarkers(packMarkers(r.markers));
      expect(JSON.stringify(trades)).toBe(JSON.stringify(r.trades));
      expect(JSON.stringify(markers)).toBe(JSON.stringify(r.markers));
      // Object.is on every value: -0 and NaN survive too.
      r.trades.forEach((t, i) => {
        for (const [k, v] of Object.entries(t)) expect(Object.is(Object.getOwnPropertyDescriptor(trades[i], k)?.value, v)).toBe(true);
      });
      r.markers.forEach((m, i) => {
        for (const [k, v] of Object.entries(m)) expect(Object.is(Object.getOwnPropertyDescriptor(markers[i], k)?.value, v)).toBe(true);
      });
    });
  }

  it('keeps -0 and NaN, gives one numeric field as a column, and rejects an unknown code', () => {
    const t: Trade = { side: 'short', entryTs: -0, exitTs: 1, entryBar: 0, exitBar: 1, entryPrice: Number.NaN, exitPrice: 2, quantity: 3, pnl: -0, returnPct: 0, fees: 0, barsHeld: 1, exitReason: 'timeExit' };
    const packed = packTrades([t, { ...t, pnl: 7 }]);
    const back = unpackTrades(packed)[0]!;
    expect(Object.is(back.entryTs, -0)).toBe(true);
    expect(Number.isNaN(back.entryPrice)).toBe(true);
    expect(back.exitReason).toBe('timeExit');
    expect(Array.from(tradeNumberColumn(packed, 'pnl'))).toEqual([-0, 7]);
    expect(() => packTrades([{ ...t, exitReason: 'nope' as Trade['exitReason'] }])).toThrow(/exitReason "nope"/);
    expect(() => unpackTrades({ ...packed, codes: Uint8Array.of(0, 0, 9, 9) })).toThrow(/Unknown exitReason code 9/);
  });
});
