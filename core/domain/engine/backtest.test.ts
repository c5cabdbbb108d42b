import { describe, expect, it } from 'vitest';
import { all, not, specOf, trig, v } from '../test-kit/specs.js';
import { backtest, MINUTE, ohlc, T0 } from '../test-kit/engine.js';

const close = v('close');
const longAbove = (level: number) => ({ entry: { long: all(trig(close, '>=', level)) } });

describe('fills at the next open', () => {
  // Signal at bar 1's close (105 > 104) -> buy at bar 2's open; exit signal at bar 3 -> sell at bar 4's open.
  const bars = ohlc([
    [100, 101, 99, 100],
    [100, 106, 99, 105],
    [106, 108, 105, 107],
    [107, 107, 101, 102],
    [101, 102, 100, 101],
  ]);
  const spec = specOf({
    entry: { long: all(trig(close, '>', 104)) },
    exit: { long: all(trig(close, '<', 103)) },
    sizing: { kind: 'fixedQuantity', quantity: 10 },
    costs: { commissionPct: 0.1, commissionFixed: 1, slippageBps: 10 },
  });
  const result = backtest(spec, bars);

  it('buys at the next open plus slippage (rounded up to the tick) and sells at the next open minus slippage', () => {
    expect(result.trades).toHaveLength(1);
    const t = result.trades[0]!;
    // 106 x 1.001 = 106.106 -> 106.11; 101 x 0.999 = 100.899 -> 100.89.
    expect(t.entryPrice).toBe(106.11);
    expect(t.exitPrice).toBe(100.89);
    expect(t.entryTs).toBe(T0 + 2 * MINUTE);
    expect(t.exitTs).toBe(T0 + 4 * MINUTE);
    expect(t.barsHeld).toBe(2);
    expect(t.exitReason).toBe('signal');
  });

  it('charges percent + fixed commission on entry and on exit', () => {
    const t = result.trades[0]!;
    // entry 10 x 106.11 x 0.1 % + 1 = 2.0611; exit 10 x 100.89 x 0.1 % + 1 = 2.0089.
    expect(t.fees).toBeCloseTo(4.07, 10);
    expect(t.pnl).toBeCloseTo(-52.2 - 4.07, 10);
    expect(t.returnPct).toBeCloseTo((-56.27 / 1061.1) * 100, 10);
    expect(result.metrics.totalFees).toBeCloseTo(4.07, 10);
  });

  it('marks equity at each close', () => {
    expect(result.equity[0]).toBe(10_000);
    expect(result.equity[1]).toBe(10_000);
    expect(result.equity[2]).toBeCloseTo(10_000 - 1061.1 - 2.0611 + 1070, 9);
    expect(result.equity[4]).toBeCloseTo(9943.73, 9);
    expect(result.metrics.finalEquity).toBeCloseTo(9943.73, 9);
    expect(result.openPosition).toBeNull();
    expect(result.markers.map((m) => [m.bar, m.kind])).toEqual([
      [2, 'entryLong'],
      [4, 'exitLong'],
    ]);
  });
});

describe('shorts', () => {
  it('holds the short proceeds in cash and pays commission both ways', () => {
    const bars = ohlc([
      [100, 100, 95, 95],
      [95, 96, 94, 95],
      [90, 91, 89, 90],
    ]);
    const spec = specOf({
      direction: 'short',
      entry: { short: all(trig(close, '<', 96)) },
      exit: { short: all(trig(close, '<', 94)) },
      sizing: { kind: 'fixedQuantity', quantity: 10 },
      costs: { commissionPct: 0.1, commissionFixed: 0, slippageBps: 0 },
    });
    const r = backtest(spec, bars);
    // Short 10 at 95 (bar 1): cash 10,000 + 950 - 0.95; marked at 95: equity 9,999.05.
    expect(r.equity[1]).toBeCloseTo(9999.05, 9);
    // Bar 2 closes at 90: equity = 10,949.05 - 900.
    expect(r.equity[2]).toBeCloseTo(10049.05, 9);
    expect(r.openPosition).toMatchObject({ side: 'short', quantity: 10, entryPrice: 95, markPrice: 90 });
    expect(r.openPosition!.unrealizedPnl).toBeCloseTo(50 - 0.95, 9);
  });
});

