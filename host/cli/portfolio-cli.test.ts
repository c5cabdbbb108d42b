// `bws backtest` over a universe end to end: real processes (dist/cli.js), a real SQLite
// file in a temp dir seeded by `bws demo` (the demo basket: ten correlated hourly
// instruments tagged demo-basket).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { all, specOf, trig, v } from '../../core/domain/test-kit/specs.js';
import { runBws, runBwsJson } from './test-kit/run-bws.js';


const bws = (dataDir: string, ...args: string[]) => runBws(dataDir, args);
const json = <T>(dataDir: string, ...args: string[]) => runBwsJson<T>(dataDir, args);

interface Figures {
  tradeCount: number;
  winRatePct: number | null;
  contributionPct: number;
  exposurePct: number;
}

interface Report {
  hash: string;
  symbol?: string;
  symbols?: string[];
  universe?: string;
  metrics: Record<string, number | null>;
  perSymbol?: Record<string, Figures>;
  trades: { symbol?: string; exitReason: string }[];
}

const BASKET = ['DEMO-ALFA', 'DEMO-BRAVO', 'DEMO-CHARLIE', 'DEMO-DELTA', 'DEMO-ECHO', 'DEMO-FOXTROT', 'DEMO-GOLF', 'DEMO-HOTEL', 'DEMO-INDIA', 'DEMO-JULIET'];

/** A weekly momentum rotation over the demo basket, its universe in the spec file. */
const rotation = specOf({
  name: 'Basket rotation',
  entry: { long: all(trig(v('close'), '>', v('sma', { period: 50 }))) },
  exit: { long: all(trig(v('close'), '<', v('sma', { period: 100 }))) },
  sizing: { kind: 'equalWeight' },
  costs: { commissionPct: 0.05, commissionFixed: 0, slippageBps: 2 },
  initialCash: 100_000,
  portfolio: { maxPositions: 3, ranking: { by: v('roc', { period: 48 }), order: 'desc' }, rotation: { every: { kind: 'calendar', period: 'week' }, top: 3 }, universe: { tag: 'demo-basket' } },
});

