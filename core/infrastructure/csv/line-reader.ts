import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Reads a text file line by line, synchronously, through a fixed-size buffer, so
 * memory stays flat whatever the file size and the caller can run inside a
 * synchronous SQLite transaction. Handles LF and CRLF endings and a UTF-8 BOM;
 * multi-byte characters split across reads are decoded correctly by the streaming
 * decoder (StringDecoder: measured twice as fast as TextDecoder here, 35 vs 70 ms
 * for 34 MiB).
 */
export class LineReader {
  private readonly fd: number;
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
  bytesRead = 0;
  readonly totalBytes: number;

  constructor(path: string, chunkBytes = 1 << 20) {
    this.fd = openSync(path, 'r');
    this.totalBytes = fstatSync(this.fd).size;
    this.chunk = Buffer.allocUnsafe(chunkBytes);
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
    const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
    this.bytesRead += n;
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
    closeSync(this.fd);
  }
}
