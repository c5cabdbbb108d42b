import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

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

/** A file read through its descriptor. */
class FileByteSource implements ByteSource {
  private readonly fd: number;
  readonly totalBytes: number;
  bytesRead = 0;
  private closed = false;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.totalBytes = fstatSync(this.fd).size;
  }

  read(target: Buffer): number {
    const n = readSync(this.fd, target, 0, target.length, null);
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
 * memory stays flat whatever the file size and the caller can run inside a
 * synchronous SQLite transaction. Handles LF and CRLF endings and a UTF-8 BOM;
 * multi-byte characters split across reads are decoded correctly by the streaming
 * decoder (StringDecoder: measured twice as fast as TextDecoder here, 35 vs 70 ms
 * for 34 MiB).
 */
export class LineReader {
  private readonly source: ByteSource;
  private readonly chunk: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private started = false;
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

  /** Reads the file at `input`, or the bytes of a ByteSource (an archive entry). */
  constructor(input: string | ByteSource, chunkBytes = 1 << 20) {
    this.source = typeof input === 'string' ? new FileByteSource(input) : input;
    this.chunk = Buffer.allocUnsafe(chunkBytes);
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
      const end = text.indexOf('\n', this.pos);
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