describe('stops and targets inside the bar', () => {
  const stop5 = { stopLoss: { kind: 'percent', value: 5 } } as const;

  it('fills a gap through the stop at the open', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 101, 99, 100.5],
      [93, 94, 92, 93.5],
    ]);
    const r = backtest(specOf({ ...longAbove(100), management: stop5 }), bars);
    expect(r.trades[0]).toMatchObject({ exitPrice: 93, exitReason: 'stopLoss', exitBar: 2, barsHeld: 2 });
  });

  it('fills at the stop level when the low reaches it', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 101, 94, 99],
    ]);
    const r = backtest(specOf({ ...longAbove(100), management: stop5 }), bars);
    expect(r.trades[0]).toMatchObject({ exitPrice: 95, exitReason: 'stopLoss', exitBar: 1, barsHeld: 1 });
  });

  it('a touch exactly at a level fills it (the low at the stop, the high at the target; shorts mirrored)', () => {
    const touch = (rows: [number, number, number, number][], spec: ReturnType<typeof specOf>) => backtest(spec, ohlc(rows)).trades[0];
    const long = specOf({ ...longAbove(100), management: { ...stop5, takeProfit: { kind: 'percent', value: 5 } } });
    expect(touch([[100, 100, 100, 100], [100, 101, 95, 99]], long)).toMatchObject({ exitPrice: 95, exitReason: 'stopLoss' });
    expect(touch([[100, 100, 100, 100], [100, 105, 99, 101]], long)).toMatchObject({ exitPrice: 105, exitReason: 'takeProfit' });
    const short = specOf({ direction: 'short', entry: { short: all(trig(close, '<=', 100)) }, management: { ...stop5, takeProfit: { kind: 'percent', value: 5 } } });
    expect(touch([[100, 100, 100, 100], [100, 105, 99, 101]], short)).toMatchObject({ exitPrice: 105, exitReason: 'stopLoss' });
    expect(touch([[100, 100, 100, 100], [100, 101, 95, 99]], short)).toMatchObject({ exitPrice: 95, exitReason: 'takeProfit' });
  });

  it('takes the stop first when one bar touches both stop and target', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 106, 94, 100],
    ]);
    const r = backtest(specOf({ ...longAbove(100), management: { ...stop5, takeProfit: { kind: 'percent', value: 5 } } }), bars);
    expect(r.trades[0]).toMatchObject({ exitPrice: 95, exitReason: 'stopLoss' });
  });

  it('uses ATR multiples read at the signal bar', () => {
    // True range is 2 on every bar: ATR(2) = 2 from bar 1; stop = 100 - 1.5 x 2 = 97.
    const bars = ohlc([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 100.5, 96.5, 97],
    ]);
    const spec = specOf({ entry: { long: all(trig(close, '>=', 100)) }, management: { stopLoss: { kind: 'atr', multiple: 1.5, period: 2 } } });
    const r = backtest(spec, bars);
    expect(r.trades[0]).toMatchObject({ exitPrice: 97, exitReason: 'stopLoss', exitBar: 3 });
  });

  describe('bar magnifier', () => {
    const FIVE = 5 * MINUTE;
    const base = ohlc(
      [
        [100, 100, 100, 100],
        [100, 106, 94, 100],
      ],
      FIVE,
    );
    const spec = specOf({ ...longAbove(100), management: { ...stop5, takeProfit: { kind: 'percent', value: 5 } } });
    const minutes = (rows: [number, number, number, number][]) => ohlc(rows, MINUTE, T0 + FIVE);

    it('resolves stop vs target on the 1-minute path: target first here', () => {
      const path = minutes([
        [100, 106, 100, 105],
        [105, 105, 94, 96],
        [96, 99, 95, 98],
        [98, 100, 97, 99],
        [99, 100, 98, 100],
      ]);
      const r = backtest(spec, base, { timeframe: '5m', magnifierBars: path });
      expect(r.trades[0]).toMatchObject({ exitPrice: 105, exitReason: 'takeProfit', exitTs: T0 + FIVE, exitBar: 1 });
      const off = backtest(spec, base, { timeframe: '5m', magnifierBars: path, magnifier: false });
      expect(off.trades[0]).toMatchObject({ exitPrice: 95, exitReason: 'stopLoss' });
    });

    it('finds the stop first when the path says so, and at its minute', () => {
      const path = minutes([
        [100, 101, 99, 100],
        [100, 101, 94, 95],
        [95, 106, 95, 105],
        [105, 105, 100, 101],
        [101, 101, 99, 100],
      ]);
      const r = backtest(spec, base, { timeframe: '5m', magnifierBars: path });
      expect(r.trades[0]).toMatchObject({ exitPrice: 95, exitReason: 'stopLoss', exitTs: T0 + FIVE + MINUTE });
    });

    it('still takes the adverse level first inside one 1-minute bar', () => {
      const path = minutes([
        [100, 106, 94, 100],
        [100, 101, 99, 100],
        [100, 101, 99, 100],
        [100, 101, 99, 100],
        [100, 101, 99, 100],
      ]);
      const r = backtest(spec, base, { timeframe: '5m', magnifierBars: path });
      expect(r.trades[0]).toMatchObject({ exitPrice: 95, exitReason: 'stopLoss' });
    });
  });

  it('starts the trailing stop at its activation level and trails the extreme of completed bars', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 103, 97, 102], // trail not active (extreme 103 < 105): the low of 97 does nothing
      [102, 106, 101, 105], // active after this bar: extreme 106, trail 106 - 2 = 104
      [105, 105.5, 103.5, 104.5],
    ]);
    const r = backtest(specOf({ ...longAbove(100), management: { trailingStop: { distance: { kind: 'percent', value: 2 }, activationPct: 5 } } }), bars);
    expect(r.trades[0]).toMatchObject({ exitPrice: 104, exitReason: 'trailingStop', exitBar: 3, barsHeld: 3 });
  });
});

