import { closeSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CancelledError, ImportRejectedError } from '../../application/errors.js';
import { openRegularFile } from '../files/regular-file.js';

/**
 * Longest line read (characters): a row of bars is a few hundred. A file without line
 * breaks (a binary file, a device) is refused here instead of filling memory.
 */
export const MAX_LINE_CHARS = 1 << 20;

export interface LineReaderOptions {
  /** What errors call the file (default: its path). */
  readonly name?: string;
  readonly chunkBytes?: number;
  /** Default MAX_LINE_CHARS. */
  readonly maxLineChars?: number;
  /** Polled before each read from the file; true stops the reader with CancelledError. */
  readonly isCancelled?: () => boolean;
}

/** Bytes read front to back, synchronously: a file, or one entry of a zip archive. */
export interface ByteSource {
  /** Size of what is read, for progress (an archive entry: the archive's size). */
  readonly totalBytes: number;
  /** How far into `totalBytes` reading has come. */
  readonly bytesRead: number;
  /** Fills `target` from its start; returns the number of bytes written, 0 at the end. */
  read(target: Buffer): number;
  close(): void;
}

/**
 * A regular file read through its descriptor (see openRegularFile), no further than the
 * bytes it held when opened, so the read ends even if the file keeps growing.
 */
export class FileByteSource implements ByteSource {
  private readonly fd: number;
  readonly totalBytes: number;
  bytesRead = 0;
  private closed = false;

  /** `name` is what errors call the file. */
  constructor(path: string, name: string = path) {
    const opened = openRegularFile(path, name);
    this.fd = opened.fd;
    this.totalBytes = opened.size;
  }

  read(target: Buffer): number {
    const n = readSync(this.fd, target, 0, Math.min(target.length, this.totalBytes - this.bytesRead), null);
    this.bytesRead += n;
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/**
 * Reads a text file line by line, synchronously, through a fixed-size buffer, so
 * memory stays flat whatever the file size. Only a regular file is opened (see
 * openRegularFile), and no more than the bytes it held when opened are read, so the
 * read ends even if the file keeps growing; a line longer than `maxLineChars` refuses
 * the file. Handles LF, CRLF and CR-only endings and a UTF-8 BOM;
 * multi-byte characters split across reads are decoded correctly by the streaming
 * decoder (StringDecoder: measured twice as fast as TextDecoder here, 35 vs 70 ms
 * for 34 MiB).
 */
export class LineReader {
  private readonly source: ByteSource;
  private readonly chunk: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private started = false;
  /** LF (and CRLF), or CR for a file whose first read has CRs and no LF. */
  private lineBreak = '\n';
  private text = '';
  private pos = 0;
  private eof = false;
  private closed = false;
  lineText = '';
  lineStart = 0;
  lineEnd = 0;
  generation = 0;
  /** 1-based number of the line last returned. */
  lineNumber = 0;

  private readonly name: string;
  private readonly maxLineChars: number;
  private readonly isCancelled: () => boolean;

  /**
   * Reads the file at `input` (a regular file only), or the bytes of a ByteSource (an
   * archive entry); the line cap and the cancel poll apply to both.
   */
  constructor(input: string | ByteSource, options: LineReaderOptions = {}) {
    this.name = options.name ?? (typeof input === 'string' ? input : 'archive entry');
    this.source = typeof input === 'string' ? new FileByteSource(input, this.name) : input;
    this.chunk = Buffer.allocUnsafe(options.chunkBytes ?? 1 << 20);
    this.maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
    this.isCancelled = options.isCancelled ?? (() => false);
  }

  get totalBytes(): number {
    return this.source.totalBytes;
  }

  get bytesRead(): number {
    return this.source.bytesRead;
  }

  /** Returns the next line without its line ending, or null at the end of the file. */
  next(): string | null {
    return this.nextRange() ? this.lineText.slice(this.lineStart, this.lineEnd) : null;
  }

  /**
   * Advances to the next line without copying it: the line is
   * lineText[lineStart, lineEnd). Returns false at the end of the file. `lineText`
   * is the whole decoded buffer; `generation` changes whenever that buffer does.
   */
  nextRange(): boolean {
    for (;;) {
      const text = this.text;
      const end = text.indexOf(this.lineBreak, this.pos);
      if (end >= 0) {
        this.lineText = text;
        this.lineStart = this.pos;
        this.lineEnd = end > this.pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        this.pos = end + 1;
        this.lineNumber++;
        return true;
      }
      if (this.eof) {
        if (this.pos >= text.length) return false;
        this.lineText = text;
        this.lineStart = this.pos;
        this.lineEnd = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
        this.pos = text.length;
        this.lineNumber++;
        return true;
      }
      this.fill();
    }
  }

  private fill(): void {
    if (this.isCancelled()) throw new CancelledError('Import cancelled; nothing was written');
    if (this.text.length - this.pos > this.maxLineChars) {
      const line = this.lineNumber + 1;
      const message = `line is longer than ${this.maxLineChars.toLocaleString('en-US')} characters (no line break): not a CSV file of bars?`;
      throw new ImportRejectedError(`${this.name}: line ${line}: ${message}; nothing was imported`, [{ file: this.name, line, message }]);
    }
    const n = this.source.read(this.chunk);
    const rest = this.text.slice(this.pos);
    if (n === 0) {
      this.eof = true;
      this.text = rest + this.decoder.end();
    } else {
      let decoded = this.decoder.write(this.chunk.subarray(0, n));
      if (!this.started) {
        this.started = true;
        if (decoded.charCodeAt(0) === 0xfeff) decoded = decoded.slice(1);
        // Classic Mac OS line breaks: CR alone, no LF anywhere in the first read.
        if (!decoded.includes('\n') && decoded.includes('\r')) this.lineBreak = '\r';
      }
      this.text = rest + decoded;
    }
    this.pos = 0;
    this.generation++;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.close();
  }
}
