import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { NotFoundError } from '../../application/errors.js';
import type { BarStore } from '../../application/ports/bar-store.js';
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

export const EXPORT_HEADER = 'timestamp,open,high,low,close,volume\n';

/**
 * Writes the bars of a range to `outFile` as `timestamp,open,high,low,close,volume`
 * with ISO 8601 UTC timestamps, one stored chunk at a time (memory stays flat).
 * Numbers are printed with JavaScript's shortest round-trip form, so importing the
 * file again gives back the same float64 values bit for bit. The file is written
 * beside the target and renamed into place, so a failed export leaves no half file.
 */
export function exportBarsCsv(store: BarStore, range: ExportBarsRange, outFile: string): ExportReport {
  const instrument = store.findInstrument(range.symbol);
  if (!instrument) throw new NotFoundError(`No instrument "${range.symbol}"`);
  const partial = `${outFile}.partial`;
  const fd = openSync(partial, 'w');
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
    renameSync(partial, outFile);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    rmSync(partial, { force: true });
    throw error;
  }
  return { file: outFile, bars, firstTs, lastTs };
}
