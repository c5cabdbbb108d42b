// A dataset in Redis: the bars a sweep's batches run on, named by their content hash.
// One Redis hash per dataset: field `meta` (JSON below) and one field per part of a
// series, `<timeframe>/<part>`, holding that part's six float64 columns back to back
// (ts, open, high, low, close, volume; little-endian, as typed arrays are on every
// platform the app ships on). Agents fetch it once, check the hash and keep it in their
// own SQLite cache (dataset-cache.ts).
import { createHash } from 'node:crypto';
import { BAR_FIELDS, type BarColumns } from '../../domain/market/bars.js';
import type { Instrument } from '../../domain/market/instrument.js';
import { canonicalJson } from '../../domain/engine/run-hash.js';
import type { Timeframe } from '../../domain/market/timeframe.js';

/** Bars per stored part: ~6 MB a part, so no Redis value or reply grows with the history. */
export const PART_BARS = 131_072;

export interface DatasetSeries {
  readonly timeframe: Timeframe;
  readonly bars: number;
  readonly parts: number;
}

export interface DatasetMeta {
  readonly protocol: number;
  /** The instrument's fields the engine and the bar reader use (its symbol and id stay with the app). */
  readonly instrument: Omit<Instrument, 'id' | 'symbol'>;
  readonly series: readonly DatasetSeries[];
}

export const partField = (timeframe: Timeframe, part: number): string => `${timeframe}/${part}`;

/**
 * The dataset's content hash: the meta (canonical JSON) and every part in series order.
 * 24 hex digits (96 bits): short enough for an instrument symbol in an agent's cache.
 */
export function datasetHash(meta: DatasetMeta, parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256').update(canonicalJson(meta));
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 24);
}

/** Packs bars into one part's bytes (six columns back to back). */
export function packPart(bars: BarColumns): Buffer {
  const n = bars.ts.length;
  const out = Buffer.allocUnsafe(n * 8 * BAR_FIELDS.length);
  BAR_FIELDS.forEach((field, i) => {
    const column = bars[field];
    out.set(new Uint8Array(column.buffer, column.byteOffset, n * 8), i * n * 8);
  });
  return out;
}

/** Unpacks a part's bytes into columns (copied: a Buffer from a socket need not be 8-byte aligned). */
export function unpackPart(bytes: Uint8Array): BarColumns {
  const size = 8 * BAR_FIELDS.length;
  if (bytes.length % size !== 0) throw new Error(`A dataset part of ${bytes.length} bytes is not whole bars`);
  const n = bytes.length / size;
  const column = (i: number): Float64Array => {
    const copy = new Uint8Array(n * 8);
    copy.set(bytes.subarray(i * n * 8, (i + 1) * n * 8));
    return new Float64Array(copy.buffer);
  };
  return { ts: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
}
