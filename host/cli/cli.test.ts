// The `bws` CLI end to end: real processes (dist/cli.js), a real SQLite file in a temp dir.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { marketDataFile } from '../../core/infrastructure/test-kit/market-data.js';
import { runBws, runBwsJson } from './test-kit/run-bws.js';

const GOOG = marketDataFile('GOOG.csv');

const bws = (dataDir: string, ...args: string[]) => runBws(dataDir, args);
const json = <T>(dataDir: string, ...args: string[]) => runBwsJson<T>(dataDir, args);

describe('bws CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bws-cli-'));
  });

  it('imports real daily bars, lists them and exports them back', async () => {
    const report = await json<{ rowsRead: number; barsWritten: { inserted: number } }>(dir, 'data', 'import', GOOG, '--symbol', 'GOOG', '--timeframe', '1d');
    expect(report.rowsRead).toBe(2148);
    expect(report.barsWritten.inserted).toBe(2148);
    const list = await json<{ series: { symbol: string; timeframe: string; barCount: number }[] }>(dir, 'data', 'list');
    expect(list.series).toEqual([expect.objectContaining({ symbol: 'GOOG', timeframe: '1d', barCount: 2148 })]);
    const out = path.join(dir, 'goog-2010.csv');
    const exported = await json<{ bars: number }>(dir, 'data', 'export', '--symbol', 'GOOG', '--timeframe', '1d', '--from', '2010-01-01', '--to', '2011-01-01', out);
    expect(exported.bars).toBe(252);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('timestamp,open,high,low,close,volume');
    expect(lines[1]).toMatch(/^2010-01-04T00:00:00.000Z,/);
    expect(lines).toHaveLength(253);
  });

  it('runs a template backtest, stores the run and writes its files', async () => {
    const out = path.join(dir, 'run-out');
    const result = await json<{ runId: string; hash: string; metrics: Record<string, number>; trades: unknown[] }>(
      dir, 'backtest', '--template', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--symbol', 'GOOG', '--timeframe', '1d', '--out', out,
    );
    expect(result.metrics.tradeCount).toBe(result.trades.length);
    expect(result.metrics.tradeCount).toBeGreaterThan(5);
    expect(Number.isFinite(result.metrics.finalEquity)).toBe(true);
    for (const f of ['trades.csv', 'equity.csv', 'report.json']) expect(existsSync(path.join(out, f))).toBe(true);
    expect(readFileSync(path.join(out, 'equity.csv'), 'utf8').trim().split('\n')).toHaveLength(2149);

    // The same inputs give the same hash and metrics; different costs give another hash.
    const again = await json<{ runId: string; hash: string; metrics: Record<string, number> }>(
      dir, 'backtest', '--template', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--symbol', 'GOOG', '--timeframe', '1d',
    );
    expect(again.hash).toBe(result.hash);
    expect(again.metrics).toEqual(result.metrics);
    const cheaper = await json<{ runId: string; hash: string }>(
      dir, 'backtest', '--template', 'sma-cross', '--param', 'fast=10', '--param', 'slow=30', '--symbol', 'GOOG', '--timeframe', '1d', '--commission', '0',
    );
    expect(cheaper.hash).not.toBe(result.hash);

    const list = await json<{ runs: { id: string }[]; total: number }>(dir, 'runs', 'list');
    expect(list.total).toBe(3);
    const compared = await json<{ metrics: { name: string; values: number[] }[] }>(dir, 'runs', 'compare', result.runId, cheaper.runId);
    const fees = compared.metrics.find((m) => m.name === 'totalFees')!;
    expect(fees.values[0]).toBeGreaterThan(fees.values[1]!);
    // What `backtest` printed (the engine's result, not read back) is what was stored.
    const shown = await json<{ id: string; hash: string; trades: unknown[]; equityPoints: number }>(dir, 'runs', 'show', result.runId, '--out', path.join(dir, 'shown'));
    expect(shown.hash).toBe(result.hash);
    expect(JSON.stringify(shown.trades)).toBe(JSON.stringify(result.trades));
    expect(shown.equityPoints).toBe(2148);
    expect(readFileSync(path.join(dir, 'shown', 'equity.csv'), 'utf8')).toBe(readFileSync(path.join(out, 'equity.csv'), 'utf8'));
    // The runs commands call the app's handlers: their input is checked by the contract's schemas.
    const tooMany = await bws(dir, 'runs', 'list', '--limit', '5000');
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(/ValidationError: Invalid input for runs\/list: limit/);
    await json(dir, 'runs', 'delete', again.runId);
    expect((await json<{ total: number }>(dir, 'runs', 'list')).total).toBe(2);
  });

  it('builds a template for the direction asked: --direction short trades short only, both trades both sides', async () => {
    const args = ['backtest', '--template', 'sma-cross', '--symbol', 'GOOG', '--timeframe', '1d'];
    const short = await json<{ trades: { side: string }[] }>(dir, ...args, '--direction', 'short');
    expect(short.trades.length).toBeGreaterThan(5);
    expect(new Set(short.trades.map((t) => t.side))).toEqual(new Set(['short']));
    const both = await json<{ trades: { side: string }[] }>(dir, ...args, '--direction', 'both');
    expect(new Set(both.trades.map((t) => t.side))).toEqual(new Set(['long', 'short']));
    const rsi = await json<{ trades: { side: string }[] }>(dir, 'backtest', '--template', 'rsi-mean-reversion', '--param', 'period=10', '--symbol', 'GOOG', '--timeframe', '1d', '--direction', 'short');
    expect(rsi.trades.every((t) => t.side === 'short')).toBe(true);
    const sideways = await bws(dir, ...args, '--direction', 'sideways');
    expect(sideways.code).toBe(2);
    expect(sideways.stderr).toContain('--direction: expected long, short or both, got "sideways"');
  });

  it('refuses a bad CSV with file and line, and keeps what was stored', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,2,0.5,abc,10\n');
    const outcome = await bws(dir, 'data', 'import', bad, '--symbol', 'GOOG', '--timeframe', '1d');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`${bad}:3:`);
    const list = await json<{ series: { barCount: number }[] }>(dir, 'data', 'list');
    expect(list.series[0]!.barCount).toBe(2148);
  });

  it('takes the timeframe from the bar spacing, refuses a contradicting --timeframe, and --force-timeframe overrides', async () => {
    const own = mkdtempSync(path.join(os.tmpdir(), 'bws-cli-tf-'));
    const refused = await bws(own, 'data', 'import', GOOG, '--symbol', 'GOOG', '--timeframe', '1m');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('GOOG.csv: its bars are 1d apart');
    expect(refused.stderr).toContain('but the timeframe chosen is 1m; import it as 1d');
    expect(refused.stderr).toContain('--force-timeframe');
    expect((await json<{ series: unknown[] }>(own, 'data', 'list')).series).toEqual([]);
    expect(await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG')).toMatchObject({ timeframe: '1d', barsWritten: { inserted: 2148 } });
    expect(await json(own, 'data', 'import', GOOG, '--symbol', 'GOOGM', '--timeframe', '1m', '--force-timeframe')).toMatchObject({ timeframe: '1m' });
  });

  it('takes the price tick from the file by default (--tick auto) and keeps a stored one', async () => {
    const own = mkdtempSync(path.join(os.tmpdir(), 'bws-cli-tick-'));
    const eurusd = marketDataFile('EURUSD.csv');
    expect(await json(own, 'data', 'import', eurusd, '--symbol', 'EURUSD')).toMatchObject({ priceTick: 0.00001, priceTickSource: 'inferred' });
    expect(await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG', '--tick', 'auto')).toMatchObject({ priceTick: 0.01, priceTickSource: 'inferred' });
    const kept = await bws(own, 'data', 'import', eurusd, '--symbol', 'GOOG', '--timeframe', '1h');
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/Warning: \S*EURUSD\.csv quotes prices to 5 decimals, finer than GOOG's stored price tick 0\.01/);
    const list = await json<{ series: { symbol: string; priceTick: number }[] }>(own, 'data', 'list');
    expect(list.series.map((s) => [s.symbol, s.priceTick])).toEqual([['EURUSD', 0.00001], ['GOOG', 0.01], ['GOOG', 0.01]]);
  });

  it('exports without replacing an existing file unless --overwrite, and names a missing folder', async () => {
    const out = path.join(dir, 'kept.csv');
    writeFileSync(out, 'mine\n');
    const refused = await bws(dir, 'data', 'export', '--symbol', 'GOOG', '--timeframe', '1d', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${out} already exists; nothing was written. Pass --overwrite to replace it`);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    expect(await json(dir, 'data', 'export', '--symbol', 'GOOG', '--timeframe', '1d', '--overwrite', out)).toMatchObject({ bars: 2148, file: out });
    const missing = await bws(dir, 'data', 'export', '--symbol', 'GOOG', '--timeframe', '1d', path.join(dir, 'no-such-folder', 'x.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`The folder ${path.join(dir, 'no-such-folder')} does not exist`);
  });

  it('exports the only stored timeframe when --timeframe is left out, and names them when there are several', async () => {
    const own = mkdtempSync(path.join(os.tmpdir(), 'bws-cli-export-tf-'));
    await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG');
    const out = path.join(own, 'goog.csv');
    expect(await json(own, 'data', 'export', '--symbol', 'GOOG', out)).toMatchObject({ bars: 2148 });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2149);
    await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG', '--timeframe', '1m', '--force-timeframe');
    const several = await bws(own, 'data', 'export', '--symbol', 'GOOG', '--overwrite', out);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('--timeframe is required: GOOG has bars in 1m, 1d');
    // A timeframe that is not stored is refused, naming the stored ones; no header-only file is left.
    const notStored = await bws(own, 'data', 'export', '--symbol', 'GOOG', '--timeframe', '1h', path.join(own, 'goog-1h.csv'));
    expect(notStored.code).toBe(1);
    expect(notStored.stderr).toContain('No 1h bars of GOOG are stored; its timeframes are 1m, 1d');
    expect(existsSync(path.join(own, 'goog-1h.csv'))).toBe(false);
    const none = await bws(own, 'data', 'export', '--symbol', 'NOPE', path.join(own, 'nope.csv'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No bars stored for "NOPE"');
    expect(existsSync(path.join(own, 'nope.csv'))).toBe(false);
  });

  it("backtests an instrument without minutes on its stored timeframe when --timeframe is left out", async () => {
    const own = mkdtempSync(path.join(os.tmpdir(), 'bws-cli-backtest-tf-'));
    await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG');
    // GOOG is stored daily: no 1m run can be built from it, so the default is its 1d.
    const run = await json<{ timeframe: string; metrics: { tradeCount: number } }>(own, 'backtest', '--template', 'sma-cross', '--symbol', 'GOOG');
    expect(run.timeframe).toBe('1d');
    expect(run.metrics.tradeCount).toBeGreaterThan(5);
    await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG', '--timeframe', '1h', '--force-timeframe');
    const several = await bws(own, 'backtest', '--template', 'sma-cross', '--symbol', 'GOOG');
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('--timeframe is required: GOOG has bars in');
  });

  it('deletes one timeframe or a whole instrument; a run made on it keeps its results', async () => {
    const own = mkdtempSync(path.join(os.tmpdir(), 'bws-cli-delete-'));
    await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG');
    await json(own, 'data', 'import', GOOG, '--symbol', 'GOOG', '--timeframe', '1m', '--force-timeframe');
    await json(own, 'data', 'import', GOOG, '--symbol', 'KEEP');
    const run = await json<{ runId: string; metrics: { finalEquity: number } }>(own, 'backtest', '--template', 'sma-cross', '--symbol', 'GOOG', '--timeframe', '1d');
    const symbols = async () => (await json<{ series: { symbol: string; timeframe: string }[] }>(own, 'data', 'list')).series.map((s) => `${s.symbol} ${s.timeframe}`);

    expect(await json(own, 'data', 'delete', '--symbol', 'GOOG', '--timeframe', '1m')).toEqual({ symbol: 'GOOG', timeframes: ['1m'], instrumentDeleted: false, bars: 2148 });
    expect(await symbols()).toEqual(['GOOG 1d', 'KEEP 1d']);
    const missing = await bws(own, 'data', 'delete', '--symbol', 'GOOG', '--timeframe', '1m');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No 1m bars of GOOG are stored; its timeframes are 1d');

    const whole = await bws(own, 'data', 'delete', '--symbol', 'GOOG');
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain('Deleted 2,148 bars of GOOG (every timeframe: 1d). Stored runs keep their results.');
    expect(await symbols()).toEqual(['KEEP 1d']);
    expect((await bws(own, 'data', 'delete', '--symbol', 'GOOG')).stderr).toContain('No bars of "GOOG" are stored');
    // The run on the deleted bars: still listed, still shown with its metrics.
    expect((await json<{ metrics: { finalEquity: number } }>(own, 'runs', 'show', run.runId)).metrics.finalEquity).toBe(run.metrics.finalEquity);
    // Deleted at once: the symbol imports again, as a new instrument.
    expect((await json<{ barsWritten: { inserted: number } }>(own, 'data', 'import', GOOG, '--symbol', 'GOOG')).barsWritten.inserted).toBe(2148);
    const usage = await bws(own, 'data', 'delete', '--timeframe', '1d');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--symbol is required');
  });

  it('answers usage errors on stderr with exit code 2', async () => {
    const missing = await bws(dir, 'backtest', '--template', 'sma-cross');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--symbol is required');
    const unknown = await bws(dir, 'frobnicate');
    expect(unknown.code).toBe(2);
    // The command as typed, not the option after it (--data-dir here).
    expect(unknown.stderr).toContain('unknown command "frobnicate"; run `bws --help`');
    const none = await runBws(dir, ['--json']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no command before --json');
    // A range with --to not after --from is a usage error, not "no bars in the requested range".
    const inverted = await bws(dir, 'backtest', '--template', 'sma-cross', '--symbol', 'GOOG', '--timeframe', '1d', '--from', '2012-01-01', '--to', '2011-01-01');
    expect(inverted.code).toBe(2);
    expect(inverted.stderr).toContain('--to must be after --from (got --from 2012-01-01, --to 2011-01-01)');
    const invertedExport = await bws(dir, 'data', 'export', '--symbol', 'GOOG', '--from', '2012-01-01', '--to', '2012-01-01', path.join(dir, 'empty-range.csv'));
    expect(invertedExport.code).toBe(2);
    expect(existsSync(path.join(dir, 'empty-range.csv'))).toBe(false);
    const badTf = await bws(dir, 'backtest', '--template', 'sma-cross', '--symbol', 'GOOG', '--timeframe', '7m');
    expect(badTf.code).toBe(2);
    expect(badTf.stderr).toContain('Unknown timeframe');
    const badSpec = path.join(dir, 'spec.json');
    writeFileSync(badSpec, JSON.stringify({ version: 1, name: 'x', direction: 'sideways' }));
    const invalid = await bws(dir, 'backtest', '--spec', badSpec, '--symbol', 'GOOG', '--timeframe', '1d');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('ValidationError');
    expect(invalid.stderr).toContain('direction');
  });
});
