// Portfolio runs end to end over the handler table: a real SQLite file, the demo basket
// (ten correlated hourly instruments tagged demo-basket) and the 1-minute demo coins, and
// real backtest workers streaming the bars window by window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPortfolioBacktest } from '../../domain/engine/portfolio.js';
import { concatBars } from '../../domain/market/bars.js';
import { resampleBars } from '../../domain/market/resample.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { all, specOf, trig, v } from '../../domain/test-kit/specs.js';
import type { BacktestJobResult } from './contract.js';
import type { HandlerName } from '../contract/handlers.js';
import { seedDemoData } from '../data/seed-demo.js';
import { openHandlerHarness, type HandlerHarness } from '../test-kit/handler-harness.js';
import { callHandler, refusedBy } from '../test-kit/dispatch.js';

let harness: HandlerHarness;

const call = <N extends HandlerName>(name: N, args?: unknown) => callHandler(harness.dispatcher, name, args);

const fail = (name: HandlerName, args?: unknown) => refusedBy(harness.dispatcher, name, args);

/** Runs a saved strategy and waits for its run. */
async function run(strategyId: string, target: Record<string, unknown>): Promise<BacktestJobResult> {
  const { jobId } = await call('backtest/start', { strategyId, ...target });
  const job = await harness.jobs.whenFinished(jobId);
  if (job.status !== 'done') throw new Error(`run ${job.status}: ${JSON.stringify(job.error)}`);
  return job.result as BacktestJobResult;
}

/** More minutes than one window of the store's portfolio feed holds (32,768): the runs read several. */
const MINUTES = 40_000;
const rotation: StrategySpec = specOf({
  name: 'Momentum rotation',
  entry: { long: all(trig(v('close'), '>', v('sma', { period: 50 }))) },
  exit: { long: all(trig(v('close'), '<', v('sma', { period: 100 }))) },
  sizing: { kind: 'equalWeight' },
  costs: { commissionPct: 0.05, commissionFixed: 0, slippageBps: 2 },
  initialCash: 100_000,
  portfolio: { maxPositions: 3, ranking: { by: v('roc', { period: 48 }), order: 'desc' }, rotation: { every: { kind: 'calendar', period: 'week' }, top: 3 } },
});

beforeAll(async () => {
  harness = await openHandlerHarness({ prefix: 'bws-portfolio-' });
  seedDemoData(harness.storage.barStore, MINUTES);
});

afterAll(async () => {
  await harness.close();
});

