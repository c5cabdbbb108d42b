// Malformed input corpus: broken CSVs generated here are imported through the app's
// import path (a worker thread writing the store) into a store holding committed bars.
// Every one is refused with a typed error that names the file (and the line where one
// applies); nothing crashes; the store is unchanged, checksum for checksum.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type RowError } from '../../core/application/errors.js';
import { runImportInWorker } from '../../core/infrastructure/csv/import-runner.js';
import { seededRandom, writeRandomWalkCsv } from '../../core/infrastructure/test-kit/random-walk-csv.js';
import { importCsvFile } from '../../core/infrastructure/csv/import-csv-file.js';
import { openStorage } from '../../core/infrastructure/sqlite/storage.js';
import { integrityCheck, tableChecksums, tempDir } from './reliability-kit.js';

const HEADER = 'timestamp,open,high,low,close,volume';
const good = (minute: number) => `${new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString()},100,101,99,100.5,10`;
/** A header, `before` good rows, the bad row, then `after` good rows: the bad row is on line before + 2. */
const around = (bad: string, before = 2, after = 2) =>
  [HEADER, ...Array.from({ length: before }, (_, i) => good(i)), bad, ...Array.from({ length: after }, (_, i) => good(before + 1 + i))].join('\n') + '\n';

/** Seeded random bytes, so the corpus is the same every run. */
function garbage(bytes: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length: bytes }, () => Math.floor(random() * 256)));
}

interface Case {
  readonly name: string;
  /** Writes the case at `file` (or makes it a directory, or nothing). */
  readonly make: (file: string) => void;
  /** The line the rejection must name; null when no line applies (missing file, directory). */
  readonly line: number | null;
  /** A file with no data rows may also be taken as an import of nothing (that writes nothing). */
  /** Symbols to import as (default: an existing one and a new one). */
  readonly symbols?: readonly string[];
  /** Known bug, tested on its own below: the rejection echoes the huge field whole. */
}

