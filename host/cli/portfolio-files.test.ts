// Tags and a portfolio run's per-instrument files from the command line: real processes
// (dist/cli.js) on a real SQLite file in a temp dir seeded by `bws demo`.
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
  contributionPct: number;
}
interface Report {
  runId: string;
  symbols?: string[];
  perSymbol?: Record<string, Figures>;
}

const rotation = (slots: number) =>
  specOf({
    name: `Rotation of ${slots}`,
    entry: { long: all(trig(v('close'), '>', v('sma', { period: 50 }))) },
    exit: { long: all(trig(v('close'), '<', v('sma', { period: 100 }))) },
    sizing: { kind: 'equalWeight' },
    initialCash: 100_000,
    portfolio: { maxPositions: slots, ranking: { by: v('roc', { period: 48 }), order: 'desc' } },
  });


describe('bws data tag and portfolio files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bws-portfolio-files-'));
    await json(dir, 'demo');
  }, 120_000);

  it('sets, adds and removes tags; a tagged set is a universe; bad input says what and changes nothing', async () => {
    expect(await json(dir, 'data', 'tag', '--symbol', 'DEMO-BRAVO', '--add', 'pair,scratch')).toEqual({ symbol: 'DEMO-BRAVO', tags: ['demo', 'demo-basket', 'pair', 'scratch'] });
    expect(await json(dir, 'data', 'tag', '--symbol', 'DEMO-BRAVO', '--remove', 'SCRATCH')).toEqual({ symbol: 'DEMO-BRAVO', tags: ['demo', 'demo-basket', 'pair'] });
    expect(await json(dir, 'data', 'tag', '--symbol', 'DEMO-GOLF', '--tags', 'pair')).toEqual({ symbol: 'DEMO-GOLF', tags: ['pair'] });
    const text = await bws(dir, 'data', 'tag', '--symbol', 'DEMO-GOLF', '--add', 'demo-basket,demo');
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toBe('DEMO-GOLF: demo, demo-basket, pair');
    const run = await json<Report>(dir, 'backtest', '--template', 'sma-cross', '--timeframe', '1h', '--universe', 'pair', '--max-positions', '1');
    expect(run.symbols).toEqual(['DEMO-BRAVO', 'DEMO-GOLF']);

    const usage: [string[], number, string][] = [
      [['--tags', 'a'], 2, '--symbol is required'],
      [['--symbol', 'DEMO-GOLF'], 2, 'give --tags a,b'],
      [['--symbol', 'DEMO-GOLF', '--tags', 'a', '--add', 'b'], 2, '--tags replaces the tags'],
      [['--symbol', 'DEMO-GOLF', '--add', 'no spaces'], 1, 'a tag is 1-64 letters, digits or . _ : / -'],
      [['--symbol', 'NOPE', '--tags', 'a'], 1, 'No instrument "NOPE"'],
    ];
    for (const [args, code, message] of usage) {
      const outcome = await bws(dir, 'data', 'tag', ...args);
      expect(outcome.code, args.join(' ')).toBe(code);
      expect(outcome.stderr).toContain(message);
    }
    expect((await json<{ tags: string[] }>(dir, 'data', 'tag', '--symbol', 'DEMO-GOLF', '--add', '')).tags).toEqual(['demo', 'demo-basket', 'pair']);
    // --tags '' clears them.
    expect((await json<{ tags: string[] }>(dir, 'data', 'tag', '--symbol', 'DEMO-GOLF', '--tags', '')).tags).toEqual([]);
  });

  it("writes instruments.csv with a portfolio run's files, and compares portfolio runs by instrument", async () => {
    const specs = [3, 5].map((slots) => {
      const file = path.join(dir, `rotation-${slots}.json`);
      writeFileSync(file, JSON.stringify(rotation(slots)));
      return file;
    });
    const out = path.join(dir, 'out-3');
    const three = await json<Report>(dir, 'backtest', '--spec', specs[0]!, '--universe', 'demo-basket', '--timeframe', '1h', '--from', '2024-05-01', '--out', out);
    const five = await json<Report>(dir, 'backtest', '--spec', specs[1]!, '--universe', 'demo-basket', '--timeframe', '1h', '--from', '2024-05-01');
    const csv = readFileSync(path.join(out, 'instruments.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('symbol,bars,trades,win_rate_pct,contribution_pct,exposure_pct,realized_pnl,unrealized_pnl,fees,buy_and_hold_return_pct');
    const rows = csv.slice(1).map((line) => line.split(','));
    expect(rows.map((r) => r[0])).toEqual(three.symbols);
    expect(rows.map((r) => Number(r[2]))).toEqual(three.symbols!.map((s) => three.perSymbol![s]!.tradeCount));
    expect(rows.map((r) => Number(r[4]))).toEqual(three.symbols!.map((s) => Number(three.perSymbol![s]!.contributionPct.toFixed(10))));

    // runs show --out writes the same files from the stored run (trades with their instrument).
    const shown = path.join(dir, 'shown');
    await json(dir, 'runs', 'show', three.runId, '--out', shown);
    expect(readFileSync(path.join(shown, 'instruments.csv'), 'utf8')).toBe(readFileSync(path.join(out, 'instruments.csv'), 'utf8'));
    // (runs show lists trades by entry time; the engine writes a portfolio's as they close.)
    const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').sort();
    expect(lines(path.join(shown, 'trades.csv'))).toEqual(lines(path.join(out, 'trades.csv')));
    expect(lines(path.join(shown, 'trades.csv'))[0]).toMatch(/^DEMO-/);

    const compared = await json<{ perSymbol: (Record<string, Figures> | null)[] }>(dir, 'runs', 'compare', three.runId, five.runId);
    expect(compared.perSymbol.map((p) => Object.keys(p!))).toEqual([three.symbols, five.symbols]);
    expect(compared.perSymbol[1]!['DEMO-ALFA']!.tradeCount).toBe(five.perSymbol!['DEMO-ALFA']!.tradeCount);
    const text = await bws(dir, 'runs', 'compare', three.runId, five.runId);
    expect(text.stdout).toMatch(new RegExp(`symbol\\s+${three.runId} trades\\s+${three.runId} contribution %`));
    expect(text.stdout).toMatch(new RegExp(`DEMO-ALFA\\s+${three.perSymbol!['DEMO-ALFA']!.tradeCount}\\s`));
  });
});