describe('rules decided at the close', () => {
  it('reverses at the same open on an opposite signal with direction both', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 105, 100, 105],
      [105, 106, 104, 105],
      [105, 105, 95, 95],
      [94, 95, 93, 94],
    ]);
    const spec = specOf({
      direction: 'both',
      entry: { long: all(trig(close, '>', 104)), short: all(trig(close, '<', 96)) },
    });
    const r = backtest(spec, bars);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ side: 'long', entryPrice: 105, exitPrice: 94, pnl: -11, exitReason: 'reversal', exitBar: 4 });
    expect(r.markers.map((m) => [m.bar, m.kind])).toEqual([
      [2, 'entryLong'],
      [4, 'exitLong'],
      [4, 'entryShort'],
    ]);
    expect(r.openPosition).toMatchObject({ side: 'short', entryPrice: 94, quantity: 1, entryBar: 4 });
    expect(r.metrics.finalEquity).toBe(9989);
  });

  it('exits after N bars in the trade', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [101, 101, 98, 99],
    ]);
    const r = backtest(specOf({ ...longAbove(100), management: { timeExitBars: 3 } }), bars);
    expect(r.trades[0]).toMatchObject({ exitReason: 'timeExit', entryBar: 1, exitBar: 4, barsHeld: 3, exitPrice: 101 });
  });

  it('adds to the position only after the spacing move, at most maxAdds times', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [101, 102, 101, 102], // entry at 101; +0.99 % at the close: no add
      [102, 104, 102, 103.1], // +2.08 %: add at the next open
      [103, 106, 103, 106], // add at 103; maxAdds reached
      [106, 110, 106, 110],
    ]);
    const r = backtest(specOf({ ...longAbove(100), management: { pyramiding: { maxAdds: 1, spacingPct: 2 } } }), bars);
    expect(r.markers.map((m) => [m.bar, m.kind, m.price])).toEqual([
      [1, 'entryLong', 101],
      [3, 'addLong', 103],
    ]);
    expect(r.openPosition).toMatchObject({ quantity: 2, entryPrice: 102 });
    expect(r.metrics.finalEquity).toBe(10_016);
  });

  it('takes a fraction off once the profit threshold is reached, once', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 106, 100, 105.5],
      [106, 107, 105, 106],
      [106, 108, 105, 107],
    ]);
    const spec = specOf({ ...longAbove(100), sizing: { kind: 'fixedQuantity', quantity: 10 }, management: { partialExit: { atProfitPct: 5, fraction: 0.5 } } });
    const r = backtest(spec, bars);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ quantity: 5, exitPrice: 106, pnl: 30, exitReason: 'partialExit', exitBar: 3, barsHeld: 2 });
    expect(r.openPosition).toMatchObject({ quantity: 5 });
    expect(r.metrics.finalEquity).toBe(10_000 + 30 + 5 * 7);
  });

  describe('priority', () => {
    it('an intrabar stop comes before the exit signal of the same bar', () => {
      const bars = ohlc([
        [100, 100, 100, 100],
        [100, 100, 94, 95],
        [95, 96, 94, 95],
      ]);
      const spec = specOf({ ...longAbove(100), exit: { long: all(trig(close, '<', 99)) }, management: { stopLoss: { kind: 'percent', value: 5 } } });
      const r = backtest(spec, bars);
      expect(r.trades.map((t) => t.exitReason)).toEqual(['stopLoss']);
    });

    it('an exit signal beats a time exit, a partial exit and an add on the same close', () => {
      const bars = ohlc([
        [100, 100, 100, 100],
        [100, 110, 100, 110], // exit signal (close > 108), time exit (1 bar), partial (+10 %), add (+10 %)
        [110, 111, 109, 110],
      ]);
      const spec = specOf({
        entry: { long: all(trig(close, '>=', 100)) },
        exit: { long: all(trig(close, '>', 108)) },
        management: { timeExitBars: 1, partialExit: { atProfitPct: 5, fraction: 0.5 }, pyramiding: { maxAdds: 3, spacingPct: 1 } },
      });
      const r = backtest(spec, bars);
      expect(r.trades.map((t) => [t.exitReason, t.quantity, t.exitBar])).toEqual([['signal', 1, 2]]);
      expect(r.markers.some((m) => m.kind === 'addLong')).toBe(false);
    });

    it('a time exit beats a partial exit and an add', () => {
      const bars = ohlc([
        [100, 100, 100, 100],
        [100, 110, 100, 110],
        [110, 111, 109, 110],
      ]);
      const spec = specOf({
        entry: { long: all(trig(close, '>=', 100)) },
        management: { timeExitBars: 1, partialExit: { atProfitPct: 5, fraction: 0.5 }, pyramiding: { maxAdds: 3, spacingPct: 1 } },
      });
      expect(backtest(spec, bars).trades.map((t) => t.exitReason)).toEqual(['timeExit']);
    });
  });
});

