import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCorrelatedBars, type CorrelatedMember } from '../demo/correlated-bars.js';
import { computeSeries } from '../indicators/compute.js';
import { sliceBars, type BarColumns } from '../market/bars.js';
import type { Direction, PortfolioRules, Sizing, StrategySpec } from '../strategy/spec.js';
import { buildTemplate, listTemplates, type TemplateBase } from '../strategy/templates.js';
import { all, specOf, trig, v } from '../test-kit/specs.js';
import { dataSets, RULES, STOPS } from '../test-kit/template-data.js';
import { runBacktest } from './backtest.js';
import { createPortfolioBacktest, runPortfolioBacktest, type PortfolioInput, type PortfolioResult } from './portfolio.js';
import { roundDownQuantity, roundToTick } from './rounding.js';
import type { BacktestInput, BacktestResult, Trade } from './types.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const INSTRUMENT = { priceTick: 0.01, quantityStep: 0.001 } as const;

// A correlated basket (one market factor) of `count` members named S00, S01, ...
function basket(count: number, bars: number, seed: number): { symbol: string; bars: BarColumns }[] {
  const members: CorrelatedMember[] = Array.from({ length: count }, (_, k) => ({
    startPrice: 20 + 15 * k,
    beta: 0.6 + 0.1 * (k % 5),
    ownVol: 0.0015 + 0.0003 * (k % 3),
    drift: ((k % 4) - 1.5) * 0.00004,
    priceTick: 0.01,
    baseVolume: 1000,
  }));
  const series = generateCorrelatedBars(members, bars, MINUTE, T0, seed, 0.002);
  return series.map((b, k) => ({ symbol: `S${String(k).padStart(2, '0')}`, bars: b }));
}

/** Drops bars of a member: about `share` of them at random (seeded), plus a late start and an early end. */
function withGaps(bars: BarColumns, seed: number, share: number, start = 0, end = bars.ts.length): BarColumns {
  let state = seed >>> 0;
  const keep: number[] = [];
  for (let i = start; i < end; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    if (state / 2 ** 32 >= share) keep.push(i);
  }
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]!);
  return { ts: pick(bars.ts), open: pick(bars.open), high: pick(bars.high), low: pick(bars.low), close: pick(bars.close), volume: pick(bars.volume) };
}

function portfolioInput(spec: StrategySpec, members: readonly { symbol: string; bars: BarColumns }[], extra: Partial<PortfolioInput> = {}): PortfolioInput {
  return {
    spec,
    timeframe: '1m',
    members: members.map((m) => ({ symbol: m.symbol, instrument: INSTRUMENT })),
    bars: members.map((m) => m.bars),
    ...extra,
  };
}

/** Close above SMA(entry period) enters, close below SMA(exit period) exits; ranked by ROC(rank period). */
function trendSpec(portfolio: PortfolioRules, sizing: Sizing, parts: Partial<StrategySpec> = {}): StrategySpec {
  return specOf({
    entry: { long: all(trig(v('close'), '>', v('sma', { period: 30 }))) },
    exit: { long: all(trig(v('close'), '<', v('sma', { period: 60 }))) },
    sizing,
    costs: { commissionPct: 0.05, commissionFixed: 0.25, slippageBps: 2 },
    initialCash: 100_000,
    portfolio,
    ...parts,
  });
}

const ROC = v('roc', { period: 20 });

/** Every output of a run, byte for byte comparable. */
function sameRun(portfolio: BacktestResult, single: BacktestResult, label: string): void {
  expect(Buffer.from(portfolio.equity.buffer, portfolio.equity.byteOffset, portfolio.equity.byteLength).equals(Buffer.from(single.equity.buffer, single.equity.byteOffset, single.equity.byteLength)), `${label}: equity bytes`).toBe(true);
  expect(Buffer.from(portfolio.drawdownPct.buffer, portfolio.drawdownPct.byteOffset, portfolio.drawdownPct.byteLength).equals(Buffer.from(single.drawdownPct.buffer, single.drawdownPct.byteOffset, single.drawdownPct.byteLength)), `${label}: drawdown bytes`).toBe(true);
  expect(JSON.stringify([portfolio.trades, portfolio.markers, portfolio.openPosition, portfolio.metrics, portfolio.barsProcessed, portfolio.warmUpBars]), label).toBe(
    JSON.stringify([single.trades, single.markers, single.openPosition, single.metrics, single.barsProcessed, single.warmUpBars]),
  );
}

