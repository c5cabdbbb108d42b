import type { ExitReason, Marker, MarkerKind, Trade } from '../../domain/engine/types.js';

/**
 * The one codec of a run's trades and markers (fills), on the worker wire and in
 * storage: a fixed layout of typed-array columns instead of arrays of objects. A year of
 * 1-minute bars gives ~9,000 trades and ~18,000 markers; structured-cloning them cost
 * tens of ms on each side of a message, packing and rebuilding costs a few, and the
 * same columns are what the run store pages (run_trade_pages) and keeps (run_markers).
 * Values are copied bit for bit (Float64 columns keep -0 and NaN), and rebuilt objects
 * have the engine's key order, so a decoded result serialises exactly as the engine's own.
 *
 * Layout: `numbers` holds one Float64 column per numeric field, field after field (the
 * column of field f is numbers[f * count, (f + 1) * count)); `codes` one Uint8 column
 * per coded field, the same way.
 */
export interface FillColumns {
  readonly count: number;
  readonly numbers: Float64Array;
  readonly codes: Uint8Array;
  /** A portfolio run's: the instrument of each row (an index into the run's universe). */
  readonly instruments?: Uint16Array;
}

type NumberKeys<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T];
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A trade's numeric fields in column order; with the coded ones below, every field of Trade. */
export const TRADE_NUMBER_FIELDS = ['entryTs', 'exitTs', 'entryBar', 'exitBar', 'entryPrice', 'exitPrice', 'quantity', 'pnl', 'returnPct', 'fees', 'barsHeld'] as const;
export type TradeNumberField = (typeof TRADE_NUMBER_FIELDS)[number];
/** The coded fields of a trade and the values each code stands for (code = index). */
export const TRADE_CODES = {
  side: ['long', 'short'],
  // Codes are stored: a new reason goes at the end.
  exitReason: ['signal', 'stopLoss', 'takeProfit', 'trailingStop', 'timeExit', 'partialExit', 'reversal', 'rotation'],
} as const satisfies { readonly [K in Exclude<keyof Trade, TradeNumberField>]: readonly Trade[K][] };
export type TradeCodedField = keyof typeof TRADE_CODES;

export const MARKER_NUMBER_FIELDS = ['bar', 'ts', 'price', 'quantity', 'fee'] as const;
export type MarkerNumberField = (typeof MARKER_NUMBER_FIELDS)[number];
export const MARKER_CODES = {
  kind: ['entryLong', 'entryShort', 'addLong', 'addShort', 'partialExitLong', 'partialExitShort', 'exitLong', 'exitShort'],
  fill: ['open', 'intrabar'],
} as const satisfies { readonly [K in Exclude<keyof Marker, MarkerNumberField>]: readonly Marker[K][] };
export type MarkerCodedField = keyof typeof MARKER_CODES;

// Compile-time proof that the tables cover the domain types exactly: a field added to
// Trade or Marker, or a new exit reason or marker kind, fails the build here.
export const FILL_TABLES_COVER_DOMAIN: [
  Exact<TradeNumberField, NumberKeys<Trade>>,
  Exact<TradeCodedField, Exclude<keyof Trade, NumberKeys<Trade>>>,
  Exact<(typeof TRADE_CODES.exitReason)[number], ExitReason>,
  Exact<MarkerNumberField, NumberKeys<Marker>>,
  Exact<MarkerCodedField, Exclude<keyof Marker, NumberKeys<Marker>>>,
  Exact<(typeof MARKER_CODES.kind)[number], MarkerKind>,
] = [true, true, true, true, true, true];

const TRADE_CODED = Object.keys(TRADE_CODES) as TradeCodedField[];
const MARKER_CODED = Object.keys(MARKER_CODES) as MarkerCodedField[];

function code(table: readonly string[], value: string, field: string): number {
  const c = table.indexOf(value);
  if (c < 0) throw new Error(`Cannot encode ${field} "${value}"`);
  return c;
}

function decode<T>(table: readonly T[], c: number, field: string): T {
  const value = table[c];
  if (value === undefined) throw new Error(`Unknown ${field} code ${c}`);
  return value;
}

