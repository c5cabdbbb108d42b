import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ColumnScratch } from '../../application/backtest/execute-run.js';
import { StorageError } from '../../application/errors.js';

/** Values per read-back piece (1 MiB): few syscalls, one small buffer reused for every piece. */
const PIECE = 131_072;

/**
 * ColumnScratch in temporary files, one per column, in a folder of its own under the OS
 * temp dir (mkdtemp: created exclusively, never the data dir). The bytes sit in the OS
 * page cache, not in the process: ten years of minutes (210 MB of five columns) cost a
 * few large writes and reads, where reading the series again from SQLite (5 passes of
 * 4 KB page reads) took seconds on this machine. Removed on close, and an unfinished
 * scratch is removed when the process exits.
 */
export class FileColumnScratch implements ColumnScratch {
  /** The scratch's own folder (removed on close). */
  readonly dir: string;
  private readonly fds: number[];
  private readonly lengths: number[];
  private closed = false;

  constructor(columns: number) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-scratch-'));
    live.add(this.dir);
    try {
      this.fds = Array.from({ length: columns }, (_, c) => fs.openSync(path.join(this.dir, `column-${c}`), 'wx+'));
    } catch (error) {
      this.close();
      throw new StorageError(`Cannot create scratch files in ${this.dir}: ${error instanceof Error ? error.message : String(error)}`, { path: this.dir });
    }
    this.lengths = this.fds.map(() => 0);
  }

  append(column: number, values: Float64Array): void {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    let written = 0;
    try {
      while (written < bytes.length) written += fs.writeSync(this.fds[column]!, bytes, written, bytes.length - written, this.lengths[column]! * 8 + written);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : error instanceof Error ? error.message : String(error);
      throw new StorageError(
        `Cannot keep a long run's bars for its hash in ${this.dir}: ${why}. A run streamed from the store writes 48 bytes per bar read there (twice that with the bar magnifier) until it is saved; free some room or point TMPDIR elsewhere`,
        { path: this.dir },
      );
    }
    this.lengths[column]! += values.length;
  }

  *read(column: number): Generator<Float64Array> {
    const piece = new Float64Array(Math.min(PIECE, Math.max(1, this.lengths[column]!)));
    const bytes = new Uint8Array(piece.buffer);
    const total = this.lengths[column]! * 8;
    for (let at = 0; at < total; ) {
      const want = Math.min(bytes.length, total - at);
      let got = 0;
      while (got < want) {
        const n = fs.readSync(this.fds[column]!, bytes, got, want - got, at + got);
        if (n === 0) throw new StorageError(`Scratch file ${path.join(this.dir, `column-${column}`)} ended early`, { path: this.dir });
        got += n;
      }
      at += want;
      yield piece.subarray(0, want / 8);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.fds ?? []) fs.closeSync(fd);
    fs.rmSync(this.dir, { recursive: true, force: true });
    live.delete(this.dir);
  }
}

/** Scratch folders not closed yet: removed at exit (a run that threw before its close). */
const live = new Set<string>();
process.once('exit', () => {
  for (const dir of live) fs.rmSync(dir, { recursive: true, force: true });
});
