import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { CancelledError, ImportRejectedError, NotFoundError, ValidationError } from '../../application/errors.js';
import { importBars, type BarRowSource, type ImportBarsOptions } from '../../application/data/import-bars.js';
import { CsvBarSource } from './csv-bar-source.js';
import { LineReader, MAX_LINE_CHARS } from './line-reader.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { csvBarExporter } from './bar-file-adapters.js';
import { exportBarsCsv } from './export-csv.js';
import { FilePolicy } from '../files/file-policy.js';
import { importCsvFile } from './import-csv-file.js';
import { writeRandomWalkCsv } from '../test-kit/random-walk-csv.js';
import { marketDataFile } from '../test-kit/market-data.js';

let dir: string;
let storage: Storage;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-csv-'));
  storage = openStorage({ file: path.join(dir, 'test.sqlite'), readers: 1 });
});

afterEach(() => {
  storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function csvFile(text: string, name = 'bars.csv'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function importText(text: string, options: Partial<ImportBarsOptions> = {}) {
  return importCsvFile(storage.barStore, { file: csvFile(text), symbol: 'TEST', timeframe: '1m', ...options });
}

function stored(symbol = 'TEST', timeframe: '1m' | '1h' | '1d' = '1m') {
  const instrument = storage.barStore.findInstrument(symbol);
  if (!instrument) return null;
  const bars = storage.barStore.readBars(instrument.id, timeframe);
  return Array.from(bars.ts, (ts, i) => [ts, bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]);
}

function rejection(fn: () => unknown): ImportRejectedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ImportRejectedError) return error;
    throw error;
  }
  throw new Error('expected ImportRejectedError');
}

const T0 = Date.UTC(2024, 0, 1);
const M = 60_000;

describe('formats', () => {
  it('reads a header in any case and order, ignores adj close, with ISO timestamps', () => {
    const report = importText('Volume,CLOSE,Adj Close,low,High,Open,Date\n10,1.5,9,1,2,1.2,2024-01-01T00:00:00Z\n11,1.6,9,1.1,2.1,1.3,2024-01-01T00:01:00Z\n');
    expect(report.rowsRead).toBe(2);
    expect(report.barsWritten).toEqual({ inserted: 2, replaced: 0 });
    expect(stored()).toEqual([
      [T0, 1.2, 2, 1, 1.5, 10],
      [T0 + M, 1.3, 2.1, 1.1, 1.6, 11],
    ]);
  });

  it.each([
    ['semicolon', 'time;o;h;l;c;vol\n2024-01-01 00:00;1;2;0.5;1.5;3\n'],
    ['tab', 'datetime\topen\thigh\tlow\tclose\tvolume\n2024-01-01 00:00:00\t1\t2\t0.5\t1.5\t3\n'],
    ['BOM and CRLF', '\uFEFFtimestamp,open,high,low,close,volume\r\n2024-01-01T00:00:00,1,2,0.5,1.5,3\r\n'],
    ['quoted fields', '"timestamp","open","high","low","close","volume"\n"2024-01-01T00:00:00Z","1","2","0.5","1.5","3"\n'],
    ['zone offset', 'timestamp,open,high,low,close,volume\n2024-01-01T01:00:00+01:00,1,2,0.5,1.5,3\n'],
    ['epoch seconds', 'open_time,open,high,low,close,volume\n1704067200,1,2,0.5,1.5,3\n'],
    ['epoch ms', 'ts,open,high,low,close,volume\n1704067200000,1,2,0.5,1.5,3\n'],
    ['epoch µs', 'timestamp,open,high,low,close,volume\n1704067200000000,1,2,0.5,1.5,3\n'],
    ['date only, no volume column', 'date,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n'],
  ])('reads %s', (_name, text) => {
    importText(text);
    const rows = stored();
    expect(rows).toHaveLength(1);
    expect(rows![0]!.slice(0, 5)).toEqual([T0, 1, 2, 0.5, 1.5]);
  });

  it('reads a quoted field holding the delimiter and a line break', () => {
    importText('timestamp,open,high,low,close,volume,note\n2024-01-01T00:00:00Z,1,2,0.5,1.5,3,"a, ""b""\nc"\n2024-01-01T00:01:00Z,1,2,0.5,1.5,4,x\n');
    expect(stored()).toHaveLength(2);
  });

  it('reads a Binance kline CSV without header', () => {
    const line = (t: number) => `${t},42000.1,42100,41900.5,42050,12.5,${t + 59_999},525000.1,100,6.1,256000.2,0`;
    importText(`${line(T0)}\n${line(T0 + M)}\n`, { symbol: 'BTCUSDT' });
    expect(stored('BTCUSDT')).toEqual([
      [T0, 42000.1, 42100, 41900.5, 42050, 12.5],
      [T0 + M, 42000.1, 42100, 41900.5, 42050, 12.5],
    ]);
  });

  it('imports the real pandas files GOOG.csv (daily, date only) and EURUSD.csv (hourly) as they are', () => {
    const goog = importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'GOOG', timeframe: '1d' });
    expect(goog.rowsRead).toBe(2148);
    expect(goog.barsWritten.inserted).toBe(2148);
    expect(goog.firstTs).toBe(Date.UTC(2004, 7, 19));
    expect(goog.lastTs).toBe(Date.UTC(2013, 2, 1));
    expect(stored('GOOG', '1d')![0]).toEqual([Date.UTC(2004, 7, 19), 100, 104.06, 95.96, 100.34, 22351900]);

    const eurusd = importCsvFile(storage.barStore, { file: marketDataFile('EURUSD.csv'), symbol: 'EURUSD', timeframe: '1h', tick: 0.00001 });
    expect(eurusd.barsWritten.inserted).toBe(5000);
    expect(eurusd.firstTs).toBe(Date.UTC(2017, 3, 19, 9));
    expect(stored('EURUSD', '1h')![1]).toEqual([Date.UTC(2017, 3, 19, 10), 1.07214, 1.07296, 1.07214, 1.0726, 1241]);
    expect(storage.barStore.findInstrument('EURUSD')!.priceTick).toBe(0.00001);
  });

  it('counts the weekends of the real daily stock and hourly FX files as closures, not gaps', () => {
    importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'GOOG', timeframe: '1d' });
    importCsvFile(storage.barStore, { file: marketDataFile('EURUSD.csv'), symbol: 'EURUSD', timeframe: '1h', tick: 0.00001 });
    const summary = (symbol: string) => storage.barStore.listSeries().find((s) => s.instrument.symbol === symbol)!;
    const coverage = (symbol: string, timeframe: '1d' | '1h') => storage.barStore.coverage(storage.barStore.findInstrument(symbol)!.id, timeframe);
    // 443 weekends (holidays beside them included); what is left are the two closures of
    // more than a weekday: Ford's day of mourning after New Year 2007, and Hurricane Sandy.
    // Each lacks two weekday bars (Monday and Tuesday); the weekend between is not missing.
    expect(summary('GOOG')).toMatchObject({ gapCount: 2, weekendClosures: 443 });
    expect(coverage('GOOG', '1d')).toMatchObject({
      weekendClosures: 443,
      gaps: [
        { afterTs: Date.UTC(2006, 11, 29), beforeTs: Date.UTC(2007, 0, 3), missingBars: 2 },
        { afterTs: Date.UTC(2012, 9, 26), beforeTs: Date.UTC(2012, 9, 31), missingBars: 2 },
      ],
    });
    // FX closes Friday evening and reopens Sunday evening (UTC): every hole is a weekend.
    expect(summary('EURUSD')).toMatchObject({ gapCount: 0, weekendClosures: 42 });
    expect(coverage('EURUSD', '1h')).toMatchObject({ gaps: [], weekendClosures: 42 });
  });
});

