import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { StorageError, ValidationError } from '../../application/errors.js';
import type {
  EquityCurve,
  EquityOverview,
  ListRunsQuery,
  NewRun,
  RunDetail,
  RunExtras,
  RunMetrics,
  RunHeader,
  RunPage,
  RunStore,
  RunSummary,
  RunSweepVariant,
  RunTrade,
} from '../../application/ports/run-store.js';
import { instrumentId, runId, strategyId, type RunId } from '../../domain/market/ids.js';
import { parseTimeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { equityOverview } from '../../application/handlers/downsample.js';
import { newRunId } from './run-id.js';
import { encodeTradeColumns, pageValues, tradesFromPages, type TradeLayout } from './trade-columns.js';
import { decodeTsSteps, encodeTsSteps } from './ts-steps.js';

/** Runs saved before the columnar pages (and trades that do not fit columns): one deflated JSON array. */
const JSON_ENCODING = 'json+deflate-raw';
/** Trades in run_trade_pages; run_trades holds the layout as JSON. */
const COLUMNS_ENCODING = 'columns-v1';
/** Equity times: one float64 per point, or runs of equal steps (ts-steps.ts). */
const F64_ENCODING = 'f64';
const STEPS_ENCODING = 'steps-v1';
const DEFAULT_LIMIT = 50;
/** Decoded trade pages kept (each ~1.7 MB for 16,384 engine trades): a sorted order of a 175,000-trade run touches all 11. */
const PAGE_CACHE_PAGES = 12;
const MAX_LIMIT = 1000;

interface RunRow {
  id: string;
  created_at: number;
  name: string;
  strategy_id: string | null;
  spec_json: string;
  instrument_id: number;
  symbol: string;
  timeframe: string;
  from_ts: number | null;
  to_ts: number | null;
  bar_count: number;
  engine_version: string;
  hash: string;
  metrics_json: string;
  trade_count: number;
  status: string;
  extras_json: string;
}

/** What a list reads of a run: the small columns, and of the extras only the sweep variant (JSON text, a few dozen bytes). */
type SummaryRow = Omit<RunRow, 'spec_json' | 'extras_json'> & { sweep_variant_json: string | null };

/** A listed run with the first earlier run of its hash, if any (see RunSummary.repeatOf). */
type ListRow = SummaryRow & { repeat_of_id: string | null; repeat_of_at: number | null };

// The first run stored before this one with the same hash: a lookup in runs_hash per listed
// run (a hash has a handful of runs), so a list can mark a re-run of identical inputs.
const EARLIER_SAME_HASH = 'FROM runs p WHERE p.hash = runs.hash AND (p.created_at < runs.created_at OR (p.created_at = runs.created_at AND p.id < runs.id)) ORDER BY p.created_at, p.id LIMIT 1';
const REPEAT_COLUMNS = `(SELECT p.id ${EARLIER_SAME_HASH}) AS repeat_of_id, (SELECT p.created_at ${EARLIER_SAME_HASH}) AS repeat_of_at`;

// The variant is taken out in SQL, so a list of 200 runs sends 200 small texts, not the
// extras; `->` gives JSON text whatever the value's type, and a run whose extras are not
// JSON lists without a variant instead of failing the whole list.
const SUMMARY_COLUMNS =
  'id, created_at, name, strategy_id, instrument_id, symbol, timeframe, from_ts, to_ts, bar_count, engine_version, hash, metrics_json, trade_count, status, ' +
  "CASE WHEN json_valid(extras_json) THEN extras_json -> '$.sweepVariant' END AS sweep_variant_json";

/**
 * RunStore on the workstation's SQLite file (tables from the 'runs...' migration).
 * A run is written in one transaction: the run (small columns + spec and metrics as
 * JSON), its trades (column pages, or one compressed JSON BLOB for odd shapes) and its
 * equity curve (float64 values at full resolution; times as runs of equal steps when that
 * is smaller). Listing reads only the first table.
 */
export class SqliteRunStore implements RunStore {
  constructor(
    private readonly writer: Database.Database,
    /** Connection for reads; the writer when absent. */
    private readonly reader: () => Database.Database = () => writer,
    private readonly clock: () => number = Date.now,
  ) {}

  save(run: NewRun): RunSummary {
    if (run.equity.ts.length !== run.equity.equity.length) {
      throw new ValidationError(`Equity curve has ${run.equity.equity.length} values for ${run.equity.ts.length} timestamps`);
    }
    const createdAt = this.clock();
    const id = newRunId(createdAt);
    const row: RunRow = {
      id,
      created_at: createdAt,
      name: run.name,
      strategy_id: run.strategyId,
      spec_json: JSON.stringify(run.spec),
      instrument_id: run.instrumentId,
      symbol: run.symbol,
      timeframe: run.timeframe,
      from_ts: run.fromTs,
      to_ts: run.toTs,
      bar_count: run.barCount,
      engine_version: run.engineVersion,
      hash: run.hash,
      metrics_json: JSON.stringify(run.metrics),
      trade_count: run.trades.length,
      status: run.status,
      extras_json: JSON.stringify(run.extras ?? {}),
    };
    // Columns cost a typed-array copy per field; the JSON fallback (mixed shapes) costs
    // stringify + deflate of every trade, ~10x more, on the main process.
    const columns = encodeTradeColumns(run.trades);
    const trades = columns ? Buffer.from(JSON.stringify(columns.layout)) : deflateRawSync(JSON.stringify(run.trades), { level: 1 });
    const steps = encodeTsSteps(run.equity.ts);
    const overview = equityOverview(run.equity);
    this.writer.transaction(() => {
      this.writer
        .prepare(
          `INSERT INTO runs (id, created_at, name, strategy_id, spec_json, instrument_id, symbol, timeframe, from_ts, to_ts, bar_count,
             engine_version, hash, metrics_json, trade_count, status, extras_json)
           VALUES (@id, @created_at, @name, @strategy_id, @spec_json, @instrument_id, @symbol, @timeframe, @from_ts, @to_ts, @bar_count,
             @engine_version, @hash, @metrics_json, @trade_count, @status, @extras_json)`,
        )
        .run(row);
      this.writer.prepare('INSERT INTO run_trades (run_id, encoding, trades) VALUES (?, ?, ?)').run(id, columns ? COLUMNS_ENCODING : JSON_ENCODING, trades);
      if (columns) {
        const insert = this.writer.prepare('INSERT INTO run_trade_pages (run_id, field, page, data) VALUES (?, ?, ?, ?)');
        for (const page of columns.pages) insert.run(id, page.field, page.page, page.data);
      }
      this.writer
        .prepare('INSERT INTO run_equity (run_id, point_count, ts_encoding, ts, equity, overview, overview_count) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          id,
          run.equity.ts.length,
          steps ? STEPS_ENCODING : F64_ENCODING,
          bytesOf(steps ?? run.equity.ts),
          bytesOf(run.equity.equity),
          Buffer.concat([bytesOf(overview.ts), bytesOf(overview.equity), bytesOf(overview.drawdown)]),
          overview.ts.length,
        );
    })();
    return toSummary(row, run.extras?.sweepVariant);
  }

  list(query: ListRunsQuery = {}): RunPage {
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.trunc(query.limit ?? DEFAULT_LIMIT)));
    const offset = Math.max(0, Math.trunc(query.offset ?? 0));
    const db = this.reader();
    return db.transaction((): RunPage => {
      // Only the filters asked for, so each can use its index (runs_strategy, runs_hash).
      const where: string[] = [];
      const params: Record<string, unknown> = { limit, offset };
      if (query.strategyId !== undefined) {
        where.push('strategy_id = @strategy');
        params['strategy'] = query.strategyId;
      }
      if (query.hash !== undefined) {
        where.push('hash = @hash');
        params['hash'] = query.hash;
      }
      const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
      const rows = db
        .prepare(`SELECT ${SUMMARY_COLUMNS}, ${REPEAT_COLUMNS} FROM runs ${filter} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`)
        .all(params) as ListRow[];
      const { total } = db.prepare(`SELECT count(*) AS total FROM runs ${filter}`).get(params) as { total: number };
      return {
        runs: rows.map((r) => {
          const summary = toSummary(r, r.sweep_variant_json === null ? undefined : JSON.parse(r.sweep_variant_json));
          return r.repeat_of_id === null || r.repeat_of_at === null ? summary : { ...summary, repeatOf: { id: runId(r.repeat_of_id), createdAt: r.repeat_of_at } };
        }),
        total,
      };
    })();
  }

  get(id: RunId): RunDetail | null {
    const db = this.reader();
    return db.transaction((): RunDetail | null => {
      const header = this.getHeader(id);
      if (!header) return null;
      const { ascendingTradeFields: _sorted, ...rest } = header;
      return { ...rest, trades: this.readTrades(id, 0, Number.MAX_SAFE_INTEGER), equity: this.getEquity(id)! };
    })();
  }

  getHeader(id: RunId): RunHeader | null {
    const db = this.reader();
    return db.transaction((): RunHeader | null => {
      const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
      if (!row) return null;
      const trades = this.tradeSource(db, id);
      const ascending = trades.kind === 'columns' ? trades.layout.fields.filter((f) => f.ascending).map((f) => f.name) : [];
      const extras = JSON.parse(row.extras_json) as RunExtras;
      return {
        ...toSummary(row, extras.sweepVariant),
        spec: JSON.parse(row.spec_json) as StrategySpec,
        extras,
        ascendingTradeFields: ascending,
      };
    })();
  }

  getEquity(id: RunId): EquityCurve | null {
    const equityRow = this.reader().prepare('SELECT point_count, ts_encoding, ts, equity FROM run_equity WHERE run_id = ?').get(id) as
      | { point_count: number; ts_encoding: string; ts: Buffer; equity: Buffer }
      | undefined;
    return equityRow ? decodeEquity(id, equityRow) : null;
  }

  getEquityOverview(id: RunId): EquityOverview | null {
    const row = this.reader().prepare('SELECT point_count, overview, overview_count FROM run_equity WHERE run_id = ?').get(id) as
      | { point_count: number; overview: Buffer | null; overview_count: number | null }
      | undefined;
    if (!row || row.overview === null || row.overview_count === null) return null;
    const count = row.overview_count;
    const all = float64Copy(row.overview, count * 3);
    return { ts: all.subarray(0, count), equity: all.subarray(count, 2 * count), drawdown: all.subarray(2 * count), sourcePoints: row.point_count };
  }

  readTrades(id: RunId, offset: number, limit: number): readonly RunTrade[] {
    const db = this.reader();
    return db.transaction((): readonly RunTrade[] => {
      const source = this.tradeSource(db, id);
      const start = Math.max(0, Math.trunc(offset));
      if (source.kind === 'json') return source.trades.slice(start, start + Math.max(0, limit));
      const end = Math.min(source.layout.count, start + Math.max(0, Math.trunc(limit)));
      if (end <= start) return [];
      const positions = new Uint32Array(end - start);
      for (let i = 0; i < positions.length; i++) positions[i] = start + i;
      return this.columnTrades(db, id, source.layout, positions);
    })();
  }

  readTradesAt(id: RunId, indices: ArrayLike<number>): readonly RunTrade[] {
    const db = this.reader();
    return db.transaction((): readonly RunTrade[] => {
      const source = this.tradeSource(db, id);
      const count = source.kind === 'json' ? source.trades.length : source.layout.count;
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k]!;
        if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new ValidationError(`No trade ${i} in run ${id} (${count} trades)`);
      }
      if (source.kind === 'json') return Array.from(indices, (i) => source.trades[i]!);
      return this.columnTrades(db, id, source.layout, indices);
    })();
  }

  readTradeField(id: RunId, field: string): Float64Array {
    const db = this.reader();
    return db.transaction((): Float64Array => {
      const source = this.tradeSource(db, id);
      if (source.kind === 'json') return Float64Array.from(source.trades, (t) => (typeof t[field] === 'number' ? (t[field] as number) : Number.NaN));
      const out = new Float64Array(source.layout.count).fill(Number.NaN);
      const spec = source.layout.fields.find((f) => f.name === field);
      if (!spec || spec.kind === 'str') return out;
      const rows = db.prepare('SELECT page, data FROM run_trade_pages WHERE run_id = ? AND field = ? ORDER BY page').all(id, field) as { page: number; data: Buffer }[];
      for (const row of rows) out.set(pageValues(spec, row.data), row.page * source.layout.pageSize);
      return out;
    })();
  }

  /** Where a run's trades are: the column layout, or (old encoding) the whole array decoded. */
  private tradeSource(db: Database.Database, id: RunId): { kind: 'columns'; layout: TradeLayout } | { kind: 'json'; trades: readonly RunTrade[] } {
    const row = db.prepare('SELECT encoding, trades FROM run_trades WHERE run_id = ?').get(id) as { encoding: string; trades: Buffer } | undefined;
    if (!row) throw new StorageError(`Run ${id} is incomplete in the database`, { id });
    if (row.encoding === COLUMNS_ENCODING) return { kind: 'columns', layout: JSON.parse(row.trades.toString('utf8')) as TradeLayout };
    // Old runs: decoded whole once and kept for the next page request of the same run.
    if (this.legacy?.id !== id) this.legacy = { id, trades: decodeTrades(id, row.encoding, row.trades) };
    return { kind: 'json', trades: this.legacy.trades };
  }

  private legacy: { id: RunId; trades: readonly RunTrade[] } | null = null;
  /** Decoded trade pages by run and page: the trades table asks for neighbouring slices of one page in turn. */
  private readonly pageCache = new Map<string, Map<string, Float64Array | Int32Array>>();

  /** Reads the pages holding `positions` (every field) and rebuilds those trades. */
  private columnTrades(db: Database.Database, id: RunId, layout: TradeLayout, positions: ArrayLike<number>): RunTrade[] {
    const wanted = new Set<number>();
    for (let k = 0; k < positions.length; k++) wanted.add(Math.floor(positions[k]! / layout.pageSize));
    const byField = new Map(layout.fields.map((f) => [f.name, new Map<number, Float64Array | Int32Array>()]));
    const kinds = new Map(layout.fields.map((f) => [f.name, f]));
    const select = db.prepare('SELECT field, data FROM run_trade_pages WHERE run_id = ? AND page = ?');
    for (const page of wanted) {
      const key = `${id}\u0000${page}`;
      let decoded = this.pageCache.get(key);
      if (decoded) {
        this.pageCache.delete(key);
      } else {
        decoded = new Map();
        for (const row of select.all(id, page) as { field: string; data: Buffer }[]) {
          const spec = kinds.get(row.field);
          if (spec) decoded.set(row.field, pageValues(spec, row.data));
        }
        if (decoded.size !== layout.fields.length) throw new StorageError(`Run ${id} is missing fields of trade page ${page}`, { id });
      }
      // Most recently used last; runs never change after save (delete drops their pages).
      this.pageCache.set(key, decoded);
      while (this.pageCache.size > PAGE_CACHE_PAGES) this.pageCache.delete(this.pageCache.keys().next().value!);
      for (const [name, values] of decoded) byField.get(name)!.set(page, values);
    }
    return tradesFromPages(layout, byField, positions);
  }

  delete(id: RunId): boolean {
    // run_trades and run_equity go with it (ON DELETE CASCADE; foreign_keys is on).
    for (const key of [...this.pageCache.keys()]) if (key.startsWith(`${id}\u0000`)) this.pageCache.delete(key);
    if (this.legacy?.id === id) this.legacy = null;
    return this.writer.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }
}

