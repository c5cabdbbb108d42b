import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../domain/engine/backtest.js';
import { randomWalkBars } from '../../domain/indicators/random-walk.js';
import { resampleBars } from '../../domain/market/resample.js';
import { buildTemplate, listTemplates } from '../../domain/strategy/templates.js';
import { packFills, unpackFills } from './fill-columns.js';

describe('fill columns (trades and markers on the worker wire)', () => {
  const minutes = randomWalkBars(20_000, 5);
  const bars = resampleBars(minutes, '1m', '5m').bars;

  for (const template of listTemplates()) {
    it(`${template.id}: unpack(pack(x)) has the same values bit for bit and the same key order`, () => {
      const r = runBacktest({ spec: { ...buildTemplate(template.id), direction: 'both' }, instrument: { priceTick: 0.01, quantityStep: 0.01 }, timeframe: '5m', bars, magnifierBars: minutes });
      expect(r.trades.length + r.markers.length).toBeGreaterThan(0);
      const back = unpackFills(packFills(r.trades, r.markers));
      expect(JSON.stringify(back.trades)).toBe(JSON.stringify(r.trades));
      expect(JSON.stringify(back.markers)).toBe(JSON.stringify(r.markers));
      // Object.is on every value: -0 and NaN survive too.
      r.trades.forEach((t, i) => {
        for (const [k, v] of Object.entries(t)) expect(Object.is((back.trades[i] as unknown as Record<string, unknown>)[k], v)).toBe(true);
      });
      r.markers.forEach((m, i) => {
        for (const [k, v] of Object.entries(m)) expect(Object.is((back.markers[i] as unknown as Record<string, unknown>)[k], v)).toBe(true);
      });
    });
  }

  it('keeps -0 and NaN, and rejects an unknown code', () => {
    const t = { side: 'short', entryTs: -0, exitTs: 1, entryBar: 0, exitBar: 1, entryPrice: Number.NaN, exitPrice: 2, quantity: 3, pnl: -0, returnPct: 0, fees: 0, barsHeld: 1, exitReason: 'timeExit' } as const;
    const back = unpackFills(packFills([t], [])).trades[0]!;
    expect(Object.is(back.entryTs, -0)).toBe(true);
    expect(Number.isNaN(back.entryPrice)).toBe(true);
    expect(back.exitReason).toBe('timeExit');
    expect(() => packFills([{ ...t, exitReason: 'nope' as never }], [])).toThrow();
  });
});