describe('sizing', () => {
  const bars = ohlc([
    [100, 100, 100, 100],
    [100, 101, 99, 100],
  ]);

  it('100 % of equity buys as many units as cash allows including commission, rounded down to the step', () => {
    const spec = specOf({ ...longAbove(100), sizing: { kind: 'percentEquity', percent: 100 }, costs: { commissionPct: 0.1, commissionFixed: 0, slippageBps: 0 } });
    // 10,000 / (100 x 1.001) = 99.9 -> 99 units.
    const r = backtest(spec, bars);
    expect(r.openPosition).toMatchObject({ quantity: 99 });
    expect(r.equity[1]).toBeCloseTo(10_000 - 9.9, 9);
  });

  it('rounds to a fractional step and leaves room for the fixed commission', () => {
    const spec = specOf({ ...longAbove(100), sizing: { kind: 'percentEquity', percent: 100 }, costs: { commissionPct: 0.1, commissionFixed: 5, slippageBps: 0 } });
    // (10,000 - 5) / 100.1 = 99.85 -> 99.8; cost 9,980 + 9.98 + 5 = 9,994.98 <= 10,000.
    const r = backtest(spec, bars, { instrument: { priceTick: 0.01, quantityStep: 0.1 } });
    expect(r.openPosition).toMatchObject({ quantity: 99.8 });
    expect(r.equity[1]).toBeCloseTo(10_000 - 14.98, 9);
  });

  it('fixed cash buys what the amount pays for, commission included', () => {
    const spec = specOf({ ...longAbove(100), sizing: { kind: 'fixedCash', cash: 1000 }, costs: { commissionPct: 0, commissionFixed: 1, slippageBps: 0 } });
    expect(backtest(spec, bars).openPosition).toMatchObject({ quantity: 9 });
  });
});