const CASES: readonly Case[] = [
  { name: 'truncated line', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,100,101')), line: 4 },
  { name: 'truncated last line without newline', make: (f) => fs.writeFileSync(f, `${HEADER}\n${good(0)}\n${good(1)}\n2024-01-01T00:02:00.000Z,100,1`), line: 4 },
  { name: 'too many columns', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,100,101,99,100.5,10,7,8')), line: 4 },
  { name: 'text in a number', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,100,101,99,abc,10')), line: 4 },
  { name: 'NaN', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,NaN,101,99,100.5,10')), line: 4 },
  { name: 'Infinity', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,100,Infinity,99,100.5,10')), line: 4 },
  { name: 'a negative price', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,-100,101,99,100.5,10')), line: 4 },
  { name: 'high below low', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,100,98,99,98.5,10')), line: 4 },
  { name: 'mixed timestamp formats', make: (f) => fs.writeFileSync(f, around(`${Date.UTC(2024, 0, 1, 0, 2)},100,101,99,100.5,10`)), line: 4 },
  { name: 'a bad timestamp', make: (f) => fs.writeFileSync(f, around('2024-13-45T99:00:00Z,100,101,99,100.5,10')), line: 4 },
  { name: 'BOM, then a bad row', make: (f) => fs.writeFileSync(f, `\uFEFF${around('2024-01-01T00:02:00.000Z,100,101,99,x,10')}`), line: 4 },
  { name: 'CRLF, then a bad row', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,100,101,99,100.5,oops', 5).replace(/\n/g, '\r\n')), line: 7 },
  { name: 'an empty file', make: (f) => fs.writeFileSync(f, ''), line: 1 },
  { name: 'a header only', make: (f) => fs.writeFileSync(f, `${HEADER}\n`), line: null },
  { name: 'binary garbage', make: (f) => fs.writeFileSync(f, garbage(256 * 1024, 17)), line: 1 },
  { name: 'NUL bytes inside a row', make: (f) => fs.writeFileSync(f, around('2024-01-01T00:02:00.000Z,10\u00000,101,99,100.5,10')), line: 4 },
  { name: 'a huge line (8 MB of text)', make: (f) => fs.writeFileSync(f, around(`2024-01-01T00:02:00.000Z,100,101,99,100.5,${'x'.repeat(8 * 1024 * 1024)}`)), line: 4 },
  {
    name: 'a huge line of commas (4 MB)',
    make: (f) => fs.writeFileSync(f, around(`2024-01-01T00:02:00.000Z${','.repeat(4 * 1024 * 1024)}`)),
    line: 4,
  },
  { name: 'a file that does not exist', make: () => undefined, line: null },
  { name: 'a directory instead of a file', make: (f) => fs.mkdirSync(f), line: null },
];

describe('malformed CSV corpus', () => {
  let dir: string;
  let dbFile: string;
  let before: Record<string, string>;

  beforeAll(() => {
    dir = tempDir('malformed');
    dbFile = path.join(dir, 'workstation.sqlite');
    // Committed bars of two instruments; one of them is the target of every broken import.
    const prior = path.join(dir, 'prior.csv');
    writeRandomWalkCsv(prior, { rows: 20_000, seed: 5, startTs: Date.UTC(2023, 11, 1) });
    const storage = openStorage({ file: dbFile });
    importCsvFile(storage.barStore, { file: prior, symbol: 'TARGET' });
    importCsvFile(storage.barStore, { file: prior, symbol: 'OTHER' });
    storage.close();
    before = tableChecksums(dbFile);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(CASES)('refuses $name with file and line; the store is unchanged', async ({ name, make, line, symbols }) => {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.csv`);
    make(file);
    for (const symbol of symbols ?? ['TARGET', 'NEWSYM']) {
      const error = await runImportInWorker(dbFile, { file, symbol }).then(
        (report) => new Error(`accepted: ${JSON.stringify(report)}`),
        (e: unknown) => e,
      );
      // A typed refusal, not a crash of the worker or an unexpected error.
      expect(error, String(error)).toBeInstanceOf(AppError);
      const appError = error as AppError;
      expect(['ImportRejectedError', 'ValidationError', 'NotFoundError']).toContain(appError.type);
      expect(appError.message).toContain(file);
      expect(appError.message.length).toBeLessThan(2_000); // a huge line is not echoed whole
      if (line !== null) {
        const rows = (appError.details as { rowErrors?: RowError[] } | undefined)?.rowErrors ?? [];
        expect(rows[0], appError.message).toMatchObject({ file, line });
        expect(rows[0]!.message.length).toBeLessThan(2_000);
      }
      expect(tableChecksums(dbFile)).toEqual(before);
    }
  });

  // An 8 MB field is quoted as an 80-character excerpt, not echoed whole.
  it.each(['9', 'x'])('does not echo an 8 MB field of "%s" whole in the rejection', async (char) => {
    const file = path.join(dir, `huge-field-${char}.csv`);
    fs.writeFileSync(file, around(`2024-01-01T00:02:00.000Z,100,101,99,100.5,${char.repeat(8 * 1024 * 1024)}`));
    const error = (await runImportInWorker(dbFile, { file, symbol: 'TARGET' }).catch((e: unknown) => e)) as AppError;
    expect(error.type).toBe('ImportRejectedError');
    expect(tableChecksums(dbFile)).toEqual(before);
    expect(error.message.length).toBeLessThan(2_000);
  });

  // Importing nothing is refused, so no empty instrument is registered.
  it('a header-only file under a new symbol writes nothing', async () => {
    const copy = path.join(dir, 'header-only-copy.sqlite');
    fs.copyFileSync(dbFile, copy);
    const file = path.join(dir, 'header-only-new.csv');
    fs.writeFileSync(file, `${HEADER}\n`);
    await runImportInWorker(copy, { file, symbol: 'NEWSYM' }).catch(() => undefined);
    expect(tableChecksums(copy)).toEqual(before);
  });

  it('leaves a sound file behind after the whole corpus', () => {
    expect(integrityCheck(dbFile)).toBe('ok');
    expect(tableChecksums(dbFile)).toEqual(before);
  });
});