/** A run's summary; `sweepVariant` is its extras' value, kept only if it has the shape a sweep writes. */
function toSummary(row: Omit<RunRow, 'spec_json' | 'extras_json'>, sweepVariant: unknown): RunSummary {
  return {
    id: runId(row.id),
    createdAt: row.created_at,
    name: row.name,
    strategyId: row.strategy_id === null ? null : strategyId(row.strategy_id),
    instrumentId: instrumentId(row.instrument_id),
    symbol: row.symbol,
    timeframe: parseTimeframe(row.timeframe),
    fromTs: row.from_ts,
    toTs: row.to_ts,
    barCount: row.bar_count,
    engineVersion: row.engine_version,
    hash: row.hash,
    metrics: JSON.parse(row.metrics_json) as RunMetrics,
    tradeCount: row.trade_count,
    status: 'completed',
    ...(isSweepVariant(sweepVariant) ? { sweepVariant } : {}),
  };
}

function isSweepVariant(value: unknown): value is RunSweepVariant {
  if (typeof value !== 'object' || value === null) return false;
  const { sweepId, sweepName, index, params } = value as Record<string, unknown>;
  return (
    typeof sweepId === 'string' &&
    typeof sweepName === 'string' &&
    typeof index === 'number' &&
    typeof params === 'object' &&
    params !== null &&
    Object.values(params).every((v) => typeof v === 'number')
  );
}

