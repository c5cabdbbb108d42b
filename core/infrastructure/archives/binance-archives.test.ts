import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, klineArchive, klineCsv } from '../../../fixtures/binance-archives/make-archives.mjs';
import { syntheticCandle } from '../../../fixtures/binance-archives/synthetic-klines.mjs';
import { CancelledError, ImportRejectedError, ValidationError } from '../../application/errors.js';
import { importCsvFile } from '../csv/import-csv-file.js';
import { ZipStream } from './zip-stream.js';
import { MAX_LINE_CHARS } from '../csv/line-reader.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { tempDir } from '../test-kit/temp-db.js';

const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/binance-archives');
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const MINUTE = 60_000;

let dir: string;
let cleanup: () => void;
let storage: Storage;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('bws-zip-'));
  storage = openStorage({ file: path.join(dir, 'test.sqlite'), readers: 1 });
});

afterEach(() => {
  storage.close();
  cleanup();
});

function writeFile(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

function storedBars(symbol: string) {
  const instrument = storage.barStore.findInstrument(symbol);
  return instrument ? storage.barStore.readBars(instrument.id, '1m') : null;
}

describe('Binance kline archives', () => {
  it('the committed fixtures are what make-archives.mjs writes, byte for byte', () => {
    expect(FIXTURES.map((f) => f.name)).toEqual(['BTCUSDT-1m-2024-12-30.zip', 'BTCUSDT-1m-2024-12-31.zip', 'BTCUSDT-1m-2025-01-01.zip']);
    for (const fixture of FIXTURES) {
      expect(Buffer.compare(fs.readFileSync(path.join(FIXTURE_DIR, fixture.name)), Buffer.from(fixture.bytes)), fixture.name).toBe(0);
    }
  });

  it('imports several daily archives given out of order as one series in date order, milliseconds and microseconds alike', () => {
    const files = ['BTCUSDT-1m-2025-01-01.zip', 'BTCUSDT-1m-2024-12-30.zip', 'BTCUSDT-1m-2024-12-31.zip'].map((name) => ({ path: path.join(FIXTURE_DIR, name), name }));
    const progress: { bytesRead: number; pass: number }[] = [];
    const report = importCsvFile(storage.barStore, { file: files[0]!.path, fileName: '3 files', files, symbol: 'BTC/USDT' }, { onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ timeframe: '1m', rowsRead: 3 * 1440, barsWritten: { inserted: 3 * 1440, replaced: 0 }, firstTs: day('2024-12-30'), lastTs: day('2025-01-02') - MINUTE });
    // One streaming pass in date order: the import did not have to read the set again to sort it.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.pass === 1)).toBe(true);
    const bars = storedBars('BTC/USDT')!;
    expect(bars.ts.length).toBe(3 * 1440);
    for (let i = 1; i < bars.ts.length; i++) expect(bars.ts[i]! - bars.ts[i - 1]!).toBe(MINUTE);
    // A bar from the millisecond archive and one from the microsecond archive hold the generator's values.
    for (const ts of [day('2024-12-31') + 17 * MINUTE, day('2025-01-01') + 600 * MINUTE]) {
      const i = bars.ts.indexOf(ts);
      const candle = syntheticCandle(ts);
      expect([bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]).toEqual([candle.open / 100, candle.high / 100, candle.low / 100, candle.close / 100, candle.volume / 1e5]);
    }
    expect(storage.barStore.coverage(storage.barStore.findInstrument('BTC/USDT')!.id, '1m').gaps).toEqual([]);
  });

  it('files named without a date are put in order by their first rows', () => {
    const names = ['BTCUSDT-1m-2025-01-01.zip', 'BTCUSDT-1m-2024-12-30.zip', 'BTCUSDT-1m-2024-12-31.zip'];
    const files = names.map((name, i) => {
      const copy = path.join(dir, `part-${'cab'[i]}.zip`);
      fs.copyFileSync(path.join(FIXTURE_DIR, name), copy);
      return { path: copy, name: path.basename(copy) };
    });
    const passes: number[] = [];
    const report = importCsvFile(storage.barStore, { file: files[0]!.path, files, symbol: 'PARTS' }, { onProgress: (p) => passes.push(p.pass) });
    expect(report).toMatchObject({ rowsRead: 3 * 1440, firstTs: day('2024-12-30'), lastTs: day('2025-01-02') - MINUTE });
    expect(passes.length).toBeGreaterThan(0);
    expect(passes.every((pass) => pass === 1)).toBe(true);
  });

  it('streams a whole monthly archive (a month of minutes) given as the only file', () => {
    const month = klineArchive({ fromTs: day('2023-02-01'), toTs: day('2023-03-01'), period: 'monthly' });
    expect(month.name).toBe('BTCUSDT-1m-2023-02.zip');
    const file = writeFile(month.name, month.bytes);
    const report = importCsvFile(storage.barStore, { file, fileName: month.name, symbol: 'BTCUSDT' });
    expect(report).toMatchObject({ rowsRead: 28 * 1440, barsWritten: { inserted: 28 * 1440 }, firstTs: day('2023-02-01'), lastTs: day('2023-03-01') - MINUTE, priceTick: 0.01 });
  });

  it('a damaged archive in a set is refused by name and nothing of the set is stored', () => {
    const good = path.join(FIXTURE_DIR, 'BTCUSDT-1m-2024-12-30.zip');
    const whole = fs.readFileSync(path.join(FIXTURE_DIR, 'BTCUSDT-1m-2024-12-31.zip'));
    const cut = writeFile('BTCUSDT-1m-2024-12-31.zip', whole.subarray(0, Math.floor(whole.length / 2)));
    const files = [
      { path: good, name: 'BTCUSDT-1m-2024-12-30.zip' },
      { path: cut, name: 'BTCUSDT-1m-2024-12-31.zip' },
    ];
    expect(() => importCsvFile(storage.barStore, { file: good, files, symbol: 'CUT' })).toThrow(ValidationError);
    expect(() => importCsvFile(storage.barStore, { file: good, files, symbol: 'CUT' })).toThrow(/^BTCUSDT-1m-2024-12-31\.zip: .*cut short.*nothing was imported/);
    expect(storage.barStore.findInstrument('CUT')).toBeNull();
  });

  it('an archive without a CSV, and a file that is not a zip, say what they hold', () => {
    const noCsv = writeFile('notes.zip', zipSync({ 'README.txt': strToU8('hello'), 'data/': new Uint8Array(0) }));
    expect(() => importCsvFile(storage.barStore, { file: noCsv, fileName: 'notes.zip', symbol: 'NONE' })).toThrow(
      'notes.zip: the archive holds no CSV file (entries: README.txt, data/); nothing was imported',
    );
    const fake = writeFile('fake.zip', strToU8('PK\u0003\u0004 but nothing else'));
    expect(() => importCsvFile(storage.barStore, { file: fake, fileName: 'fake.zip', symbol: 'NONE' })).toThrow(/^fake\.zip: /);
    expect(storage.barStore.listInstruments()).toEqual([]);
  });

  it('a bad row inside an archive is reported by archive, entry and line; nothing is stored', () => {
    const text = klineCsv({ fromTs: day('2023-05-01'), toTs: day('2023-05-01') + 10 * MINUTE }).split('\n');
    text[3] = text[3]!.replace(/^(\d+),([\d.]+),([\d.]+),([\d.]+)/, '$1,$2,$3,999999.00000000');
    const file = writeFile('BTCUSDT-1m-2023-05-01.zip', zipSync({ 'BTCUSDT-1m-2023-05-01.csv': strToU8(text.join('\n')) }));
    let error: unknown;
    try {
      importCsvFile(storage.barStore, { file, fileName: 'BTCUSDT-1m-2023-05-01.zip', symbol: 'BAD' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect((error as ImportRejectedError).rowErrors).toEqual([{ file: 'BTCUSDT-1m-2023-05-01.zip/BTCUSDT-1m-2023-05-01.csv', line: 4, message: expect.stringContaining('low') }]);
    expect(storage.barStore.findInstrument('BAD')).toBeNull();
  });
});

describe('archives under the rules of every import file', () => {
  it('a FIFO among several files is refused at once by what it is, and nothing is stored', () => {
    const good = path.join(FIXTURE_DIR, 'BTCUSDT-1m-2024-12-30.zip');
    const fifo = path.join(dir, 'BTCUSDT-1m-2024-12-31.zip');
    execFileSync('mkfifo', [fifo]);
    const files = [
      { path: good, name: 'BTCUSDT-1m-2024-12-30.zip' },
      { path: fifo, name: 'BTCUSDT-1m-2024-12-31.zip' },
    ];
    expect(() => importCsvFile(storage.barStore, { file: good, files, symbol: 'PIPE' })).toThrow(
      'BTCUSDT-1m-2024-12-31.zip is a named pipe (FIFO), not a file: only regular files can be imported; nothing was read',
    );
    expect(storage.barStore.findInstrument('PIPE')).toBeNull();
  });

  it('an entry without line breaks is refused at the line cap, not read whole into memory', () => {
    const file = writeFile('blob.zip', zipSync({ 'blob.csv': strToU8(`ts,open,high,low,close,volume\n${'9'.repeat(3 * MAX_LINE_CHARS)}`) }));
    let error: unknown;
    try {
      importCsvFile(storage.barStore, { file, fileName: 'blob.zip', symbol: 'BLOB' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect((error as Error).message).toMatch(/^blob\.zip\/blob\.csv: line 2: line is longer than 1,048,576 characters/);
    expect(storage.barStore.findInstrument('BLOB')).toBeNull();
  });

  it('a cancel stops the reading of an archive before its next piece, entries skipped or read alike', () => {
    // 'notes.txt' (3 MiB, stored) first: skipping it is reading too, a megabyte per piece.
    const noise = new Uint8Array(3 << 20).map((_, i) => (i * 2654435761) >>> 24);
    const file = writeFile('big.zip', zipSync({ 'notes.txt': noise, 'bars.csv': strToU8(klineCsv({ fromTs: day('2023-05-01'), toTs: day('2023-05-02') })) }, { level: 0 }));
    let polls = 0;
    const zip = new ZipStream(file, 'big.zip', () => ++polls >= 2);
    try {
      expect(() => zip.nextEntry()).toThrow(CancelledError);
      expect(zip.bytesRead).toBe(1 << 20);
    } finally {
      zip.close();
    }
    // The same through an import: cancelled, nothing stored.
    polls = 0;
    expect(() => importCsvFile(storage.barStore, { file, fileName: 'big.zip', symbol: 'BIG' }, { isCancelled: () => ++polls >= 2 })).toThrow(CancelledError);
    expect(storage.barStore.findInstrument('BIG')).toBeNull();
  });

  it("an archive whose text may not be shown is not described by its entries' names", () => {
    const file = writeFile('private.zip', zipSync({ 'salaries-2024.txt': strToU8('x') }));
    expect(() => importCsvFile(storage.barStore, { file, fileName: 'private.zip', symbol: 'NONE', showContent: false })).toThrow(
      /^private\.zip: the archive holds no CSV file; nothing was imported$/,
    );
  });
});