describe('price tick', () => {
  const tickOf = (symbol: string) => storage.barStore.findInstrument(symbol)!.priceTick;

  it('takes a new instrument\'s tick from the finest decimal of the real files\' prices', () => {
    const eurusd = importCsvFile(storage.barStore, { file: marketDataFile('EURUSD.csv'), symbol: 'EURUSD' });
    expect(eurusd).toMatchObject({ priceTick: 0.00001, priceTickSource: 'inferred', warnings: [] });
    expect(tickOf('EURUSD')).toBe(0.00001);
    const goog = importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'GOOG' });
    expect(goog).toMatchObject({ priceTick: 0.01, priceTickSource: 'inferred' });
    expect(tickOf('GOOG')).toBe(0.01);
  });

  it('reads every OHLC column, leaves binary noise out, and counts whole prices as a tick of 1', () => {
    importText(`ts,open,high,low,close,volume\n${T0},100,101,99,100,1\n${T0 + M},100,101.0999999999,99,100.25,1\n`, { symbol: 'NOISE' });
    expect(tickOf('NOISE')).toBe(0.01);
    importText(`ts,open,high,low,close,volume\n${T0},100,101,99,100,1\n${T0 + M},100,101,98.125,100,1\n`, { symbol: 'LOW' });
    expect(tickOf('LOW')).toBe(0.001);
    importText(`ts,open,high,low,close,volume\n${T0},100,101,99,100,1.5\n`, { symbol: 'WHOLE' });
    expect(tickOf('WHOLE')).toBe(1);
  });

  it('infers the tick of an unsorted file from both passes alike', () => {
    importText(`ts,open,high,low,close,volume\n${T0 + M},1.5,1.5,1.5,1.5,1\n${T0},1.2345,1.3,1.2,1.25,1\n`, { symbol: 'UNSORTED' });
    expect(tickOf('UNSORTED')).toBe(0.0001);
  });

  it('keeps a stored instrument\'s tick and warns when the file quotes finer prices; a given tick replaces it', () => {
    // FX holds GOOG's and EUR/USD's prices here: only the tick's warnings are this test's (the prices' levels are another's).
    const tickSaid = (report: { warnings: readonly string[] }) => report.warnings.filter((w) => w.includes('price tick'));
    importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'FX', tick: 0.01 });
    const again = importCsvFile(storage.barStore, { file: marketDataFile('EURUSD.csv'), symbol: 'FX', timeframe: '1h' });
    expect(again).toMatchObject({ priceTick: 0.01, priceTickSource: 'stored' });
    expect(tickSaid(again)).toEqual([expect.stringMatching(/EURUSD\.csv quotes prices to 5 decimals, finer than FX's stored price tick 0\.01.*price tick 0\.00001/)]);
    expect(tickOf('FX')).toBe(0.01);
    // A coarser file says nothing.
    expect(tickSaid(importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'FX' }))).toEqual([]);
    const given = importCsvFile(storage.barStore, { file: marketDataFile('EURUSD.csv'), symbol: 'FX', timeframe: '1h', tick: 0.00001 });
    expect(given).toMatchObject({ priceTick: 0.00001, priceTickSource: 'given' });
    expect(tickSaid(given)).toEqual([]);
    expect(tickOf('FX')).toBe(0.00001);
    // A given tick coarser than the file's prices is kept, and said: fills are rounded to it.
    const coarse = importCsvFile(storage.barStore, { file: marketDataFile('EURUSD.csv'), symbol: 'FX', timeframe: '1h', tick: 1000 });
    expect(coarse).toMatchObject({ priceTick: 1000, priceTickSource: 'given' });
    expect(tickSaid(coarse)).toEqual([expect.stringMatching(/EURUSD\.csv quotes prices to 5 decimals, finer than the price tick 1000 given: backtests round fills to the tick/)]);
  });

  it('leaves no instrument behind when a file is refused', () => {
    expect(() => importText(`ts,open,high,low,close,volume\n${T0},1.23456,0.5,1,1,1\n`, { symbol: 'BAD' })).toThrow(ImportRejectedError);
    expect(storage.barStore.findInstrument('BAD')).toBeNull();
  });
});