/** A Buffer over the array's bytes (no copy). */
function bytesOf(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function decodeTrades(id: string, encoding: string, blob: Buffer): RunTrade[] {
  if (encoding !== JSON_ENCODING) throw new StorageError(`Run ${id} stores trades as "${encoding}", which this version cannot read`, { id });
  return JSON.parse(inflateRawSync(blob).toString('utf8')) as RunTrade[];
}

function decodeEquity(id: RunId, row: { point_count: number; ts_encoding: string; ts: Buffer; equity: Buffer }): EquityCurve {
  const count = row.point_count;
  const equity = float64Copy(row.equity, count);
  if (row.ts_encoding === F64_ENCODING) return { ts: float64Copy(row.ts, count), equity };
  if (row.ts_encoding !== STEPS_ENCODING) throw new StorageError(`Run ${id} stores equity times as "${row.ts_encoding}", which this version cannot read`, { id });
  if (row.ts.byteLength % 24 !== 0) throw new StorageError(`Run ${id}: equity time steps hold ${row.ts.byteLength} bytes, not whole triples`, { id });
  try {
    return { ts: decodeTsSteps(float64Copy(row.ts, row.ts.byteLength / 8), count), equity };
  } catch (error) {
    throw new StorageError(`Run ${id}: ${(error as Error).message}`, { id });
  }
}

/** Copies BLOB bytes into a fresh, aligned Float64Array (a Buffer's offset need not be a multiple of 8). */
function float64Copy(blob: Buffer, count: number): Float64Array {
  if (blob.byteLength !== count * 8) throw new StorageError(`Equity BLOB holds ${blob.byteLength} bytes, expected ${count * 8}`);
  const out = new Float64Array(count);
  new Uint8Array(out.buffer).set(blob);
  return out;
}
