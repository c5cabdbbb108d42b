// `bws optimize / walkforward / montecarlo` end to end: real processes (dist/cli.js),
// real worker threads, GOOG daily bars imported into a temp data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketDataFile } from '../../core/infrastructure/test-kit/market-data.js';
import { runBws } from './test-kit/run-bws.js';

const GOOG = marketDataFile('GOOG.csv');

const bws = (dir: string, ...args: string[]) => runBws(dir, args, { maxBuffer: 256 * 1024 * 1024 });

interface Variant {
  index: number;
  params: Record<string, number>;
  metrics: Record<string, number | null> | null;
  score: number | null;
  eligible: boolean;
}

const SWEEP = ['--template', 'sma-cross', '--symbol', 'GOOG', '--timeframe', '1d', '--param', 'fast=5:30:5', '--param', 'slow=20:100:20', '--constraint', 'fast<slow'];

describe('bws optimize / walkforward / montecarlo', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bws-optimize-cli-'));
    const imported = await bws(dir, 'data', 'import', GOOG, '--symbol', 'GOOG', '--timeframe', '1d', '--json');
    expect(imported.code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('optimize --json prints the sweep id, every variant sorted best first, and the best', async () => {
    const out = await bws(dir, 'optimize', ...SWEEP, '--objective', 'sharpe', '--min-trades', '30', '--workers', '2', '--json');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as { sweepId: string; status: string; variants: Variant[]; best: Variant; counts: { rejected: number; done: number } };
    expect(report.status).toBe('completed');
    // fast 5..30 x slow 20..100: 30 points, 3 with fast >= slow.
    expect(report.variants).toHaveLength(27);
    expect(report.counts).toMatchObject({ done: 27, rejected: 3 });
    expect(report.variants.every((v) => v.params['fast']! < v.params['slow']!)).toBe(true);
    expect(report.best).toEqual(report.variants[0]);
    const eligible = report.variants.filter((v) => v.eligible);
    expect(eligible.length).toBeGreaterThan(0);
    expect(report.variants.slice(0, eligible.length).every((v) => v.eligible)).toBe(true);
    const scores = eligible.map((v) => v.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(report.best.metrics!['tradeCount']).toBeGreaterThanOrEqual(30);

    // The same sweep again: identical variants and metrics.
    const again = JSON.parse((await bws(dir, 'optimize', ...SWEEP, '--objective', 'sharpe', '--min-trades', '30', '--json')).stdout) as { sweepId: string; variants: Variant[] };
    expect(again.sweepId).not.toBe(report.sweepId);
    expect(again.variants).toEqual(report.variants);
  }, 60_000);

  it('optimize without --timeframe sweeps daily GOOG on its stored 1d, not on minutes it does not have', async () => {
    const out = await bws(dir, 'optimize', '--template', 'sma-cross', '--symbol', 'GOOG', '--param', 'fast=5:10:5', '--json');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as { status: string; variants: Variant[] };
    expect(report.status).toBe('completed');
    for (const variant of report.variants) expect(variant.metrics?.['tradeCount']).toBeGreaterThan(5);
  });

  it('rejects an unknown objective and a bad range with usage errors', async () => {
    const bad = await bws(dir, 'optimize', ...SWEEP, '--objective', 'luck');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Unknown objective metric "luck"/);
    const range = await bws(dir, 'optimize', '--template', 'sma-cross', '--symbol', 'GOOG', '--timeframe', '1d', '--param', 'fast=9:1:1');
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/below min/);
  });

  it('walkforward --json and montecarlo --json run end to end', async () => {
    const wf = await bws(dir, 'walkforward', ...SWEEP, '--in-sample', '1095', '--out-of-sample', '365', '--json');
    expect(wf.code).toBe(0);
    const result = JSON.parse(wf.stdout) as { windows: { inSample: { toTs: number }; outOfSample: { fromTs: number } }[]; metrics: { finalEquity: number } };
    expect(result.windows.length).toBeGreaterThan(3);
    for (const w of result.windows) expect(w.inSample.toTs).toBe(w.outOfSample.fromTs);

    const bt = JSON.parse((await bws(dir, 'backtest', '--template', 'sma-cross', '--param', 'fast=10', '--param', 'slow=20', '--symbol', 'GOOG', '--timeframe', '1d', '--json')).stdout) as { runId: string };
    const mc = await bws(dir, 'montecarlo', '--run', bt.runId, '--simulations', '500', '--seed', '2', '--json');
    expect(mc.code).toBe(0);
    const dist = JSON.parse(mc.stdout) as { simulations: number; finalEquity: { percentiles: Record<string, number> }; probabilityOfLossPct: number };
    expect(dist.simulations).toBe(500);
    const p = dist.finalEquity.percentiles;
    expect(p['p5']!).toBeLessThanOrEqual(p['p50']!);
    expect(p['p50']!).toBeLessThanOrEqual(p['p95']!);
  }, 120_000);
});
