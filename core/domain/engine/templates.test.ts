import { describe, expect, it } from 'vitest';
import { randomWalkBars } from '../indicators/random-walk.js';
import { resampleBars } from '../market/resample.js';
import { buildTemplate, listTemplates } from '../strategy/templates.js';
import { runBacktest } from './backtest.js';

describe('built-in templates run on the engine', () => {
  const minutes = randomWalkBars(30_000, 21);
  const bars = resampleBars(minutes, '1m', '15m').bars;

  for (const template of listTemplates()) {
    it(`${template.id}: trades, and closed + open PnL = final - initial equity`, () => {
      const spec = buildTemplate(template.id);
      const r = runBacktest({ spec, instrument: { priceTick: 0.01, quantityStep: 0.01 }, timeframe: '15m', bars, magnifierBars: minutes });
      expect(r.barsProcessed).toBe(bars.ts.length);
      expect(r.markers.length).toBeGreaterThan(0);
      const closed = r.trades.reduce((s, t) => s + t.pnl, 0);
      expect(closed + (r.openPosition?.unrealizedPnl ?? 0)).toBeCloseTo(r.metrics.finalEquity - spec.initialCash, 6);
      expect(JSON.parse(JSON.stringify(r.metrics))).toEqual(r.metrics);
    });
  }

  it('SMA cross with fast/slow from the template matches the hand-built spec', () => {
    const spec = buildTemplate('sma-cross', { fast: 5, slow: 20 });
    const r = runBacktest({ spec, instrument: { priceTick: 0.01, quantityStep: 0.01 }, timeframe: '15m', bars });
    expect(r.metrics.tradeCount).toBeGreaterThan(5);
  });
});