describe('bws backtest over a universe', () => {
  let dir: string;
  let specFile: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bws-portfolio-cli-'));
    specFile = path.join(dir, 'rotation.json');
    writeFileSync(specFile, JSON.stringify(rotation));
    const demo = await json<{ instruments: { symbol: string; timeframe: string; bars: number }[] }>(dir, 'demo');
    expect(demo.instruments.filter((i) => i.timeframe === '1h').map((i) => i.symbol)).toEqual(BASKET);
  }, 120_000);

  it('runs a spec file with its own universe and prints portfolio metrics and perSymbol figures', async () => {
    const out = path.join(dir, 'rotation-out');
    const report = await json<Report>(dir, 'backtest', '--spec', specFile, '--timeframe', '1h', '--from', '2024-05-01', '--out', out);
    expect(report.symbols).toEqual(BASKET);
    expect(report.universe).toBe('demo-basket');
    expect(Object.keys(report.perSymbol!)).toEqual(BASKET);
    const figures = Object.values(report.perSymbol!);
    expect(figures.filter((f) => f.tradeCount > 0).length).toBeGreaterThan(3);
    expect(figures.reduce((sum, f) => sum + f.tradeCount, 0)).toBe(report.trades.length);
    expect(report.metrics.tradeCount).toBe(report.trades.length);
    expect(figures.reduce((sum, f) => sum + f.contributionPct, 0)).toBeCloseTo(report.metrics.totalReturnPct!, 6);
    // At most three positions at once: the exposures of ten instruments add up to at most 3 x 100 %.
    expect(figures.reduce((sum, f) => sum + f.exposurePct, 0)).toBeLessThanOrEqual(300 + 1e-9);
    expect(report.trades.every((t) => BASKET.includes(t.symbol!))).toBe(true);
    expect(report.trades.some((t) => t.exitReason === 'rotation')).toBe(true);
    // The trades file names each trade's instrument.
    const csv = readFileSync(path.join(out, 'trades.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^symbol,side,entry_time,/);
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(report.trades.map((t) => t.symbol));

    // The same universe named on the command line, in another order, with the same slots and ranking: the same run.
    const listed = await json<Report>(
      dir, 'backtest', '--spec', specFile, '--symbols', [...BASKET].reverse().join(','), '--max-positions', '3', '--rank', 'roc(period=48):desc', '--timeframe', '1h', '--from', '2024-05-01',
    );
    expect(listed.hash).toBe(report.hash);
    expect(listed.metrics).toEqual(report.metrics);
    expect(listed.universe).toBeUndefined();
    // Another ranking is another run.
    const lowest = await json<Report>(dir, 'backtest', '--spec', specFile, '--rank', 'roc(period=48):asc', '--timeframe', '1h', '--from', '2024-05-01');
    expect(lowest.hash).not.toBe(report.hash);

    // The human-readable form lists the instruments too.
    const text = await bws(dir, 'backtest', '--spec', specFile, '--timeframe', '1h', '--from', '2024-05-01');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/symbol\s+trades\s+win rate %\s+contribution %/);
    for (const symbol of BASKET) expect(text.stdout).toContain(symbol);
  });

  it('runs a template over --symbols; a one-instrument portfolio is the single run', async () => {
    const template = ['--template', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--timeframe', '1h'];
    const two = await json<Report>(dir, 'backtest', ...template, '--symbols', 'DEMO-ALFA,DEMO-GOLF', '--max-positions', '1', '--rank', 'rsi:asc');
    expect(Object.keys(two.perSymbol!)).toEqual(['DEMO-ALFA', 'DEMO-GOLF']);
    const single = await json<Report>(dir, 'backtest', ...template, '--symbol', 'DEMO-ALFA');
    const alone = await json<Report>(dir, 'backtest', ...template, '--symbols', 'DEMO-ALFA', '--max-positions', '1');
    expect(single.perSymbol).toBeUndefined();
    expect(single.symbol).toBe('DEMO-ALFA');
    expect(alone.metrics).toEqual(single.metrics);
    expect(alone.trades.map(({ symbol, ...t }) => (expect(symbol).toBe('DEMO-ALFA'), t))).toEqual(single.trades);
  });

  it('refuses a universe it cannot run, saying what and where, and stores nothing', async () => {
    const list = async () => (await json<{ total: number }>(dir, 'runs', 'list')).total;
    const before = await list();
    const template = ['backtest', '--template', 'sma-cross', '--timeframe', '1h'];
    const usage: [string[], string][] = [
      [['--symbol', 'DEMO-ALFA', '--symbols', 'DEMO-BRAVO'], 'give one of --symbol SYM, --symbols A,B,C or --universe TAG'],
      [['--symbols', 'DEMO-ALFA,,DEMO-BRAVO'], 'none empty'],
      [['--symbols', 'DEMO-ALFA,DEMO-ALFA'], '--symbols: DEMO-ALFA is listed twice'],
      [['--symbols', 'DEMO-ALFA', '--rank', 'roc:desc'], '--rank needs --max-positions N'],
      [['--symbols', 'DEMO-ALFA', '--max-positions', '2', '--rank', 'roc:sideways'], '--rank "roc:sideways": expected VARIABLE:desc or VARIABLE:asc'],
      [['--symbols', 'DEMO-ALFA', '--max-positions', 'two'], '--max-positions: "two" is not a number'],
      [[], '--symbol is required'],
    ];
    for (const [args, message] of usage) {
      const outcome = await bws(dir, ...template, ...args);
      expect(outcome.code, args.join(' ')).toBe(2);
      expect(outcome.stderr).toContain(message);
    }
    const noTag = await bws(dir, ...template, '--universe', 'no-such-tag');
    expect(noTag.code).toBe(1);
    expect(noTag.stderr).toContain('No instrument has the tag "no-such-tag"');
    const noSymbol = await bws(dir, ...template, '--symbols', 'DEMO-ALFA,NOPE');
    expect(noSymbol.code).toBe(1);
    expect(noSymbol.stderr).toContain('No instrument "NOPE"');
    const badSlots = await bws(dir, ...template, '--universe', 'demo-basket', '--max-positions', '0');
    expect(badSlots.code).toBe(1);
    expect(badSlots.stderr).toContain('portfolio.maxPositions');
    const badRank = await bws(dir, ...template, '--universe', 'demo-basket', '--max-positions', '2', '--rank', 'momentumz:desc');
    expect(badRank.code).toBe(1);
    expect(badRank.stderr).toContain('portfolio.ranking.by.variable');
    expect(await list()).toBe(before);
  });
});