describe('timeframe and bar spacing', () => {
  it('detects the timeframe of the real files: GOOG daily as 1d, EUR/USD hourly as 1h', () => {
    const goog = importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'GOOG' });
    expect(goog).toMatchObject({ timeframe: '1d', spacingMs: 86_400_000, barsWritten: { inserted: 2148, replaced: 0 } });
    expect(stored('GOOG', '1d')).toHaveLength(2148);
    const eurusd = importCsvFile(storage.barStore, { file: marketDataFile('EURUSD.csv'), symbol: 'EURUSD', timeframe: 'auto', tick: 0.00001 });
    expect(eurusd).toMatchObject({ timeframe: '1h', spacingMs: 3_600_000 });
  });

  it('refuses daily bars imported as 1m, saying what was detected and what was chosen, and keeps what was stored', () => {
    importText(header1m(0, 3));
    const before = stored('TEST', '1m');
    const goog = marketDataFile('GOOG.csv');
    expect(() => importCsvFile(storage.barStore, { file: goog, symbol: 'TEST', timeframe: '1m' })).toThrow(
      /GOOG\.csv: its bars are 1d apart \(the most common step between its first 1000 bars\), but the timeframe chosen is 1m; import it as 1d/,
    );
    expect(stored('TEST', '1m')).toEqual(before);
    expect(stored('TEST', '1d')).toEqual([]);
  });

  it('refuses bars spaced closer than the chosen timeframe, even a few of them', () => {
    expect(() => importText(header1m(0, 3), { timeframe: '5m' })).toThrow(/bars are 1m apart .* but the timeframe chosen is 5m; import it as 1m/);
    expect(stored()).toBeNull();
  });

  it('forceTimeframe imports under the chosen timeframe whatever the spacing', () => {
    const report = importCsvFile(storage.barStore, { file: marketDataFile('GOOG.csv'), symbol: 'GOOG', timeframe: '1m', forceTimeframe: true });
    expect(report).toMatchObject({ timeframe: '1m', spacingMs: 86_400_000 });
    expect(stored('GOOG', '1m')).toHaveLength(2148);
  });

  it('auto judges an unsorted file by its sorted bars, and refuses a spacing no timeframe has', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => i).sort((a, b) => ((a * 7919) % 3001) - ((b * 7919) % 3001));
    const text = 'timestamp,open,high,low,close,volume\n' + rows.map((m) => `${new Date(T0 + m * 5 * M).toISOString()},1,2,0.5,1.5,3\n`).join('');
    expect(importText(text, { timeframe: 'auto' })).toMatchObject({ timeframe: '5m', spacingMs: 5 * M });
    expect(() => importText(header1m(0, 3, 2), { timeframe: 'auto', symbol: 'TWOMIN' })).toThrow(/bars are 2m apart .*not a timeframe the workstation stores/);
    expect(() => importText(header1m(0, 1), { timeframe: 'auto', symbol: 'ONEBAR' })).toThrow(/cannot be detected from fewer than two bars/);
    expect(storage.barStore.findInstrument('TWOMIN')).toBeNull();
  });
});

