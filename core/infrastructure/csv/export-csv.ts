import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { AppError, ConflictError, NotFoundError, StorageError, ValidationError } from '../../application/errors.js';
import type { BarStore } from '../../application/data/bar-store.js';
import type { Timeframe } from '../../domain/market/timeframe.js';

export interface ExportBarsRange {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Inclusive start, epoch ms UTC. */
  readonly fromTs?: number;
  /** Exclusive end, epoch ms UTC. */
  readonly toTs?: number;
}

export interface ExportReport {
  readonly file: string;
  readonly bars: number;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
}

export interface ExportFileOptions {
  /** Replace a file already at the path (default false: ConflictError, nothing written). */
  readonly overwrite?: boolean;
}

export const EXPORT_HEADER = 'timestamp,open,high,low,close,volume\n';

/**
 * Writes the bars of a range to `outFile` as `timestamp,open,high,low,close,volume`
 * with ISO 8601 UTC timestamps, one stored chunk at a time (memory stays flat).
 * Numbers are printed with JavaScript's shortest round-trip form, so importing the
 * file again gives back the same float64 values bit for bit. The file is written
 * beside the target and renamed into place, so a failed export leaves no half file.
 * `outFile` must be absolute; its folder must exist, and a file already there is only
 * replaced with `overwrite` (checked before writing and again before the rename).
 */
export function exportBarsCsv(store: BarStore, range: ExportBarsRange, outFile: string, options: ExportFileOptions = {}): ExportReport {
  const instrument = store.findInstrument(range.symbol);
  if (!instrument) throw new NotFoundError(`No instrument "${range.symbol}"`);
  checkExportTarget(outFile, options.overwrite === true);
  // Created exclusively under a name nobody can guess: a file or link planted at a
  // predictable name is never followed or overwritten.
  const partial = `${outFile}.${randomBytes(6).toString('hex')}.partial`;
  const fd = openForWriting(partial, path.dirname(outFile));
  let bars = 0;
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  try {
    writeSync(fd, EXPORT_HEADER);
    for (const chunk of store.iterateChunks(instrument.id, range.timeframe, range.fromTs, range.toTs)) {
      const n = chunk.ts.length;
      if (n === 0) continue;
      let text = '';
      for (let i = 0; i < n; i++) {
        text += `${new Date(chunk.ts[i]!).toISOString()},${chunk.open[i]!},${chunk.high[i]!},${chunk.low[i]!},${chunk.close[i]!},${chunk.volume[i]!}\n`;
      }
      writeSync(fd, text);
      firstTs ??= chunk.ts[0]!;
      lastTs = chunk.ts[n - 1]!;
      bars += n;
    }
    closeSync(fd);
    // Another program may have put a file there while this one was written.
    checkExportTarget(outFile, options.overwrite === true);
    renameSync(partial, outFile);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    rmSync(partial, { force: true });
    throw error instanceof AppError ? error : writeError(error, path.dirname(outFile));
  }
  return { file: outFile, bars, firstTs, lastTs };
}

/** Throws a typed error naming the folder or file when `outFile` cannot or should not be written. */
function checkExportTarget(outFile: string, overwrite: boolean): void {
  if (!path.isAbsolute(outFile)) throw new ValidationError(`Export path "${outFile}" is not absolute`, { path: outFile });
  const dir = path.dirname(outFile);
  const folder = statOrNull(dir);
  if (!folder) throw new NotFoundError(`The folder ${dir} does not exist; create it or choose another folder. Nothing was written`, { path: dir });
  if (!folder.isDirectory()) throw new ValidationError(`${dir} is a file, not a folder. Nothing was written`, { path: dir });
  const existing = statOrNull(outFile);
  if (existing?.isDirectory()) throw new ValidationError(`${outFile} is a folder; give the name of a file in it. Nothing was written`, { path: outFile });
  if (existing && !overwrite) throw new ConflictError(`${outFile} already exists; nothing was written. Export again with overwrite to replace it`, { path: outFile, exists: true });
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

function openForWriting(file: string, dir: string): number {
  try {
    // O_EXCL: fails on any existing entry, a symbolic link included, instead of following it.
    return openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
  } catch (error) {
    throw writeError(error, dir);
  }
}

/** Turns a file-system refusal while writing into an error naming the folder and what to do. */
function writeError(error: unknown, dir: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new ValidationError(`No permission to write in ${dir}. Nothing was written`, { path: dir });
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StorageError(`The disk holding ${dir} is full (${code}). Nothing was written`, { folder: dir, code });
  if (code === 'ENOENT' || code === 'ENOTDIR') return new ValidationError(`Files cannot be created in ${dir}. Nothing was written`, { path: dir });
  if (code === 'EEXIST') return new ConflictError(`A file appeared in ${dir} under the export's temporary name; nothing was written. Export again`, { path: dir });
  return error instanceof Error ? error : new Error(String(error));
}