/** Packs trades (and, for a portfolio run, each one's instrument) into columns. */
export function packTrades(trades: readonly Trade[], instruments?: Uint16Array): FillColumns {
  const n = trades.length;
  const numbers = new Float64Array(n * TRADE_NUMBER_FIELDS.length);
  const codes = new Uint8Array(n * TRADE_CODED.length);
  for (let i = 0; i < n; i++) {
    const t = trades[i]!;
    for (let f = 0; f < TRADE_NUMBER_FIELDS.length; f++) numbers[f * n + i] = t[TRADE_NUMBER_FIELDS[f]!];
    codes[i] = code(TRADE_CODES.side, t.side, 'side');
    codes[n + i] = code(TRADE_CODES.exitReason, t.exitReason, 'exitReason');
  }
  return withInstruments({ count: n, numbers, codes }, instruments);
}

function withInstruments(columns: FillColumns, instruments: Uint16Array | undefined): FillColumns {
  if (!instruments) return columns;
  if (instruments.length !== columns.count) throw new Error(`${instruments.length} instruments for ${columns.count} rows`);
  return { ...columns, instruments: instruments.slice() };
}

/** Packs markers (and, for a portfolio run, each one's instrument) into columns. */
export function packMarkers(markers: readonly Marker[], instruments?: Uint16Array): FillColumns {
  const n = markers.length;
  const numbers = new Float64Array(n * MARKER_NUMBER_FIELDS.length);
  const codes = new Uint8Array(n * MARKER_CODED.length);
  for (let i = 0; i < n; i++) {
    const m = markers[i]!;
    for (let f = 0; f < MARKER_NUMBER_FIELDS.length; f++) numbers[f * n + i] = m[MARKER_NUMBER_FIELDS[f]!];
    codes[i] = code(MARKER_CODES.kind, m.kind, 'kind');
    codes[n + i] = code(MARKER_CODES.fill, m.fill, 'fill');
  }
  return withInstruments({ count: n, numbers, codes }, instruments);
}

/** The trade at `i` of the columns, with the engine's key order. */
export function tradeAt(c: FillColumns, i: number): Trade {
  const n = c.count;
  const x = c.numbers;
  // Keys in the order the engine writes them.
  return {
    side: decode(TRADE_CODES.side, c.codes[i]!, 'side'),
    entryTs: x[i]!,
    exitTs: x[n + i]!,
    entryBar: x[2 * n + i]!,
    exitBar: x[3 * n + i]!,
    entryPrice: x[4 * n + i]!,
    exitPrice: x[5 * n + i]!,
    quantity: x[6 * n + i]!,
    pnl: x[7 * n + i]!,
    returnPct: x[8 * n + i]!,
    fees: x[9 * n + i]!,
    barsHeld: x[10 * n + i]!,
    exitReason: decode(TRADE_CODES.exitReason, c.codes[n + i]!, 'exitReason'),
  };
}

/** The marker at `i` of the columns, with the engine's key order. */
export function markerAt(c: FillColumns, i: number): Marker {
  const n = c.count;
  const x = c.numbers;
  return {
    bar: x[i]!,
    ts: x[n + i]!,
    kind: decode(MARKER_CODES.kind, c.codes[i]!, 'kind'),
    price: x[2 * n + i]!,
    quantity: x[3 * n + i]!,
    fee: x[4 * n + i]!,
    fill: decode(MARKER_CODES.fill, c.codes[n + i]!, 'fill'),
  };
}

export function unpackTrades(c: FillColumns): Trade[] {
  return Array.from({ length: c.count }, (_, i) => tradeAt(c, i));
}

export function unpackMarkers(c: FillColumns): Marker[] {
  return Array.from({ length: c.count }, (_, i) => markerAt(c, i));
}

/** One numeric column of trade columns (a view, no copy). */
export function tradeNumberColumn(c: FillColumns, field: TradeNumberField): Float64Array {
  const f = TRADE_NUMBER_FIELDS.indexOf(field);
  return c.numbers.subarray(f * c.count, (f + 1) * c.count);
}

/** One coded column of trade columns (a view, no copy). */
export function tradeCodeColumn(c: FillColumns, field: TradeCodedField): Uint8Array {
  const f = TRADE_CODED.indexOf(field);
  return c.codes.subarray(f * c.count, (f + 1) * c.count);
}

/** The buffers to transfer with fill columns. */
export function fillBuffers(c: FillColumns): ArrayBuffer[] {
  return [c.numbers.buffer, c.codes.buffer, ...(c.instruments ? [c.instruments.buffer] : [])] as ArrayBuffer[];
}
