import { inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { Marker, Trade } from '../../domain/engine/types.js';
import { TRADE_CODES, TRADE_NUMBER_FIELDS } from './fill-columns.js';

/**
 * Reads trades in the encodings runs were saved in before the fill codec, for the
 * migration that rewrites them (sqlite/migrations.ts): 'json+deflate-raw' (one deflated
 * JSON array) and 'columns-v1' (a generic column per field whose kinds were inferred at
 * save: f64, i32, or str as indices into a value list). Nothing else reads them.
 */
export const LEGACY_JSON_ENCODING = 'json+deflate-raw';
export const LEGACY_COLUMNS_ENCODING = 'columns-v1';

interface LegacyField {
  readonly name: string;
  readonly kind: 'f64' | 'i32' | 'str';
  readonly values?: readonly string[];
}

interface LegacyLayout {
  readonly count: number;
  readonly pageSize: number;
  readonly fields: readonly LegacyField[];
}

/** The stored trades of one run as plain records, or null for an encoding this module does not know. */
export function readLegacyTrades(db: Database.Database, runId: string, encoding: string, blob: Buffer): Record<string, unknown>[] | null {
  if (encoding === LEGACY_JSON_ENCODING) {
    const parsed: unknown = JSON.parse(inflateRawSync(blob).toString('utf8'));
    return Array.isArray(parsed) && parsed.every((t) => typeof t === 'object' && t !== null) ? (parsed as Record<string, unknown>[]) : null;
  }
  if (encoding !== LEGACY_COLUMNS_ENCODING) return null;
  const layout = JSON.parse(blob.toString('utf8')) as LegacyLayout;
  const out: Record<string, unknown>[] = Array.from({ length: layout.count }, () => ({}));
  const rows = db.prepare('SELECT field, page, data FROM run_trade_pages WHERE run_id = ?').all(runId) as { field: string; page: number; data: Buffer }[];
  for (const field of layout.fields) {
    for (const row of rows) {
      if (row.field !== field.name) continue;
      const values = field.kind === 'f64' ? new Float64Array(row.data.byteLength / 8) : new Int32Array(row.data.byteLength / 4);
      new Uint8Array(values.buffer).set(row.data);
      const start = row.page * layout.pageSize;
      for (let k = 0; k < values.length && start + k < layout.count; k++) {
        out[start + k]![field.name] = field.kind === 'str' ? field.values?.[values[k]!] : values[k];
      }
    }
  }
  return out;
}

/** The record as an engine trade, or null when a field is missing or of another type (such a run keeps its old encoding). */
export function legacyTrade(record: Record<string, unknown>): Trade | null {
  const numbers: Partial<Record<(typeof TRADE_NUMBER_FIELDS)[number], number>> = {};
  for (const field of TRADE_NUMBER_FIELDS) {
    const value = record[field];
    if (typeof value !== 'number') return null;
    numbers[field] = value;
  }
  const side = TRADE_CODES.side.find((s) => s === record['side']);
  const exitReason = TRADE_CODES.exitReason.find((r) => r === record['exitReason']);
  if (side === undefined || exitReason === undefined) return null;
  const n = numbers as Record<(typeof TRADE_NUMBER_FIELDS)[number], number>;
  return {
    side,
    entryTs: n.entryTs,
    exitTs: n.exitTs,
    entryBar: n.entryBar,
    exitBar: n.exitBar,
    entryPrice: n.entryPrice,
    exitPrice: n.exitPrice,
    quantity: n.quantity,
    pnl: n.pnl,
    returnPct: n.returnPct,
    fees: n.fees,
    barsHeld: n.barsHeld,
    exitReason,
  };
}

/** Exit reasons the engine fills at a bar's open (the others are stops and targets inside a bar). */
const OPEN_EXITS: ReadonlySet<Trade['exitReason']> = new Set(['signal', 'timeExit', 'reversal']);

/**
 * Markers rebuilt from closed trades, for runs saved before markers were kept: an entry
 * per position (partial exits share theirs) and an exit per trade. Adds to a position are
 * not in its trades (entryPrice is their average), so a rebuilt position shows one entry.
 */
export function markersFromTrades(trades: readonly Trade[]): Marker[] {
  const out: Marker[] = [];
  let lastEntry: string | null = null;
  for (const t of trades) {
    const entryKey = `${t.side}|${t.entryTs}|${t.entryBar}`;
    if (entryKey !== lastEntry) {
      out.push({ bar: t.entryBar, ts: t.entryTs, kind: t.side === 'long' ? 'entryLong' : 'entryShort', price: t.entryPrice, quantity: t.quantity, fee: 0, fill: 'open' });
      lastEntry = entryKey;
    }
    const partial = t.exitReason === 'partialExit';
    const kind = t.side === 'long' ? (partial ? 'partialExitLong' : 'exitLong') : partial ? 'partialExitShort' : 'exitShort';
    out.push({ bar: t.exitBar, ts: t.exitTs, kind, price: t.exitPrice, quantity: t.quantity, fee: t.fees, fill: OPEN_EXITS.has(t.exitReason) ? 'open' : 'intrabar' });
  }
  return out.sort((a, b) => a.ts - b.ts || a.bar - b.bar);
}