describe('end of data and warm-up', () => {
  it('values an open position in the equity curve without counting it as a trade', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 104, 100, 103],
      [103, 106, 102, 105],
    ]);
    const spec = specOf({ ...longAbove(100), sizing: { kind: 'fixedQuantity', quantity: 10 }, costs: { commissionPct: 0, commissionFixed: 2, slippageBps: 0 } });
    const r = backtest(spec, bars);
    expect(r.trades).toEqual([]);
    expect(r.metrics.tradeCount).toBe(0);
    expect(r.openPosition).toEqual({ side: 'long', entryTs: T0 + MINUTE, entryBar: 1, entryPrice: 100, quantity: 10, markPrice: 105, unrealizedPnl: 48, fees: 2, barsHeld: 2 });
    expect(r.metrics.finalEquity).toBe(10_048);
    expect(r.metrics.exposurePct).toBeCloseTo((2 / 3) * 100, 12);
  });

  it('gives no signal while an operand is warming up, even through not()', () => {
    const bars = ohlc(Array.from({ length: 8 }, (_, i) => [100 - i, 101 - i, 99 - i, 100 - i] as [number, number, number, number]));
    // close > SMA(5) never holds on a falling series, so not(...) would be true from bar 0 if NaN counted as false.
    const r = backtest(specOf({ entry: { long: not(trig(close, '>', v('sma', { period: 5 }))) } }), bars);
    expect(r.markers[0]).toMatchObject({ bar: 5, kind: 'entryLong' });
  });

  it('drops an order decided at the last close (there is no next open)', () => {
    const bars = ohlc([
      [99, 99, 99, 99],
      [99, 100, 99, 100],
    ]);
    const r = backtest(specOf(longAbove(100)), bars);
    expect(r.markers).toEqual([]);
    expect(r.openPosition).toBeNull();
  });
});

describe('position-state variables', () => {
  it('exits on unrealized PnL % and bars in trade computed in the loop', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 101, 99, 101],
      [101, 104, 101, 103.5], // +3.5 % -> exit at the next open
      [104, 104, 103, 103],
    ]);
    const spec = specOf({ ...longAbove(100), exit: { long: all(trig(v('unrealizedPnlPct'), '>', 3), trig(v('barsInTrade'), '>=', 2)) } });
    const r = backtest(spec, bars);
    expect(r.trades[0]).toMatchObject({ exitReason: 'signal', exitBar: 3, exitPrice: 104 });
  });
});
