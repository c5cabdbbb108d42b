import type { BarRowSource, ImportFile, ParsedBarBatch } from '../../application/data/import-bars.js';
import { ValidationError } from '../../application/errors.js';
import { inspectFile, ZipStream } from '../archives/zip-stream.js';
import { CSV_BATCH_ROWS, CsvBarSource, type CsvSourceOptions } from './csv-bar-source.js';

/** A file of the set: its path, its name in messages, and whether it is a zip archive. */
interface SetFile {
  readonly path: string;
  readonly name: string;
  readonly zip: boolean;
  readonly bytes: number;
}

/**
 * Checks that each file can be read (a regular file: openRegularFile names a missing
 * file, a folder, a FIFO or a device) and tells archives from CSVs by their content.
 */
export function describeFiles(files: readonly ImportFile[]): SetFile[] {
  return files.map((file) => {
    const name = file.name ?? file.path;
    return { path: file.path, name, ...inspectFile(file.path, name) };
  });
}

/** The period a file's name dates it to, as exchanges name their archives ('BTCUSDT-1m-2024-01.zip', '...-2024-01-15.zip'), or null. */
export function dateInName(name: string): number | null {
  const match = /(\d{4})-(\d{2})(?:-(\d{2}))?\.(?:zip|csv)$/i.exec(name);
  if (!match) return null;
  const ts = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3] ?? 1));
  return Number.isFinite(ts) ? ts : null;
}

/**
 * Returns the files in the order of their first bars, so that a folder of monthly
 * archives streams into the store in date order whatever order they were given in (a set
 * out of order would make the import sort every bar in memory). Archives named with their
 * date, as exchanges publish them, are ordered by it; otherwise each file's first row is read.
 */
export function orderByFirstBar(files: readonly SetFile[], options: CsvSourceOptions = {}): SetFile[] {
  if (files.length < 2) return [...files];
  const dates = files.map((file) => dateInName(file.name));
  if (dates.every((date) => date !== null)) return files.map((file, i) => ({ file, first: dates[i]! })).sort((a, b) => a.first - b.first).map(({ file }) => file);
  const firsts = files.map((file) => {
    const source = new BarFileSet([file], options, 1);
    try {
      for (let batch = source.nextBatch(); batch !== null; batch = source.nextBatch()) if (batch.count > 0) return batch.ts[0]!;
      return Number.POSITIVE_INFINITY;
    } finally {
      source.close();
    }
  });
  return files.map((file, i) => ({ file, first: firsts[i]! })).sort((a, b) => a.first - b.first).map(({ file }) => file);
}

/**
 * Reads a set of files as one stream of rows, in the order given: CSV files, and the CSV
 * entries of zip archives (an exchange's kline archives) without unpacking them. Each
 * file or entry keeps its own layout and timestamp unit (older Binance archives count
 * milliseconds, newer ones microseconds); row errors name the file, and the entry
 * inside an archive (`BTCUSDT-1m-2024-01.zip/BTCUSDT-1m-2024-01.csv`).
 */
export class BarFileSet implements BarRowSource {
  readonly totalBytes: number;
  private index = -1;
  private doneBytes = 0;
  private zip: ZipStream | null = null;
  private current: CsvBarSource | null = null;
  /** Bar entries read from the current archive so far. */
  private entries = 0;

  /**
   * `options` apply to every file and entry (cancel polled while reading, whether messages
   * may quote text); `batchRows`: rows per batch of each file's CSV source (1 to peek at a
   * file's first row).
   */
  constructor(
    private readonly files: readonly SetFile[],
    private readonly options: CsvSourceOptions = {},
    private readonly batchRows = CSV_BATCH_ROWS,
  ) {
    this.totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
  }

  get bytesRead(): number {
    if (this.zip) return this.doneBytes + this.zip.bytesRead;
    return this.doneBytes + (this.current?.bytesRead ?? 0);
  }

  nextBatch(): ParsedBarBatch | null {
    for (;;) {
      if (this.current === null && !this.openNext()) return null;
      const batch = this.current!.nextBatch();
      if (batch !== null) return batch;
      this.current!.close();
      this.current = null;
    }
  }

  /** Opens the next CSV: the next entry of the open archive, else the next file. False at the end. */
  private openNext(): boolean {
    for (;;) {
      if (this.zip) {
        const entry = this.zip.nextEntry();
        if (entry) {
          this.entries++;
          this.current = new CsvBarSource(entry.bytes, `${this.files[this.index]!.name}/${entry.name}`, this.options, this.batchRows);
          return true;
        }
        const file = this.files[this.index]!;
        if (this.entries === 0) {
          // The entries' names are the archive's content: not quoted when its text may not be.
          const entries = this.options.showContent === false ? '' : ` (entries: ${this.zip.entryNames.slice(0, 5).join(', ')})`;
          throw new ValidationError(`${file.name}: the archive holds no CSV file${entries}; nothing was imported`);
        }
        this.closeZip();
        this.doneBytes += file.bytes;
      } else if (this.index >= 0) {
        this.doneBytes += this.files[this.index]!.bytes;
      }
      this.index++;
      const file = this.files[this.index];
      if (!file) return false;
      if (file.zip) {
        this.zip = new ZipStream(file.path, file.name, this.options.isCancelled);
        this.entries = 0;
        continue;
      }
      this.current = new CsvBarSource(file.path, file.name, this.options, this.batchRows);
      return true;
    }
  }

  private closeZip(): void {
    this.zip?.close();
    this.zip = null;
  }

  close(): void {
    this.current?.close();
    this.current = null;
    this.closeZip();
  }
}