describe('portfolio runs through the handlers', () => {
  it('runs a rotation over every instrument tagged demo-basket and answers per-instrument results', async () => {
    const series = await call('data/listSeries');
    const basket = series.filter((s) => s.tags.includes('demo-basket'));
    expect(basket.map((s) => s.instrument.symbol)).toHaveLength(10);
    const { id } = await call('strategies/create', { spec: rotation });
    const done = await run(id, { universe: { tag: 'demo-basket' }, timeframe: '1h', fromTs: Date.UTC(2024, 3, 1) });
    const info = await call('runs/get', { id: done.runId });
    expect(info.universe).toMatchObject({ tag: 'demo-basket', symbols: basket.map((s) => s.instrument.symbol) });
    expect(info.symbol).toBe('DEMO-ALFA');
    // DEMO-JULIET lists on the range's first day: it has no bars before it to warm up on.
    expect(done.warmUp).toEqual({ bars: 0, needed: 99 });

    const instruments = await call('runs/instruments', { id: done.runId, maxPoints: 500 });
    expect(instruments.figures.map((f) => f.symbol)).toEqual(info.universe!.symbols);
    const traded = instruments.figures.filter((f) => f.tradeCount > 0);
    expect(traded.length).toBeGreaterThan(3);
    expect(instruments.figures.reduce((sum, f) => sum + f.tradeCount, 0)).toBe(info.tradeCount);
    expect(instruments.figures.reduce((sum, f) => sum + f.contributionPct, 0)).toBeCloseTo(info.metrics.totalReturnPct, 6);
    expect(instruments.curves.pnl).toHaveLength(10);
    expect(instruments.curves.ts.length).toBeLessThanOrEqual(500);
    expect(Math.max(...instruments.positions.count)).toBe(3);
    expect(instruments.positions.ts.length).toBeLessThanOrEqual(500);

    // Monte Carlo resamples the portfolio's closed trades, all instruments' together.
    const mc = await call('montecarlo/run', { runId: done.runId, simulations: 200, seed: 1 });
    expect(mc.trades).toBe(info.tradeCount);
    expect(mc.original.finalEquity).toBeCloseTo(rotation.initialCash + instruments.figures.reduce((sum, f) => sum + f.realizedPnl, 0), 4);
    expect(mc.finalEquity.histogram.counts.reduce((a, b) => a + b, 0)).toBe(200);

    // The trades table: every row names its instrument, and filters by one.
    const page = await call('runs/trades', { id: done.runId, limit: 1000 });
    expect(page.items.every((t) => info.universe!.symbols.includes(t.symbol!))).toBe(true);
    expect(page.items.some((t) => t.exitReason === 'rotation')).toBe(true);
    const one = traded[0]!;
    const filtered = await call('runs/trades', { id: done.runId, symbol: one.symbol, sort: 'pnl', order: 'desc' });
    expect(filtered.total).toBe(one.tradeCount);
    expect(filtered.items.every((t) => t.symbol === one.symbol)).toBe(true);
    expect(filtered.items.map((t) => t.pnl)).toEqual([...filtered.items.map((t) => t.pnl)].sort((a, b) => b - a));
    const markers = await call('runs/markers', { id: done.runId, symbol: one.symbol });
    expect(markers.total).toBeGreaterThanOrEqual(one.tradeCount);

    // Bad input says what and where.
    expect(await fail('runs/trades', { id: done.runId, symbol: 'DEMO-BTC' })).toMatchObject({ type: 'ValidationError', message: "DEMO-BTC is not in this run's universe" });

    // A rerun is the same run, bit for bit (its hash too).
    const again = await run(id, { universe: { tag: 'demo-basket' }, timeframe: '1h', fromTs: Date.UTC(2024, 3, 1) });
    const second = await call('runs/get', { id: again.runId });
    expect(again.hash).toBe(done.hash);
    expect(second.metrics).toEqual(info.metrics);
    // Listed the same order or another: the same universe, the same run.
    const listed = await run(id, { universe: { symbols: [...info.universe!.symbols].reverse() }, timeframe: '1h', fromTs: Date.UTC(2024, 3, 1) });
    expect(listed.hash).toBe(done.hash);
  });

  it('streams long runs window by window with the same results as whole arrays (resampled, magnifier, warm-up)', async () => {
    const spec = specOf({
      name: 'Coins',
      direction: 'both',
      entry: { long: all(trig(v('sma', { period: 10 }), 'crossesAbove', v('sma', { period: 40 }))), short: all(trig(v('sma', { period: 10 }), 'crossesBelow', v('sma', { period: 40 }))) },
      management: { stopLoss: { kind: 'percent', value: 0.6 } },
      sizing: { kind: 'percentEquity', percent: 45 },
      costs: { commissionPct: 0.04, commissionFixed: 0, slippageBps: 1 },
      initialCash: 50_000,
      portfolio: { maxPositions: 2, ranking: { by: v('rsi', { period: 14 }), order: 'asc' } },
    });
    const { id } = await call('strategies/create', { spec });
    const symbols = ['DEMO-BTC', 'DEMO-ETH', 'DEMO-SOL'];
    const fromTs = Date.UTC(2025, 0, 2);
    const done = await run(id, { universe: { symbols }, timeframe: '5m', fromTs });
    const info = await call('runs/get', { id: done.runId });
    expect(info.extras).toMatchObject({ barsOrigin: 'resampled', magnifierUsed: true });

    // The same run on whole arrays read from the store, in this thread.
    const store = harness.storage.barStore;
    const whole = symbols.map((symbol) => store.readBars(store.findInstrument(symbol)!.id, '1m'));
    const bars = whole.map((m) => resampleBars(m, '1m', '5m').bars);
    const warmUps = bars.map((b) => b.ts.findIndex((t) => t >= fromTs));
    const starts = warmUps.map((w) => Math.max(0, w - done.warmUp.needed));
    const expected = runPortfolioBacktest({
      spec: { ...spec, name: 'Coins' },
      timeframe: '5m',
      magnifier: true,
      members: symbols.map((symbol, k) => ({ symbol, instrument: { priceTick: store.findInstrument(symbol)!.priceTick, quantityStep: store.findInstrument(symbol)!.quantityStep }, warmUpBars: warmUps[k]! - starts[k]! })),
      bars: bars.map((b, k) => concatBars([{ ts: b.ts.subarray(starts[k]!), open: b.open.subarray(starts[k]!), high: b.high.subarray(starts[k]!), low: b.low.subarray(starts[k]!), close: b.close.subarray(starts[k]!), volume: b.volume.subarray(starts[k]!) }])),
      magnifierBars: whole.map((m) => ({ ts: m.ts.filter((t) => t >= fromTs), open: m.open.filter((_, i) => m.ts[i]! >= fromTs), high: m.high.filter((_, i) => m.ts[i]! >= fromTs), low: m.low.filter((_, i) => m.ts[i]! >= fromTs), close: m.close.filter((_, i) => m.ts[i]! >= fromTs), volume: m.volume.filter((_, i) => m.ts[i]! >= fromTs) })),
    });
    expect(info.metrics).toEqual(expected.metrics);
    expect(info.tradeCount).toBe(expected.trades.length);
    const trades = await call('runs/trades', { id: done.runId, limit: 1000 });
    // The engine lists trades as they close; the table's default order is by entry time (ties in trade order).
    const byEntry = expected.trades.map((t, i) => ({ symbol: expected.symbols[expected.tradeInstruments[i]!], ...t })).sort((a, b) => a.entryTs - b.entryTs);
    expect(trades.items.map(({ index: _i, symbol, ...t }) => ({ symbol, ...t }))).toEqual(byEntry.slice(0, 1000));
  });

  it('refuses a universe it cannot run, saying why, and saves nothing', async () => {
    const { id } = await call('strategies/create', { spec: rotation });
    const before = (await call('runs/list')).total;
    expect(await fail('backtest/start', { strategyId: id, universe: { tag: 'no-such-tag' }, timeframe: '1h' })).toMatchObject({
      type: 'NotFoundError',
      message: 'No instrument has the tag "no-such-tag"',
    });
    expect(await fail('backtest/start', { strategyId: id, universe: { symbols: ['DEMO-ALFA', 'NOPE'] }, timeframe: '1h' })).toMatchObject({
      type: 'NotFoundError',
      message: 'No instrument "NOPE"; import its bars first',
    });
    expect(await fail('backtest/start', { strategyId: id, symbol: 'DEMO-ALFA', universe: { tag: 'demo-basket' }, timeframe: '1h' })).toMatchObject({
      type: 'ValidationError',
      message: 'Name one instrument or a universe, not both',
    });
    expect(await fail('backtest/start', { strategyId: id, universe: { symbols: ['DEMO-ALFA', 'DEMO-ALFA'] }, timeframe: '1h' })).toMatchObject({ type: 'ValidationError', message: 'DEMO-ALFA is in the universe twice' });
    expect(await fail('backtest/start', { strategyId: id, timeframe: '1h' })).toMatchObject({ type: 'ValidationError', message: 'Name the instrument to run on (or a universe of instruments)' });
    expect((await call('runs/list')).total).toBe(before);
    const single = await run(id, { symbol: 'DEMO-ALFA', timeframe: '1h' });
    expect(await fail('runs/instruments', { id: single.runId })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/trades one instrument/) });
    expect(await fail('runs/trades', { id: single.runId, symbol: 'DEMO-ALFA' })).toMatchObject({ type: 'ValidationError' });
  });

  it('tags instruments, and a tag names the universe', async () => {
    expect(await call('data/setTags', { symbol: 'DEMO-BTC', tags: ['demo', 'Majors', 'majors'] })).toEqual({ symbol: 'DEMO-BTC', tags: ['demo', 'Majors'] });
    await call('data/setTags', { symbol: 'DEMO-ETH', tags: ['majors'] });
    expect(harness.storage.barStore.instrumentsTagged('MAJORS').map((i) => i.symbol)).toEqual(['DEMO-BTC', 'DEMO-ETH']);
    expect(await fail('data/setTags', { symbol: 'DEMO-BTC', tags: ['bad tag'] })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/tags\.0: a tag is 1-64 letters/) });
    expect(await fail('data/setTags', { symbol: 'NOPE', tags: [] })).toMatchObject({ type: 'NotFoundError' });
    expect((await call('data/listSeries')).find((s) => s.instrument.symbol === 'DEMO-BTC')!.tags).toEqual(['demo', 'Majors']);
  });
});
