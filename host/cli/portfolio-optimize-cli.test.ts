// `bws optimize` and `bws walkforward` over a universe end to end: real processes
// (dist/cli.js), real sweep and backtest workers, a real SQLite file in a temp dir seeded
// by `bws demo` (the demo basket: ten correlated hourly instruments tagged demo-basket).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { all, specOf, trig, v } from '../../core/domain/test-kit/specs.js';
import { runBws, runBwsJson } from './test-kit/run-bws.js';

const bws = (dataDir: string, ...args: string[]) => runBws(dataDir, args);
const json = <T>(dataDir: string, ...args: string[]) => runBwsJson<T>(dataDir, args);

interface Variant {
  index: number;
  params: Record<string, number>;
  metrics: Record<string, number | null> | null;
  hash?: string;
}

interface SweepReport {
  sweepId: string;
  status: string;
  symbol?: string;
  symbols?: string[];
  universe?: string;
  counts: { done: number; invalid: number; failed: number };
  variants: Variant[];
}

const THREE = ['DEMO-ALFA', 'DEMO-BRAVO', 'DEMO-CHARLIE'];
const RANGE = ['--timeframe', '1h', '--from', '2024-03-01', '--to', '2024-05-01'];

/** Momentum over the basket with three slots ranked by rate of change; its universe in the file. */
const momentum = specOf({
  name: 'Basket momentum',
  entry: { long: all(trig(v('close'), '>', v('sma', { period: 50 }))) },
  exit: { long: all(trig(v('close'), '<', v('sma', { period: 100 }))) },
  sizing: { kind: 'equalWeight' },
  costs: { commissionPct: 0.05, commissionFixed: 0, slippageBps: 2 },
  initialCash: 100_000,
  portfolio: { maxPositions: 3, ranking: { by: v('roc', { period: 48 }), order: 'desc' }, universe: { tag: 'demo-basket' } },
});

describe('bws optimize and walkforward over a universe', () => {
  let dir: string;
  let specFile: string;
  /** Sweeps stored in the data folder's database. */
  const sweepCount = (): number => {
    const db = new Database(path.join(dir, 'workstation.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM sweeps').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bws-portfolio-optimize-'));
    specFile = path.join(dir, 'momentum.json');
    writeFileSync(specFile, JSON.stringify(momentum));
    await json(dir, 'demo');
  }, 120_000);

  it('optimize --symbols with --max-positions and --rank sweeps the slots; a variant is the same run as bws backtest by hash', async () => {
    const report = await json<SweepReport>(
      dir, 'optimize', '--template', 'sma-cross', '--symbols', THREE.join(','), '--max-positions', '2', '--rank', 'roc(period=48):desc',
      '--param', 'fast=5,10', '--param', 'portfolio.maxPositions=1:2:1', ...RANGE,
    );
    expect(report.status).toBe('completed');
    expect(report.symbols).toEqual(THREE);
    expect(report.counts).toMatchObject({ done: 4, invalid: 0, failed: 0 });
    expect(new Set(report.variants.map((x) => x.hash)).size).toBe(4);
    const variant = report.variants.find((x) => x.params['fast'] === 10 && x.params['portfolio.maxPositions'] === 1)!;
    const alone = await json<{ hash: string; metrics: Record<string, number | null> }>(
      dir, 'backtest', '--template', 'sma-cross', '--param', 'fast=10', '--symbols', [...THREE].reverse().join(','), '--max-positions', '1', '--rank', 'roc(period=48):desc', ...RANGE,
    );
    expect(variant.hash).toBe(alone.hash);
    expect(variant.metrics).toEqual(alone.metrics);
  });

  it('walkforward --universe TAG walks a spec file over the tagged instruments', async () => {
    const report = await json<{ symbol: string; symbols: string[]; windows: { bestParams: Record<string, number>; outOfSampleMetrics: { tradeCount: number } }[]; metrics: { tradeCount: number } }>(
      dir, 'walkforward', '--spec', specFile, '--universe', 'demo-basket', '--param', 'portfolio.ranking.by.params.period=24,96',
      '--in-sample', '30', '--out-of-sample', '15', '--timeframe', '1h', '--from', '2024-03-01', '--to', '2024-06-01',
    );
    expect(report.symbols).toHaveLength(10);
    expect(report.symbol).toBe('DEMO-ALFA');
    expect(report.windows).toHaveLength(4);
    for (const w of report.windows) expect([24, 96]).toContain(w.bestParams['portfolio.ranking.by.params.period']);
    expect(report.metrics.tradeCount).toBe(report.windows.reduce((n, w) => n + w.outOfSampleMetrics.tradeCount, 0));
  });

  it('refuses bad portfolio flags and axes, saying what and where, and stores no sweep', async () => {
    const before = sweepCount();
    const optimize = ['optimize', '--template', 'sma-cross', '--param', 'fast=5,10', ...RANGE];
    const usage: [string[], string][] = [
      [[...optimize, '--symbol', 'DEMO-ALFA', '--symbols', 'DEMO-BRAVO'], 'give one of --symbol SYM, --symbols A,B,C or --universe TAG'],
      [[...optimize, '--symbols', 'DEMO-ALFA,DEMO-ALFA'], '--symbols: DEMO-ALFA is listed twice'],
      [[...optimize, '--universe', 'demo-basket', '--rank', 'roc:desc'], '--rank needs --max-positions N'],
      [[...optimize, '--universe', 'demo-basket', '--max-positions', '2', '--rank', 'roc:up'], '--rank "roc:up": expected VARIABLE:desc or VARIABLE:asc'],
      [[...optimize], '--symbol is required'],
      [[...optimize, '--symbols', 'DEMO-ALFA,DEMO-BRAVO', '--cluster', 'redis://127.0.0.1:1'], '--cluster runs sweeps over one instrument'],
      [['walkforward', '--template', 'sma-cross', '--param', 'fast=5,10', '--in-sample', '30', '--out-of-sample', '15'], '--symbol is required'],
    ];
    for (const [args, message] of usage) {
      const outcome = await bws(dir, ...args);
      expect(outcome.code, args.join(' ')).toBe(2);
      expect(outcome.stderr).toContain(message);
    }
    const refused: [string[], string][] = [
      [[...optimize, '--universe', 'no-such-tag'], 'No instrument has the tag "no-such-tag"'],
      [['optimize', '--spec', specFile, '--param', 'portfolio.maxPositions=0:2:1', ...RANGE], 'Parameter "portfolio.maxPositions"'],
      [['optimize', '--spec', specFile, '--param', 'portfolio.maxPositions=1,2.5', ...RANGE], 'whole number, got 2.5'],
      [['optimize', '--spec', specFile, '--param', 'portfolio.ranking.by.params.period=0,10', ...RANGE], 'Parameter "portfolio.ranking.by.params.period"'],
      [[...optimize, '--universe', 'demo-basket', '--max-positions', '2', '--rank', 'momentumz:desc'], 'portfolio.ranking.by.variable'],
      [['walkforward', '--spec', specFile, '--symbols', 'DEMO-ALFA,NOPE', '--param', 'portfolio.maxPositions=1,2', '--in-sample', '30', '--out-of-sample', '15', ...RANGE], 'No instrument "NOPE"'],
    ];
    for (const [args, message] of refused) {
      const outcome = await bws(dir, ...args);
      expect(outcome.code, args.join(' ')).toBe(1);
      expect(outcome.stderr).toContain(message);
    }
    expect(sweepCount()).toBe(before);
  });
});
