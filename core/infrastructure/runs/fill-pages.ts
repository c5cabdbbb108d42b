import type Database from 'better-sqlite3';
import {
  MARKER_CODES,
  MARKER_NUMBER_FIELDS,
  TRADE_CODES,
  TRADE_NUMBER_FIELDS,
  tradeNumberColumn,
  type FillColumns,
  type TradeCodedField,
  type TradeNumberField,
} from './fill-columns.js';

/**
 * A run's fills in the database, in the fill codec (fill-columns.ts): the trades column
 * by column in pages of TRADE_PAGE_SIZE trades (run_trade_pages: one BLOB per field and
 * page), so the results screen reads the page it shows and a sort reads one column; the
 * markers whole, in one row (run_markers), since a chart asks for all of a range.
 */

/** Trades per stored page: 16,384 x 8 bytes = 128 KiB per numeric field and page. */
export const TRADE_PAGE_SIZE = 16_384;
/** run_trades.encoding of trades in the fill codec; run_trades.trades holds the TradePages JSON. */
export const FILLS_ENCODING = 'fills-v1';

export const TRADE_CODED_FIELDS = Object.keys(TRADE_CODES) as TradeCodedField[];
/** The page field of a portfolio run's trade instruments (uint16 each). */
export const TRADE_INSTRUMENT_FIELD = 'instrument';
const MARKER_WIDTH = MARKER_NUMBER_FIELDS.length * 8 + Object.keys(MARKER_CODES).length;

/** What run_trades.trades holds for FILLS_ENCODING. */
export interface TradePages {
  readonly count: number;
  readonly pageSize: number;
  /** Numeric fields whose values never decrease in trade order (sorting by them ascending is trade order). */
  readonly ascending: readonly TradeNumberField[];
}

