import { allocateBars, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import type { BarRowSource, ParsedBarBatch } from './import-bars.js';

/** Candles fetched and not yet committed, as growable columns. */
export class PendingBars {
  private bars: BarColumns = allocateBars(4_096);
  size = 0;

  append(page: BarColumns, from: number, to: number): void {
    const n = to - from;
    if (this.size + n > this.bars.ts.length) {
      const next = allocateBars(Math.max(this.bars.ts.length * 2, this.size + n));
      for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) next[key].set(this.bars[key].subarray(0, this.size));
      this.bars = next;
    }
    for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) this.bars[key].set(page[key].subarray(from, to), this.size);
    this.size += n;
  }

  take(): BarColumns {
    const out = sliceBars(this.bars, 0, this.size);
    this.bars = allocateBars(4_096);
    this.size = 0;
    return out;
  }
}

/** The bars of one slice as the importer reads a file: one batch, lines numbered from 1. */
export class SliceSource implements BarRowSource {
  private done = false;
  readonly totalBytes = 0;
  readonly bytesRead = 0;

  constructor(
    private readonly bars: BarColumns,
    private readonly name: string,
  ) {}

  nextBatch(): ParsedBarBatch | null {
    if (this.done) return null;
    this.done = true;
    const n = this.bars.ts.length;
    const line = new Float64Array(n);
    for (let i = 0; i < n; i++) line[i] = i + 1;
    return { count: n, ...this.bars, line, rowsRead: n, rowErrors: [], file: this.name };
  }

  close(): void {}
}
