import type { RunTrade } from '../../application/runs/run-store.js';

/** Trades per stored page: 16,384 x 8 bytes = 128 KiB per field and page. */
export const TRADE_PAGE_SIZE = 16_384;

/**
 * How one trade field is stored: 'f64' (Float64Array), 'i32' (Int32Array; every value an
 * integer in range, not -0) or 'str' (Int32Array of indices into `values`).
 */
export type TradeFieldKind = 'f64' | 'i32' | 'str';

export interface TradeField {
  readonly name: string;
  readonly kind: TradeFieldKind;
  /** The distinct strings of a 'str' field, by index. */
  readonly values?: readonly string[];
  /** Numeric field whose values never decrease in trade order. */
  readonly ascending?: boolean;
}

/** The layout of a run's trade columns, kept as JSON in run_trades when encoding is 'columns-v1'. */
export interface TradeLayout {
  readonly count: number;
  readonly pageSize: number;
  readonly fields: readonly TradeField[];
}

export interface EncodedTrades {
  readonly layout: TradeLayout;
  /** One BLOB per field and page. */
  readonly pages: readonly { readonly field: string; readonly page: number; readonly data: Buffer }[];
}

const isInt32 = (v: number) => Number.isInteger(v) && v >= -2_147_483_648 && v <= 2_147_483_647 && !Object.is(v, -0);

/**
 * Splits trades into typed columns, or returns null when they do not fit that shape
 * (fields that differ between trades, values neither all numbers nor all strings): the
 * caller then keeps the JSON encoding, which holds anything.
 */
export function encodeTradeColumns(trades: readonly RunTrade[], pageSize = TRADE_PAGE_SIZE): EncodedTrades | null {
  const count = trades.length;
  const names = count === 0 ? [] : Object.keys(trades[0]!);
  for (const trade of trades) {
    if (Object.keys(trade).length !== names.length) return null;
  }
  const fields: TradeField[] = [];
  const columns: (Float64Array | Int32Array)[] = [];
  for (const name of names) {
    const first = trades[0]![name];
    if (typeof first === 'number') {
      let ints = true;
      let ascending = true;
      let previous = -Infinity;
      for (const trade of trades) {
        const v = trade[name];
        if (typeof v !== 'number') return null;
        if (ints && !isInt32(v)) ints = false;
        if (!(v >= previous)) ascending = false;
        previous = v;
      }
      const column = ints ? new Int32Array(count) : new Float64Array(count);
      for (let i = 0; i < count; i++) column[i] = trades[i]![name] as number;
      fields.push({ name, kind: ints ? 'i32' : 'f64', ascending });
      columns.push(column);
    } else if (typeof first === 'string') {
      const index = new Map<string, number>();
      const column = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = trades[i]![name];
        if (typeof v !== 'string') return null;
        let k = index.get(v);
        if (k === undefined) {
          k = index.size;
          index.set(v, k);
        }
        column[i] = k;
      }
      fields.push({ name, kind: 'str', values: [...index.keys()] });
      columns.push(column);
    } else {
      return null;
    }
  }
  const pages: { field: string; page: number; data: Buffer }[] = [];
  for (let f = 0; f < fields.length; f++) {
    const column = columns[f]!;
    for (let page = 0; page * pageSize < count; page++) {
      const part = column.subarray(page * pageSize, Math.min(count, (page + 1) * pageSize));
      pages.push({ field: fields[f]!.name, page, data: Buffer.from(part.buffer, part.byteOffset, part.byteLength) });
    }
  }
  return { layout: { count, pageSize, fields }, pages };
}

/** Copies a page BLOB into an aligned typed array (a Buffer's offset need not be a multiple of 8). */
export function pageValues(field: TradeField, blob: Buffer): Float64Array | Int32Array {
  const out = field.kind === 'f64' ? new Float64Array(blob.byteLength / 8) : new Int32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** Rebuilds trade objects (fields in their original order) from decoded pages. */
export function tradesFromPages(
  layout: TradeLayout,
  /** Decoded values per field name, then per page index. */
  pages: ReadonlyMap<string, ReadonlyMap<number, Float64Array | Int32Array>>,
  positions: ArrayLike<number>,
): RunTrade[] {
  const out: RunTrade[] = new Array<RunTrade>(positions.length);
  const size = layout.pageSize;
  for (let k = 0; k < positions.length; k++) {
    const i = positions[k]!;
    const page = Math.floor(i / size);
    const at = i - page * size;
    const trade: Record<string, unknown> = {};
    for (const field of layout.fields) {
      const v = pages.get(field.name)!.get(page)![at]!;
      trade[field.name] = field.kind === 'str' ? field.values![v] : v;
    }
    out[k] = trade;
  }
  return out;
}