function bytesOf(values: Float64Array | Uint8Array | Uint16Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** The numeric fields of `trades` that never decrease in trade order. */
function ascendingFields(trades: FillColumns): TradeNumberField[] {
  return TRADE_NUMBER_FIELDS.filter((field) => {
    const column = tradeNumberColumn(trades, field);
    for (let i = 1; i < column.length; i++) if (!(column[i]! >= column[i - 1]!)) return false;
    return column.length === 0 || !Number.isNaN(column[0]!);
  });
}

/**
 * Writes a run's trades and markers (inside the caller's transaction). `markersDerived`:
 * the markers were rebuilt from the trades (runs saved before markers were kept).
 */
export function writeFills(db: Database.Database, runId: string, trades: FillColumns, markers: FillColumns, markersDerived = false): void {
  const layout: TradePages = { count: trades.count, pageSize: TRADE_PAGE_SIZE, ascending: ascendingFields(trades) };
  db.prepare('INSERT OR REPLACE INTO run_trades (run_id, encoding, trades) VALUES (?, ?, ?)').run(runId, FILLS_ENCODING, Buffer.from(JSON.stringify(layout)));
  db.prepare('DELETE FROM run_trade_pages WHERE run_id = ?').run(runId);
  const insert = db.prepare('INSERT INTO run_trade_pages (run_id, field, page, data) VALUES (?, ?, ?, ?)');
  const n = trades.count;
  const columns: [string, Float64Array | Uint8Array | Uint16Array][] = [
    ...TRADE_NUMBER_FIELDS.map((field, f): [string, Float64Array] => [field, trades.numbers.subarray(f * n, (f + 1) * n)]),
    ...TRADE_CODED_FIELDS.map((field, f): [string, Uint8Array] => [field, trades.codes.subarray(f * n, (f + 1) * n)]),
  ];
  if (trades.instruments) columns.push([TRADE_INSTRUMENT_FIELD, trades.instruments]);
  for (const [field, column] of columns) {
    for (let page = 0; page * TRADE_PAGE_SIZE < n; page++) {
      insert.run(runId, field, page, bytesOf(column.subarray(page * TRADE_PAGE_SIZE, Math.min(n, (page + 1) * TRADE_PAGE_SIZE))));
    }
  }
  const data = Buffer.concat([bytesOf(markers.numbers), bytesOf(markers.codes)]);
  // The instruments column only when there are instruments: the fill codec's own migration writes markers before that column exists.
  if (markers.instruments) {
    db.prepare('INSERT OR REPLACE INTO run_markers (run_id, marker_count, data, derived, instruments) VALUES (?, ?, ?, ?, ?)').run(runId, markers.count, data, markersDerived ? 1 : 0, bytesOf(markers.instruments));
  } else {
    db.prepare('INSERT OR REPLACE INTO run_markers (run_id, marker_count, data, derived) VALUES (?, ?, ?, ?)').run(runId, markers.count, data, markersDerived ? 1 : 0);
  }
}

/** Rebuilds one page's columns from its rows (every field of the page); throws naming what is missing. */
export function pageColumns(rows: readonly { field: string; data: Buffer }[], count: number): FillColumns {
  const numbers = new Float64Array(count * TRADE_NUMBER_FIELDS.length);
  const codes = new Uint8Array(count * TRADE_CODED_FIELDS.length);
  const seen = new Set<string>();
  let instruments: Uint16Array | undefined;
  for (const row of rows) {
    if (row.field === TRADE_INSTRUMENT_FIELD) {
      if (row.data.byteLength !== count * 2) throw new Error(`trade field "${row.field}" holds ${row.data.byteLength} bytes, expected ${count * 2}`);
      instruments = uint16Copy(row.data);
      continue;
    }
    const f = (TRADE_NUMBER_FIELDS as readonly string[]).indexOf(row.field);
    const c = (TRADE_CODED_FIELDS as readonly string[]).indexOf(row.field);
    const expected = f >= 0 ? count * 8 : count;
    if ((f < 0 && c < 0) || row.data.byteLength !== expected) throw new Error(`trade field "${row.field}" holds ${row.data.byteLength} bytes, expected ${expected}`);
    // Copied into aligned arrays: a Buffer's offset need not be a multiple of 8.
    if (f >= 0) new Uint8Array(numbers.buffer, f * count * 8, count * 8).set(row.data);
    else codes.set(row.data, c * count);
    seen.add(row.field);
  }
  if (seen.size !== TRADE_NUMBER_FIELDS.length + TRADE_CODED_FIELDS.length) throw new Error(`${TRADE_NUMBER_FIELDS.length + TRADE_CODED_FIELDS.length - seen.size} trade fields are missing`);
  return instruments ? { count, numbers, codes, instruments } : { count, numbers, codes };
}

/** Copies a BLOB of uint16 values into an aligned array. */
export function uint16Copy(blob: Buffer): Uint16Array {
  const out = new Uint16Array(blob.byteLength / 2);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** Decodes one numeric field's page BLOB. */
export function numberPage(blob: Buffer): Float64Array {
  const out = new Float64Array(blob.byteLength / 8);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** Decodes a run_markers row (`instruments`: its instruments column, a portfolio run's). */
export function markerColumns(count: number, blob: Buffer, instruments: Buffer | null = null): FillColumns {
  if (blob.byteLength !== count * MARKER_WIDTH) throw new Error(`markers hold ${blob.byteLength} bytes, expected ${count * MARKER_WIDTH}`);
  const numbers = new Float64Array(count * MARKER_NUMBER_FIELDS.length);
  new Uint8Array(numbers.buffer).set(blob.subarray(0, numbers.byteLength));
  const codes = Uint8Array.from(blob.subarray(numbers.byteLength));
  if (instruments === null) return { count, numbers, codes };
  if (instruments.byteLength !== count * 2) throw new Error(`marker instruments hold ${instruments.byteLength} bytes, expected ${count * 2}`);
  return { count, numbers, codes, instruments: uint16Copy(instruments) };
}