function asPortfolio(input: BacktestInput, symbol = 'ONE'): PortfolioInput {
  return {
    spec: input.spec,
    timeframe: input.timeframe,
    members: [{ symbol, instrument: input.instrument, ...(input.warmUpBars ? { warmUpBars: input.warmUpBars } : {}) }],
    bars: [input.bars],
    ...(input.magnifierBars ? { magnifierBars: [input.magnifierBars] } : {}),
  };
}

describe('a one-instrument portfolio is the single-instrument run, exactly', () => {
  const variants: [string, Direction, TemplateBase][] = [
    ['long', 'long', {}],
    ['short', 'short', {}],
    ['both', 'both', {}],
    ['both+stops', 'both', STOPS],
    ['both+rules', 'both', RULES],
  ];
  for (const data of dataSets()) {
    it(`every template, direction and management on ${data.name} (magnifier and warm-up as the data set has them)`, () => {
      for (const template of listTemplates()) {
        for (const [name, direction, base] of variants) {
          // With portfolio rules (slots, a ranking) and without: one instrument has every slot to itself.
          for (const portfolio of [undefined, { maxPositions: 3, ranking: { by: ROC, order: 'desc' } } satisfies PortfolioRules]) {
            const spec = { ...buildTemplate(template.id, {}, { ...base, direction }), ...(portfolio ? { portfolio } : {}) };
            const input: BacktestInput = {
              spec,
              instrument: data.instrument,
              timeframe: data.timeframe,
              bars: data.bars,
              ...(data.magnifierBars ? { magnifierBars: data.magnifierBars } : {}),
              ...(data.warmUpBars ? { warmUpBars: data.warmUpBars } : {}),
            };
            sameRun(runPortfolioBacktest(asPortfolio(input)), runBacktest(input), `${data.name} ${template.id} ${name}${portfolio ? ' with rules' : ''}`);
          }
        }
      }
    });
  }

  it('whatever the windows the bars arrive in, and with every sizing', () => {
    const bars = basket(1, 3000, 7)[0]!.bars;
    const sizings: Sizing[] = [{ kind: 'percentEquity', percent: 60 }, { kind: 'equalWeight' }, { kind: 'fixedCash', cash: 30_000 }, { kind: 'fixedQuantity', quantity: 100 }];
    fc.assert(
      fc.property(fc.constantFrom(...sizings), fc.array(fc.integer({ min: 1, max: 2999 }), { maxLength: 6 }), fc.integer({ min: 0, max: 300 }), (sizing, cuts, warmUp) => {
        const spec: StrategySpec = { ...buildTemplate('sma-cross', { fast: 8, slow: 30 }, { sizing, direction: 'both', ...STOPS }), portfolio: { maxPositions: 2 } };
        const single = runBacktest({ spec, instrument: INSTRUMENT, timeframe: '1m', bars, warmUpBars: warmUp });
        const session = createPortfolioBacktest({ spec, timeframe: '1m', members: [{ symbol: 'X', instrument: INSTRUMENT, warmUpBars: warmUp }] });
        const edges = [...new Set([0, ...cuts, 3000])].sort((a, b) => a - b);
        for (let k = 1; k < edges.length; k++) session.onWindow([sliceBars(bars, edges[k - 1]!, edges[k]!)]);
        sameRun(session.finish(), single, `cuts ${edges.join(',')}`);
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * Replays a portfolio run from its fill log and its members' closes, independently of
 * the engine: cash from each fill, positions from each fill, equity = cash + every
 * position at its member's last close. Returns the cash and open positions per clock bar.
 */
function replay(result: PortfolioResult, members: readonly { symbol: string; bars: BarColumns }[], initialCash: number): { cash: Float64Array; equity: Float64Array; open: Uint8Array } {
  const bySymbol = new Map(members.map((m) => [m.symbol, m.bars]));
  const bars = result.symbols.map((s) => bySymbol.get(s)!);
  const n = result.ts.length;
  const cursor = bars.map(() => 0);
  const lastClose = bars.map(() => Number.NaN);
  const qty = bars.map(() => 0);
  const side = bars.map(() => 0);
  let cash = initialCash;
  let f = 0;
  const out = { cash: new Float64Array(n), equity: new Float64Array(n), open: new Uint8Array(n) };
  for (let g = 0; g < n; g++) {
    const t = result.ts[g]!;
    // The fills of this clock bar: a fill's member bar has this time.
    while (f < result.markers.length) {
      const marker = result.markers[f]!;
      const k = result.markerInstruments[f]!;
      if (bars[k]!.ts[marker.bar] !== t) break;
      const buy = marker.kind === 'entryLong' || marker.kind === 'addLong' || marker.kind === 'exitShort' || marker.kind === 'partialExitShort';
      cash += buy ? -(marker.quantity * marker.price) - marker.fee : marker.quantity * marker.price - marker.fee;
      if (marker.kind.startsWith('entry')) {
        side[k] = marker.kind === 'entryLong' ? 1 : -1;
        qty[k] = marker.quantity;
      } else if (marker.kind.startsWith('add')) qty[k] = qty[k]! + marker.quantity;
      else if (marker.kind.startsWith('partialExit')) qty[k] = qty[k]! - marker.quantity;
      else {
        side[k] = 0;
        qty[k] = 0;
      }
      f++;
    }
    for (let k = 0; k < bars.length; k++) {
      if (cursor[k]! < bars[k]!.ts.length && bars[k]!.ts[cursor[k]!] === t) lastClose[k] = bars[k]!.close[cursor[k]!++]!;
    }
    let equity = cash;
    let open = 0;
    for (let k = 0; k < bars.length; k++) {
      if (side[k] === 0) continue;
      equity += side[k]! * qty[k]! * lastClose[k]!;
      open++;
    }
    out.cash[g] = cash;
    out.equity[g] = equity;
    out.open[g] = open;
  }
  expect(f, 'every fill replayed').toBe(result.markers.length);
  return out;
}

describe('portfolio invariants (replayed from the fill log)', () => {
  const sizings: Sizing[] = [{ kind: 'percentEquity', percent: 40 }, { kind: 'equalWeight' }, { kind: 'fixedCash', cash: 40_000 }, { kind: 'fixedQuantity', quantity: 300 }];
  it('cash never goes below zero, cash plus the positions is the equity at every bar, and slots hold', () => {
    const universe = basket(6, 1500, 3).map((m, k) => ({ ...m, bars: k === 0 ? withGaps(m.bars, 5, 0.1, 200, 1400) : k === 1 ? withGaps(m.bars, 9, 0.02) : m.bars }));
    expect(universe[0]!.bars.ts.length).toBeLessThan(1300);
    fc.assert(
      fc.property(
        fc.constantFrom(...sizings),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<'desc' | 'asc'>('desc', 'asc'),
        fc.constantFrom<Direction>('long', 'short', 'both'),
        fc.boolean(),
        fc.boolean(),
        (sizing, maxPositions, order, direction, stops, rotate) => {
          const rules: PortfolioRules = {
            maxPositions,
            ranking: { by: ROC, order },
            ...(rotate && direction !== 'both' ? { rotation: { every: { kind: 'bars', bars: 120 }, top: Math.max(1, maxPositions - 1) } } : {}),
          };
          const spec = trendSpec(rules, sizing, {
            direction,
            entry: { long: all(trig(v('close'), '>', v('sma', { period: 30 }))), short: all(trig(v('close'), '<', v('sma', { period: 30 }))) },
            exit: { long: all(trig(v('close'), '<', v('sma', { period: 60 }))), short: all(trig(v('close'), '>', v('sma', { period: 60 }))) },
            ...(stops ? { management: { stopLoss: { kind: 'percent', value: 0.8 }, trailingStop: { distance: { kind: 'percent', value: 0.5 }, activationPct: 0.2 } } } : {}),
          });
          const result = runPortfolioBacktest(portfolioInput(spec, universe));
          const replayed = replay(result, universe, spec.initialCash);
          for (let g = 0; g < result.ts.length; g++) {
            // Never below zero, up to the rounding of the last places of a fill (docs/ENGINE.md).
            expect(replayed.cash[g]!, `cash at clock bar ${g}`).toBeGreaterThanOrEqual(-1e-9 * spec.initialCash);
            expect(Math.abs(replayed.equity[g]! - result.equity[g]!), `equity at clock bar ${g}`).toBeLessThanOrEqual(1e-9 * spec.initialCash);
            expect(replayed.open[g], `open positions at clock bar ${g}`).toBe(result.openPositions[g]);
            expect(result.openPositions[g]!).toBeLessThanOrEqual(maxPositions);
          }
          // Trades add up: closed PnL plus what is open is the change in equity.
          const open = result.figures.reduce((sum, f) => sum + f.unrealizedPnl, 0);
          const closed = result.trades.reduce((sum, t) => sum + t.pnl, 0);
          expect(closed + open).toBeCloseTo(result.metrics.finalEquity - spec.initialCash, 4);
          const contributions = result.figures.reduce((sum, f) => sum + f.contributionPct, 0);
          expect(contributions).toBeCloseTo(result.metrics.totalReturnPct, 6);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('several instruments trade, entries compete for the slots, and a full book refuses entries', () => {
    const universe = basket(8, 2000, 11);
    const result = runPortfolioBacktest(portfolioInput(trendSpec({ maxPositions: 3, ranking: { by: ROC, order: 'desc' } }, { kind: 'equalWeight' }), universe));
    expect(new Set(result.tradeInstruments).size).toBeGreaterThan(4);
    expect(Math.max(...result.openPositions)).toBe(3);
    const unlimited = runPortfolioBacktest(portfolioInput(trendSpec({ maxPositions: 8 }, { kind: 'equalWeight' }), universe));
    expect(Math.max(...unlimited.openPositions)).toBeGreaterThan(3);
  });
});

describe('the universe in any order', () => {
  it('gives the same run: members go in symbol order, and ties in rank go to the first symbol', () => {
    const universe = basket(7, 1200, 21);
    fc.assert(
      fc.property(fc.shuffledSubarray(universe.map((_, k) => k), { minLength: 7, maxLength: 7 }), fc.constantFrom<'desc' | 'asc'>('desc', 'asc'), (order, rank) => {
        const spec = trendSpec({ maxPositions: 3, ranking: { by: ROC, order: rank } }, { kind: 'percentEquity', percent: 30 });
        const base = runPortfolioBacktest(portfolioInput(spec, universe));
        const shuffled = runPortfolioBacktest(portfolioInput(spec, order.map((k) => universe[k]!)));
        expect(shuffled.symbols).toEqual(base.symbols);
        expect(JSON.stringify(shuffled)).toBe(JSON.stringify(base));
        expect(Buffer.from(shuffled.equity.buffer).equals(Buffer.from(base.equity.buffer))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('breaks rank ties by symbol: with a constant rank the first symbols get the slots', () => {
    const universe = basket(5, 400, 4);
    // Every member enters at its first warm close; a constant rank ties them all.
    const spec = specOf({
      entry: { long: all(trig(v('close'), '>', 0)) },
      sizing: { kind: 'equalWeight' },
      initialCash: 100_000,
      portfolio: { maxPositions: 2, ranking: { by: v('dayOfWeek'), order: 'desc' } },
    });
    const result = runPortfolioBacktest(portfolioInput(spec, [...universe].reverse()));
    expect(result.markers.map((m, i) => `${m.kind} ${result.symbols[result.markerInstruments[i]!]}`)).toEqual(['entryLong S00', 'entryLong S01']);
  });
});

describe('the clock', () => {
  it('an instrument without a bar does not trade then, and its position is valued at its last close', () => {
    const [a, b] = basket(2, 300, 8);
    // B has no bars 100..199.
    const gapped = { symbol: b!.symbol, bars: { ...withGaps(b!.bars, 1, 0) } };
    const keep = [...Array(300).keys()].filter((i) => i < 100 || i >= 200);
    const pick = (x: Float64Array) => Float64Array.from(keep, (i) => x[i]!);
    gapped.bars = { ts: pick(b!.bars.ts), open: pick(b!.bars.open), high: pick(b!.bars.high), low: pick(b!.bars.low), close: pick(b!.bars.close), volume: pick(b!.bars.volume) };
    const spec = specOf({ entry: { long: all(trig(v('close'), '>', 0)) }, sizing: { kind: 'equalWeight' }, initialCash: 10_000, portfolio: { maxPositions: 2 } });
    const result = runPortfolioBacktest(portfolioInput(spec, [a!, gapped]));
    expect(result.ts.length).toBe(300);
    const fillsOfB = result.markers.filter((_, i) => result.markerInstruments[i] === 1);
    for (const m of fillsOfB) expect(m.ts < a!.bars.ts[100]! || m.ts >= a!.bars.ts[200]!).toBe(true);
    // During B's gap its position is worth its last close before the gap: equity moves with A alone.
    const replayed = replay(result, [a!, gapped], spec.initialCash);
    for (let g = 100; g < 200; g++) expect(replayed.equity[g]).toBeCloseTo(result.equity[g]!, 6);
    const qtyB = fillsOfB[0]!.quantity;
    const qtyA = result.markers.find((_, i) => result.markerInstruments[i] === 0)!.quantity;
    const moveA = (a!.bars.close[150]! - a!.bars.close[149]!) * qtyA;
    expect(result.equity[150]! - result.equity[149]!).toBeCloseTo(moveA, 6);
    expect(qtyB).toBeGreaterThan(0);
  });

  it('sees nothing of any instrument after t: changing every member\'s later bars leaves fills and equity up to t unchanged', () => {
    const universe = basket(5, 800, 31);
    const spec = trendSpec({ maxPositions: 2, ranking: { by: ROC, order: 'desc' } }, { kind: 'fixedQuantity', quantity: 50 });
    const base = runPortfolioBacktest(portfolioInput(spec, universe));
    const other = basket(5, 800, 99);
    fc.assert(
      fc.property(fc.integer({ min: 50, max: 790 }), fc.integer({ min: 0, max: 4 }), (t, who) => {
        const changed = universe.map((m, k) => {
          if (k !== who) return m;
          const bars = { ts: m.bars.ts, open: m.bars.open.slice(), high: m.bars.high.slice(), low: m.bars.low.slice(), close: m.bars.close.slice(), volume: m.bars.volume };
          for (let i = t + 1; i < 800; i++) {
            bars.open[i] = other[k]!.bars.open[i]!;
            bars.high[i] = other[k]!.bars.high[i]!;
            bars.low[i] = other[k]!.bars.low[i]!;
            bars.close[i] = other[k]!.bars.close[i]!;
          }
          return { ...m, bars };
        });
        const result = runPortfolioBacktest(portfolioInput(spec, changed));
        for (let g = 0; g <= t; g++) expect(Object.is(result.equity[g], base.equity[g]), `equity at ${g}`).toBe(true);
        const upTo = (r: PortfolioResult) => r.markers.map((m, i) => [m, r.markerInstruments[i]] as const).filter(([m]) => m.ts <= universe[0]!.bars.ts[t]!);
        expect(upTo(result)).toEqual(upTo(base));
      }),
      { numRuns: 30 },
    );
  });

  it('reruns are bit-identical', () => {
    const universe = basket(6, 1000, 5);
    const spec = trendSpec({ maxPositions: 3, ranking: { by: ROC, order: 'asc' }, rotation: { every: { kind: 'calendar', period: 'day' }, top: 2 } }, { kind: 'equalWeight' });
    const a = runPortfolioBacktest(portfolioInput(spec, universe));
    const b = runPortfolioBacktest(portfolioInput(spec, universe));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('rotation', () => {
  it('at each rebalance holds the top K by rank that pass the entry filter and sells the rest', () => {
    const universe = basket(6, 2400, 17);
    const every = 240;
    const spec = trendSpec({ maxPositions: 3, ranking: { by: ROC, order: 'desc' }, rotation: { every: { kind: 'bars', bars: every }, top: 2 } }, { kind: 'equalWeight' }, {
      exit: {},
    });
    const result = runPortfolioBacktest(portfolioInput(spec, universe));
    const rotated = result.trades.filter((t) => t.exitReason === 'rotation');
    expect(rotated.length).toBeGreaterThan(0);
    // Entries and rotation exits fill only at the open after a rebalance's close.
    for (let i = 0; i < result.markers.length; i++) {
      const m = result.markers[i]!;
      if (m.kind === 'entryLong' || result.trades.some((t) => t.exitTs === m.ts && t.exitReason === 'rotation')) expect(m.bar % every, `${m.kind} at bar ${m.bar}`).toBe(1);
    }
    expect(Math.max(...result.openPositions)).toBeLessThanOrEqual(2);
    // What is held after a rebalance's fills: the top 2 by ROC(20) among members above their SMA(30) at that close.
    const roc = universe.map((m) => computeSeries(m.bars, 'roc', { period: 20 }));
    const sma = universe.map((m) => computeSeries(m.bars, 'sma', { period: 30 }));
    for (let r = every; r + 1 < 2400; r += every) {
      const eligible = universe.map((_, k) => k).filter((k) => universe[k]!.bars.close[r]! > sma[k]![r]!);
      eligible.sort((x, y) => roc[y]![r]! - roc[x]![r]! || x - y);
      const expected = eligible.slice(0, 2).map((k) => universe[k]!.symbol);
      const heldAfter = heldAt(result, universe, r + 1);
      expect(heldAfter, `after the rebalance at ${r}`).toEqual(expected.filter((s) => heldAfter.includes(s)).sort());
      for (const s of heldAfter) expect(expected).toContain(s);
    }
  });
});

/** Symbols with a position open after the fills of clock bar g (from the fill log). */
function heldAt(result: PortfolioResult, universe: readonly { symbol: string; bars: BarColumns }[], g: number): string[] {
  const held = new Set<string>();
  const t = universe[0]!.bars.ts[g]!;
  result.markers.forEach((m, i) => {
    if (m.ts > t) return;
    const s = result.symbols[result.markerInstruments[i]!]!;
    if (m.kind.startsWith('entry')) held.add(s);
    else if (m.kind.startsWith('exit')) held.delete(s);
  });
  return [...held].sort();
}

/**
 * An independent reference: a plain loop over the union of bar times that trades a
 * long-only basket on close > SMA(30) / close < SMA(60), ranked by ROC(20), with shared
 * cash, slots, the four sizings, slippage and commission, gaps, and an optional rotation.
 * It shares only the indicator kernels and the rounding functions with the engine.
 */
function referencePortfolio(
  universe: readonly { symbol: string; bars: BarColumns }[],
  rules: { maxPositions: number; order: 'desc' | 'asc'; rotateEvery?: number; top?: number },
  sizing: Sizing,
  costs: { commissionPct: number; commissionFixed: number; slippageBps: number },
  initialCash: number,
): { trades: (Trade & { symbol: string })[]; equity: number[] } {
  const members = [...universe].sort((a, b) => (a.symbol < b.symbol ? -1 : 1)).map((m) => ({
    ...m,
    entrySma: computeSeries(m.bars, 'sma', { period: 30 }),
    exitSma: computeSeries(m.bars, 'sma', { period: 60 }),
    roc: computeSeries(m.bars, 'roc', { period: 20 }),
    cursor: 0,
    lastClose: Number.NaN,
    qty: 0,
    avg: 0,
    entryFees: 0,
    entryBar: 0,
    entryTs: 0,
    pending: null as null | 'enter' | 'exit' | 'rotate',
    rank: Number.NaN,
  }));
  type M = (typeof members)[number];
  const times = [...new Set(members.flatMap((m) => [...m.bars.ts]))].sort((a, b) => a - b);
  const commission = (q: number, p: number) => Math.max(0, (q * p * costs.commissionPct) / 100 + costs.commissionFixed);
  const affordable = (budget: number, p: number) => Math.max(0, (budget - costs.commissionFixed) / (p * (1 + costs.commissionPct / 100)));
  const buyPrice = (p: number) => roundToTick(p * (1 + costs.slippageBps / 10_000), INSTRUMENT.priceTick, true);
  const sellPrice = (p: number) => roundToTick(p * (1 - costs.slippageBps / 10_000), INSTRUMENT.priceTick, false);
  const better = (a: M, b: M) => {
    const x = a.rank;
    const y = b.rank;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    if (!Number.isNaN(x) && x !== y) return rules.order === 'desc' ? y - x : x - y;
    return members.indexOf(a) - members.indexOf(b);
  };
  let cash = initialCash;
  let queue: M[] = [];
  const trades: (Trade & { symbol: string })[] = [];
  const equity: number[] = [];
  times.forEach((t, clock) => {
    const active = members.filter((m) => m.cursor < m.bars.ts.length && m.bars.ts[m.cursor] === t);
    const held = () => members.filter((m) => m.qty > 0);
    for (const m of active) {
      if (m.pending !== 'exit' && m.pending !== 'rotate') continue;
      const price = sellPrice(m.bars.open[m.cursor]!);
      const fee = commission(m.qty, price);
      cash += m.qty * price - fee;
      const pnl = (price - m.avg) * m.qty - m.entryFees - fee;
      trades.push({ symbol: m.symbol, side: 'long', entryTs: m.entryTs, exitTs: t, entryBar: m.entryBar, exitBar: m.cursor, entryPrice: m.avg, exitPrice: price, quantity: m.qty, pnl, returnPct: (pnl * 100) / (m.avg * m.qty), fees: m.entryFees + fee, barsHeld: m.cursor - m.entryBar, exitReason: m.pending === 'rotate' ? 'rotation' : 'signal' });
      m.qty = 0;
      m.pending = null;
    }
    const waiting: M[] = [];
    for (const m of queue) {
      if (!active.includes(m)) {
        waiting.push(m);
        continue;
      }
      m.pending = null;
      if (held().length >= rules.maxPositions) continue;
      let e = cash;
      let notional = 0;
      for (const o of held()) {
        e += o.qty * o.lastClose;
        notional += o.qty * o.lastClose;
      }
      const price = buyPrice(m.bars.open[m.cursor]!);
      const wanted =
        sizing.kind === 'fixedQuantity' ? sizing.quantity : sizing.kind === 'fixedCash' ? affordable(sizing.cash, price) : sizing.kind === 'percentEquity' ? affordable((e * sizing.percent) / 100, price) : affordable(e / rules.maxPositions, price);
      const q = roundDownQuantity(Math.min(wanted, affordable(e - notional, price)), INSTRUMENT.quantityStep);
      if (q <= 0) continue;
      const fee = commission(q, price);
      cash -= q * price + fee;
      Object.assign(m, { qty: q, avg: price, entryFees: fee, entryBar: m.cursor, entryTs: t });
    }
    queue = waiting;
    const candidates: M[] = [];
    const eligible: M[] = [];
    for (const m of active) {
      const i = m.cursor;
      const c = m.bars.close[i]!;
      m.lastClose = c;
      m.rank = m.roc[i]!;
      const entry = c > m.entrySma[i]!;
      if (m.qty > 0) {
        if (c < m.exitSma[i]!) m.pending = 'exit';
        else if (entry) eligible.push(m);
      } else if (entry && m.pending === null) {
        candidates.push(m);
        eligible.push(m);
      }
    }
    const committed = () => queue.length + held().filter((m) => m.pending !== 'exit' && m.pending !== 'rotate').length;
    const accept = (list: M[]) => {
      let free = rules.maxPositions - committed();
      for (const m of list) {
        if (free <= 0) break;
        m.pending = 'enter';
        queue.push(m);
        free--;
      }
    };
    if (rules.rotateEvery !== undefined) {
      if (clock % rules.rotateEvery === 0) {
        eligible.sort(better);
        const target = eligible.slice(0, rules.top);
        for (const m of active) if (m.qty > 0 && !target.includes(m) && m.pending !== 'exit') m.pending = 'rotate';
        accept(target.filter((m) => candidates.includes(m)));
      }
    } else accept(candidates.sort(better));
    for (const m of active) m.cursor++;
    let e = cash;
    for (const m of held()) e += m.qty * m.lastClose;
    equity.push(e);
  });
  return { trades, equity };
}

describe('the engine agrees with an independent reference loop', () => {
  const universe = basket(6, 1800, 41).map((m, k) => ({ ...m, bars: k === 2 ? withGaps(m.bars, 3, 0.05, 150, 1700) : m.bars }));
  const costs = { commissionPct: 0.05, commissionFixed: 0.25, slippageBps: 2 };
  const sizings: Sizing[] = [{ kind: 'percentEquity', percent: 30 }, { kind: 'equalWeight' }, { kind: 'fixedCash', cash: 25_000 }, { kind: 'fixedQuantity', quantity: 200 }];

  it('on trades and equity, with and without rotation, for every sizing and both rank orders', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sizings), fc.integer({ min: 1, max: 5 }), fc.constantFrom<'desc' | 'asc'>('desc', 'asc'), fc.boolean(), (sizing, maxPositions, order, rotate) => {
        const top = Math.max(1, maxPositions - 1);
        const rules: PortfolioRules = { maxPositions, ranking: { by: ROC, order }, ...(rotate ? { rotation: { every: { kind: 'bars', bars: 150 }, top } } : {}) };
        const engine = runPortfolioBacktest(portfolioInput(trendSpec(rules, sizing), universe));
        const reference = referencePortfolio(universe, { maxPositions, order, ...(rotate ? { rotateEvery: 150, top } : {}) }, sizing, costs, 100_000);
        const engineTrades = engine.trades.map((t, i) => ({ symbol: engine.symbols[engine.tradeInstruments[i]!]!, ...t }));
        expect(engineTrades.length).toBe(reference.trades.length);
        engineTrades.forEach((t, i) => {
          const r = reference.trades[i]!;
          expect([t.symbol, t.entryTs, t.exitTs, t.entryPrice, t.exitPrice, t.quantity, t.exitReason], `trade ${i}`).toEqual([r.symbol, r.entryTs, r.exitTs, r.entryPrice, r.exitPrice, r.quantity, r.exitReason]);
          expect(t.pnl).toBeCloseTo(r.pnl, 6);
        });
        expect(engine.equity.length).toBe(reference.equity.length);
        reference.equity.forEach((e, g) => expect(Math.abs(engine.equity[g]! - e), `equity at ${g}`).toBeLessThan(1e-6));
        expect(engine.trades.length).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });
});