describe('file name and progress', () => {
  it('names the file by fileName (an upload\'s original name) in messages and row errors, never by its path', () => {
    const upload = csvFile(header1m(0, 2) + 'not-a-date,1,2,0.5,1.5,3\n', '1796407731552-0a1b2c3d4e5f-bad.csv');
    const error = rejection(() => importCsvFile(storage.barStore, { file: upload, fileName: 'bad.csv', symbol: 'BAD', timeframe: '1m' }));
    expect(error.message).toMatch(/^bad\.csv: 1 bad row/);
    expect(error.rowErrors[0]).toMatchObject({ file: 'bad.csv', line: 4 });
    expect(JSON.stringify({ message: error.message, rows: error.rowErrors })).not.toContain(dir);
    const missing = path.join(dir, 'uploads', '1796407731552-gone.csv');
    expect(() => importCsvFile(storage.barStore, { file: missing, fileName: 'gone.csv', symbol: 'BAD' })).toThrow(/^File not found: gone\.csv$/);
  });

  it('ends its progress on the whole file: every row read, every byte', () => {
    const file = path.join(dir, 'walk.csv');
    writeRandomWalkCsv(file, { rows: 50_000 });
    const seen: { rowsRead: number; bytesRead: number; totalBytes: number }[] = [];
    importCsvFile(storage.barStore, { file, symbol: 'WALK', timeframe: '1m' }, { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toMatchObject({ rowsRead: 50_000, bytesRead: fs.statSync(file).size, totalBytes: fs.statSync(file).size });
  });
});

/** A header and `count` 1-minute bars (or `step` minutes apart) from minute `from`. */
function header1m(from: number, count: number, step = 1): string {
  return 'timestamp,open,high,low,close,volume\n' + Array.from({ length: count }, (_, i) => `${new Date(T0 + (from + i * step) * M).toISOString()},1,2,0.5,1.5,3\n`).join('');
}

describe('validation', () => {
  const header = 'timestamp,open,high,low,close,volume\n';
  const good = (minute: number) => `2024-01-01T00:${String(minute).padStart(2, '0')}:00Z,1,2,0.5,1.5,3\n`;

  it.each([
    ['wrong column count', '2024-01-01T00:01:00Z,1,2,0.5,1.5\n', /expected 6 fields, found 5/],
    ['text in a number', '2024-01-01T00:01:00Z,1,abc,0.5,1.5,3\n', /high "abc" is not a number/],
    ['empty number', '2024-01-01T00:01:00Z,1,2,,1.5,3\n', /low is empty/],
    ['NaN', '2024-01-01T00:01:00Z,NaN,2,0.5,1.5,3\n', /open "NaN" is not a number/],
    ['Infinity', '2024-01-01T00:01:00Z,1,Infinity,0.5,1.5,3\n', /high "Infinity" is not finite/],
    ['unparseable timestamp', 'yesterday,1,2,0.5,1.5,3\n', /timestamp "yesterday" is not a recognised date\/time/],
    ['impossible date', '2024-02-30T00:00:00Z,1,2,0.5,1.5,3\n', /not a recognised date\/time/],
    ['mixed timestamp format', '1704067260000,1,2,0.5,1.5,3\n', /epoch number, but this file uses date\/time text/],
    ['negative price', '2024-01-01T00:01:00Z,-1,2,0.5,1.5,3\n', /open must be a finite positive price/],
    ['low above open', '2024-01-01T00:01:00Z,1,2,1.2,1.5,3\n', /low 1.2 is above min\(open, close\)/],
    ['high below close', '2024-01-01T00:01:00Z,1,1.2,0.5,1.5,3\n', /high 1.2 is below max\(open, close\)/],
    ['negative volume', '2024-01-01T00:01:00Z,1,2,0.5,1.5,-3\n', /volume must be finite and >= 0/],
    ['a hex number', '2024-01-01T00:01:00Z,0x1,2,0.5,1.5,3\n', /open "0x1" is not a decimal number \(hex, octal and binary/],
    ['a binary number', '2024-01-01T00:01:00Z,1,0b10,0.5,1.5,3\n', /high "0b10" is not a decimal number/],
  ])('refuses the file on %s, naming file and line, writing nothing', (_name, bad, message) => {
    const error = rejection(() => importText(header + good(0) + bad + good(2)));
    expect(error.rowErrors).toHaveLength(1);
    expect(error.rowErrors[0]).toMatchObject({ file: path.join(dir, 'bars.csv'), line: 3 });
    expect(error.rowErrors[0]!.message).toMatch(message);
    expect(error.message).toContain('line 3');
    expect(stored()).toBeNull();
  });

  it('imports prices that look wrong (above 1e12, a close 1000 times the one before) and says which rows', () => {
    const row = (minute: number, o: number, h: number, l: number, c: number) => `2024-01-01T00:${String(minute).padStart(2, '0')}:00Z,${o},${h},${l},${c},1\n`;
    const text =
      header + row(0, 100, 101, 99, 100) + row(1, 100, 1e300, 99, 100) + row(2, 100, 101, 99, 100) +
      row(3, 100, 1.5e8, 99, 1e8) + row(4, 100, 101, 99, 100) + row(5, 100, 101, 0.05, 0.09) + row(6, 0.09, 0.1, 0.08, 0.09);
    const report = importText(text, { fileName: 'spiky.csv' });
    expect(report.warnings).toEqual([
      'spiky.csv: 4 rows have prices that look wrong: line 3 (a price of 1e+300), line 5 (close 100000000 after 100), line 6 (close 100 after 100000000), ' +
        'line 7 (close 0.09 after 100). They were imported as they are; check the file: a backtest over them trades at these prices.',
    ]);
    // Nothing is lost: every row is stored as it was read.
    expect(report.barsWritten).toEqual({ inserted: 7, replaced: 0 });
    expect(stored()![1]).toEqual([T0 + M, 100, 1e300, 99, 100, 1]);
    // Rows out of order are judged in time order; at most five are named, all are counted.
    const many = [row(9, 100, 101, 99, 100), ...Array.from({ length: 7 }, (_, i) => row(i + 10, 1, 1e13, 1, 1))];
    const unsorted = importText(header + many.reverse().join(''), { symbol: 'MANY' });
    expect(unsorted.warnings).toEqual([expect.stringMatching(/bars\.csv: 7 rows have prices that look wrong: line 8 \(a price of 10000000000000\), line 7 .* and 2 more\. They were imported/)]);
    expect(unsorted.barsWritten.inserted).toBe(8);
    // An ordinary file says nothing.
    expect(importText(header + good(0) + good(1) + good(2), { symbol: 'CALM' }).warnings).toEqual([]);
  });

  it("warns when a file's prices are far from the instrument's stored ones (another instrument's file under this symbol), and imports it", () => {
    const goog = marketDataFile('GOOG.csv');
    const eurusd = marketDataFile('EURUSD.csv');
    expect(importCsvFile(storage.barStore, { file: goog, symbol: 'GOOG' }).warnings).toEqual([]);
    // The same file again, and EUR/USD under its own symbol: nothing to say.
    expect(importCsvFile(storage.barStore, { file: goog, symbol: 'GOOG' }).warnings).toEqual([]);
    expect(importCsvFile(storage.barStore, { file: eurusd, symbol: 'EURUSD' }).warnings).toEqual([]);
    // EUR/USD (1.07, 2017) as GOOG (daily up to 2013, ~800 at its end): four years apart, 750 times.
    const wrong = importCsvFile(storage.barStore, { file: eurusd, symbol: 'GOOG', fileName: 'EURUSD.csv' });
    // (Beside the finer price tick's warning.)
    expect(wrong.warnings).toContainEqual(expect.stringMatching(/^EURUSD\.csv: its prices \(close 1\.07219 on 2017-04-19 09:00 UTC\) are far from GOOG 1d as stored \(close [\d.]+ on 2013-\d\d-\d\d 00:00 UTC\): is GOOG the right symbol for this file\? The bars were imported/));
    expect(wrong.barsWritten.inserted).toBeGreaterThan(0);
    // Near in time the bar is 5 times: a daily close at a tenth of the stored one a day later.
    const near = `timestamp,open,high,low,close,volume\n2013-03-04T00:00:00Z,80,81,79,80,1\n2013-03-05T00:00:00Z,80,81,79,80,1\n`;
    expect(importCsvFile(storage.barStore, { file: csvFile(near, 'tenth.csv'), symbol: 'GOOG', timeframe: '1d', fileName: 'tenth.csv' }).warnings).toContainEqual(
      'tenth.csv: its prices (close 80 on 2013-03-04 00:00 UTC) are far from GOOG 1d as stored (close 806.19 on 2013-03-01 00:00 UTC): is GOOG the right symbol for this file? The bars were imported; delete the series on the Data screen if not.',
    );
  });

  it('mixed epoch units are an error (seconds then milliseconds)', () => {
    const error = rejection(() => importText('ts,open,high,low,close\n1704067200,1,2,0.5,1.5\n1704067260000,1,2,0.5,1.5\n'));
    expect(error.rowErrors[0]).toMatchObject({ line: 3 });
    expect(error.rowErrors[0]!.message).toMatch(/looks like epoch-ms, but this file uses epoch-s/);
  });

  it('a missing file, a directory or bad options are typed errors that write nothing', () => {
    expect(() => importCsvFile(storage.barStore, { file: path.join(dir, 'nope.csv'), symbol: 'TEST' })).toThrow(NotFoundError);
    expect(() => importCsvFile(storage.barStore, { file: dir, symbol: 'TEST' })).toThrow(ValidationError);
    expect(() => importText('date,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n', { timeframe: '7m' })).toThrow(ValidationError);
    expect(() => importText('date,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n', { symbol: 'bad symbol!' })).toThrow(ValidationError);
    expect(storage.barStore.listInstruments()).toEqual([]);
  });

  it('reads CR-only line breaks, and says how many bars a file too short to time holds', () => {
    const cr = 'timestamp,open,high,low,close,volume\r2024-01-01T00:00:00Z,1,2,0.5,1.5,3\r2024-01-01T00:01:00Z,1,2,0.5,1.5,3\r2024-01-01T00:02:00Z,1,2,0.5,1.5,3';
    expect(importCsvFile(storage.barStore, { file: csvFile(cr, 'cr.csv'), symbol: 'CR' })).toMatchObject({ rowsRead: 3, timeframe: '1m', barsWritten: { inserted: 3 } });
    const one = csvFile('2024-01-01T00:00:00Z,1,2,0.5,1.5,3', 'one.csv');
    expect(() => importCsvFile(storage.barStore, { file: one, symbol: 'ONE' })).toThrow(/fewer than two bars with distinct timestamps \(the file holds 1 bar\); choose the timeframe/);
    expect(importCsvFile(storage.barStore, { file: one, symbol: 'ONE', timeframe: '1d' }).barsWritten.inserted).toBe(1);
  });

  it('keeps the file\'s text out of messages when asked to', () => {
    const secret = csvFile('timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,s3cret,2,0.5,1.5,3\n', 'secret.csv');
    const shown = rejection(() => importCsvFile(storage.barStore, { file: secret, symbol: 'S' }));
    expect(shown.message).toContain('s3cret');
    const hidden = rejection(() => importCsvFile(storage.barStore, { file: secret, symbol: 'S', showContent: false }));
    expect(JSON.stringify([hidden.message, hidden.rowErrors])).not.toContain('s3cret');
    expect(hidden.rowErrors[0]!.message).toBe('open (6 characters, not shown) is not a number');
    const notCsv = csvFile('root:$6$abcdef:19000:0:99999:7:::\n', 'shadow');
    const layout = rejection(() => importCsvFile(storage.barStore, { file: notCsv, symbol: 'S', showContent: false }));
    expect(layout.message).not.toContain('root');
  });

  it('an unrecognised header refuses the file at line 1', () => {
    const error = rejection(() => importText('foo,bar,baz\n1,2,3\n'));
    expect(error.rowErrors[0]).toMatchObject({ line: 1 });
  });

  it('lists at most 1000 errors but counts them all', () => {
    const text = header + Array.from({ length: 1500 }, (_, i) => `2024-01-02T00:00:00Z,x${i},2,0.5,1.5,3\n`).join('');
    const error = rejection(() => importText(text));
    expect(error.rowErrors).toHaveLength(1000);
    expect(error.message).toMatch(/1500 bad row/);
  });

  it('skipBadRows writes the good rows and reports each bad one', () => {
    const report = importText(header + good(0) + '2024-01-01T00:01:00Z,1,abc,0.5,1.5,3\n' + good(2) + '\n' + '2024-01-01T00:03:00Z,1,2,0.5\n', { skipBadRows: true });
    expect(report.rowsRead).toBe(4);
    expect(report.barsWritten.inserted).toBe(2);
    expect(report.skippedCount).toBe(2);
    expect(report.skipped.map((e) => e.line)).toEqual([3, 6]);
    expect(stored()!.map((r) => r[0])).toEqual([T0, T0 + 2 * M]);
  });
});

describe('ordering and duplicates', () => {
  const header = 'timestamp,open,high,low,close,volume\n';
  const row = (minute: number, close: number) => `2024-01-01T00:${String(minute).padStart(2, '0')}:00Z,1,3,0.5,${close},1\n`;

  it('rejects duplicate timestamps by default, naming both lines', () => {
    const error = rejection(() => importText(header + row(0, 1) + row(1, 1.5) + row(1, 2)));
    expect(error.rowErrors).toEqual([{ file: path.join(dir, 'bars.csv'), line: 4, message: 'duplicate timestamp 2024-01-01 00:01 UTC (also on line 3)' }]);
    expect(stored()).toBeNull();
  });

  it('lastWins keeps the later row and counts the duplicate', () => {
    const report = importText(header + row(0, 1) + row(1, 1.5) + row(1, 2) + row(2, 1), { duplicates: 'lastWins' });
    expect(report.duplicates).toBe(1);
    expect(report.barsWritten.inserted).toBe(3);
    expect(stored()!.map((r) => r[4])).toEqual([1, 2, 1]);
  });

  it('sorts rows that are out of order, and resolves duplicates among them by file order', () => {
    const report = importText(header + row(2, 1) + row(0, 1.1) + row(1, 1.2) + row(0, 2.5), { duplicates: 'lastWins' });
    expect(report.firstTs).toBe(T0);
    expect(report.lastTs).toBe(T0 + 2 * M);
    expect(report.duplicates).toBe(1);
    expect(stored()!.map((r) => [r[0], r[4]])).toEqual([
      [T0, 2.5],
      [T0 + M, 1.2],
      [T0 + 2 * M, 1],
    ]);
  });

  it('sorts a large shuffled file spanning many batches', () => {
    const n = 50_000;
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const text = header + order.map((i) => `${T0 + i * M},1,2,0.5,1.5,${i}\n`).join('');
    const report = importText(text);
    expect(report.barsWritten.inserted).toBe(n);
    const rows = stored()!;
    expect(rows.every((r, i) => r[0] === T0 + i * M && r[5] === i)).toBe(true);
  });

  it('an overlapping import merges without duplicates, replacing the overlap', () => {
    importText(header + row(0, 1) + row(1, 1) + row(2, 1));
    const report = importText(header + row(2, 2) + row(3, 2) + row(4, 2));
    expect(report.barsWritten).toEqual({ inserted: 2, replaced: 1 });
    expect(stored()!.map((r) => r[4])).toEqual([1, 1, 2, 2, 2]);
  });

  it('a refused import leaves earlier data exactly as it was', () => {
    importText(header + row(0, 1) + row(1, 1));
    const before = stored();
    rejection(() => importText(header + row(1, 2) + row(2, 2) + '2024-01-01T00:03:00Z,1,2,3,4,5\n'));
    expect(stored()).toEqual(before);
  });
});

describe('what an import reads', () => {
  it('refuses a named pipe at once instead of waiting for a writer', () => {
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    expect(() => importCsvFile(storage.barStore, { file: fifo, symbol: 'P' })).toThrow(/pipe\.csv is a named pipe \(FIFO\), not a file: only regular files can be imported/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses devices, folders and the files of /proc', () => {
    expect(() => importCsvFile(storage.barStore, { file: '/dev/zero', symbol: 'Z' })).toThrow(/\/dev\/zero is a device, not a file/);
    expect(() => importCsvFile(storage.barStore, { file: dir, symbol: 'Z' })).toThrow(/is a folder/);
    expect(() => importCsvFile(storage.barStore, { file: '/proc/self/status', symbol: 'Z' })).toThrow(/is a system file \(in \/proc\)/);
    // A link to /proc is judged by where it leads.
    const link = path.join(dir, 'status.csv');
    fs.symlinkSync('/proc/self/environ', link);
    expect(() => importCsvFile(storage.barStore, { file: link, symbol: 'Z' })).toThrow(ValidationError);
    expect(storage.barStore.listInstruments()).toEqual([]);
  });

  it('refuses a line longer than the cap without reading the file into memory, and reads no more than the file held when opened', () => {
    const noBreaks = csvFile('x'.repeat(3 * MAX_LINE_CHARS), 'one-line.csv');
    const error = rejection(() => importCsvFile(storage.barStore, { file: noBreaks, symbol: 'L' }));
    expect(error.message).toMatch(/line 1: line is longer than 1,048,576 characters \(no line break\)/);
    const reader = new LineReader(csvFile('a\nb\n', 'grows.csv'));
    fs.appendFileSync(path.join(dir, 'grows.csv'), 'c\nd\n');
    expect([reader.next(), reader.next(), reader.next()]).toEqual(['a', 'b', null]);
    reader.close();
  });

  it('checks cancel while it reads, not only between batches', () => {
    const file = path.join(dir, 'big.csv');
    writeRandomWalkCsv(file, { rows: 20_000, seed: 2, startTs: T0 });
    let polls = 0;
    const reader = new LineReader(file, { chunkBytes: 4096, isCancelled: () => ++polls > 3 });
    expect(() => {
      while (reader.next() !== null);
    }).toThrow(CancelledError);
    reader.close();
    expect(() => importCsvFile(storage.barStore, { file, symbol: 'C' }, { isCancelled: () => true })).toThrow(CancelledError);
    expect(storage.barStore.listInstruments()).toEqual([]);
  });
});

describe('write lock', () => {
  it('lets other writes through between the batches of a long import, and shows readers none of it until its commit', () => {
    const file = path.join(dir, 'long.csv');
    writeRandomWalkCsv(file, { rows: 200_000, seed: 5, startTs: T0 });
    importText('timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,3,0.5,1,1\n2024-01-01T00:01:00Z,1,3,0.5,1,1\n', { symbol: 'OTHER' });
    // A second connection that never waits for a lock (busy_timeout 0): with the import
    // holding one transaction it would get SQLITE_BUSY at its first write.
    const other = new Database(storage.file, { timeout: 0 });
    const writes: number[] = [];
    try {
      const source = new CsvBarSource(file, file);
      const openSource = (): BarRowSource => ({
        get totalBytes() {
          return source.totalBytes;
        },
        get bytesRead() {
          return source.bytesRead;
        },
        nextBatch: () => {
          const started = performance.now();
          other.prepare("UPDATE instruments SET venue = 'busy?' WHERE symbol = 'OTHER'").run();
          writes.push(performance.now() - started);
          expect(storage.barStore.findInstrument('LONG')).toBeNull();
          return source.nextBatch();
        },
        close: () => source.close(),
      });
      const report = importBars(storage.barStore, openSource, { file, symbol: 'LONG' }, { now: () => performance.now() });
      expect(report.barsWritten.inserted).toBe(200_000);
    } finally {
      other.close();
    }
    expect(writes.length).toBeGreaterThan(10);
    expect(stored('LONG')!.length).toBe(200_000);
    expect(storage.barStore.findInstrument('OTHER')!.venue).toBe('busy?');
  });
});

describe('export', () => {
  it('round-trips a generated file exactly through export and re-import', () => {
    const source = path.join(dir, 'walk.csv');
    writeRandomWalkCsv(source, { rows: 20_000, seed: 3 });
    importCsvFile(storage.barStore, { file: source, symbol: 'WALK' });
    const original = storage.barStore.readBars(storage.barStore.findInstrument('WALK')!.id, '1m');
    const out = path.join(dir, 'export.csv');
    const exported = exportBarsCsv(storage.barStore, { symbol: 'WALK', timeframe: '1m' }, out);
    expect(exported.bars).toBe(20_000);
    expect(fs.readFileSync(out, 'utf8').split('\n')[0]).toBe('timestamp,open,high,low,close,volume');
    importCsvFile(storage.barStore, { file: out, symbol: 'WALK2' });
    const again = storage.barStore.readBars(storage.barStore.findInstrument('WALK2')!.id, '1m');
    const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(again[key].length).toBe(20_000);
      expect(bytes(again[key]).equals(bytes(original[key]))).toBe(true);
    }
  });

  it('the app exporter writes a relative path under its base folder and says so; a missing folder, an existing file or a folder are refused by name', async () => {
    importText(header1m(0, 3));
    const home = fs.mkdtempSync(path.join(dir, 'home-'));
    const policy = new FilePolicy({ dataDir: path.join(dir, 'data'), baseDir: home });
    const app = csvBarExporter(storage.barStore);
    // As the data/export handler does: the policy resolves and checks, the exporter writes.
    const exporter = {
      exportCsv: async (request: { symbol: string; timeframe: '1m'; path: string; overwrite?: boolean }) => {
        const target = policy.exportTarget(request.path);
        return { ...(await app.exportCsv({ ...request, path: target.path })), ...(target.relativeTo ? { relativeTo: target.relativeTo } : {}) };
      },
    };
    const request = { symbol: 'TEST', timeframe: '1m' as const };
    expect(await exporter.exportCsv({ ...request, path: 'relative.csv' })).toEqual({ path: path.join(fs.realpathSync(home), 'relative.csv'), rows: 3, relativeTo: home });
    expect(fs.readFileSync(path.join(home, 'relative.csv'), 'utf8').split('\n')).toHaveLength(5);

    const absolute = path.join(dir, 'mine.csv');
    fs.writeFileSync(absolute, 'keep me\n');
    await expect(exporter.exportCsv({ ...request, path: absolute })).rejects.toMatchObject({
      type: 'ConflictError',
      message: `${absolute} already exists; nothing was written. Export again with overwrite to replace it`,
      details: { path: absolute, exists: true },
    });
    expect(fs.readFileSync(absolute, 'utf8')).toBe('keep me\n');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(await exporter.exportCsv({ ...request, path: absolute, overwrite: true })).toEqual({ path: absolute, rows: 3 });
    expect(fs.readFileSync(absolute, 'utf8')).toMatch(/^timestamp,open/);

    const missing = path.join(dir, 'no', 'such', 'folder');
    await expect(exporter.exportCsv({ ...request, path: path.join(missing, 'x.csv') })).rejects.toMatchObject({
      type: 'NotFoundError',
      message: `The folder ${missing} does not exist; create it or choose another folder. Nothing was written`,
    });
    await expect(exporter.exportCsv({ ...request, path: absolute + '/x.csv' })).rejects.toMatchObject({ type: 'ValidationError', message: `${absolute} is a file, not a folder. Nothing was written` });
    await expect(exporter.exportCsv({ ...request, path: home })).rejects.toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/is a folder; give the name of a file in it/) });
  });

  it('creates its temporary file exclusively: a link planted at the old fixed name is left alone', () => {
    importText(header1m(0, 3));
    const out = path.join(dir, 'out.csv');
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious\n');
    fs.symlinkSync(victim, `${out}.partial`);
    exportBarsCsv(storage.barStore, { symbol: 'TEST', timeframe: '1m' }, out);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^timestamp,open/);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([`out.csv.partial`]);
  });

  it('exports a range [fromTs, toTs) with numbers that need all 17 digits', () => {
    const text = 'timestamp,open,high,low,close,volume\n' + [0, 1, 2, 3].map((m) => `${T0 + m * M},0.1,0.30000000000000004,0.1,0.2,1e-7\n`).join('');
    importText(text);
    const out = path.join(dir, 'range.csv');
    const report = exportBarsCsv(storage.barStore, { symbol: 'TEST', timeframe: '1m', fromTs: T0 + M, toTs: T0 + 3 * M }, out);
    expect(report).toMatchObject({ bars: 2, firstTs: T0 + M, lastTs: T0 + 2 * M });
    expect(fs.readFileSync(out, 'utf8')).toBe(
      'timestamp,open,high,low,close,volume\n2024-01-01T00:01:00.000Z,0.1,0.30000000000000004,0.1,0.2,1e-7\n2024-01-01T00:02:00.000Z,0.1,0.30000000000000004,0.1,0.2,1e-7\n',
    );
  });
});
