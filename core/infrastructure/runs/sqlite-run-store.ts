import type Database from 'better-sqlite3';
import { StorageError, ValidationError } from '../../application/errors.js';
import type {
  EquityCurve,
  EquityOverview,
  ListRunsQuery,
  NewRun,
  RunDetail,
  RunExtras,
  RunHeader,
  RunPage,
  RunPortfolio,
  RunStore,
  RunUniverse,
  RunSummary,
  RunSweepVariant,
  TradeNumberField,
} from '../../application/runs/run-store.js';
import type { Marker, Trade } from '../../domain/engine/types.js';
import { instrumentId, runId, strategyId, type RunId } from '../../domain/market/ids.js';
import { parseTimeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { upgradeSpec } from '../../domain/strategy/spec-version.js';
import { equityOverview } from '../../application/charts/downsample.js';
import { newRunId } from './run-id.js';
import { markerAt, packMarkers, packTrades, tradeAt, type FillColumns } from './fill-columns.js';
import { FILLS_ENCODING, markerColumns, numberPage, pageColumns, TRADE_INSTRUMENT_FIELD, type TradePages, uint16Copy, writeFills } from './fill-pages.js';
import { metricsFromJson } from './metrics-json.js';
import { decodeTsSteps, encodeTsSteps } from './ts-steps.js';

/** Equity times: one float64 per point, or runs of equal steps (ts-steps.ts). */
const F64_ENCODING = 'f64';
const STEPS_ENCODING = 'steps-v1';
/** Equity points per stored part, 8 MB of float64s (see the migration 'long equity curves saved in parts'). */
const EQUITY_PART_POINTS = 1 << 20;
const DEFAULT_LIMIT = 50;
/** Decoded trade pages kept (each ~1.5 MB for 16,384 trades): a sorted order of a 175,000-trade run touches all 11. */
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
  universe_json: string | null;
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
  'id, created_at, name, strategy_id, instrument_id, symbol, timeframe, from_ts, to_ts, bar_count, engine_version, hash, metrics_json, trade_count, status, universe_json, ' +
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
    /** Equity points per stored part (tests lower it). */
    private readonly equityPartPoints = EQUITY_PART_POINTS,
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
      universe_json: run.universe ? JSON.stringify(run.universe) : null,
    };
    const portfolio = run.portfolio;
    if ((portfolio === undefined) !== (run.universe === undefined)) throw new ValidationError('A portfolio run needs both its universe and its per-instrument results');
    const trades = packTrades(run.trades, portfolio?.tradeInstruments);
    const markers = packMarkers(run.markers, portfolio?.markerInstruments);
    const steps = encodeTsSteps(run.equity.ts);
    const overview = equityOverview(run.equity);
    this.writer.transaction(() => {
      this.writer
        .prepare(
          `INSERT INTO runs (id, created_at, name, strategy_id, spec_json, instrument_id, symbol, timeframe, from_ts, to_ts, bar_count,
             engine_version, hash, metrics_json, trade_count, status, extras_json, universe_json)
           VALUES (@id, @created_at, @name, @strategy_id, @spec_json, @instrument_id, @symbol, @timeframe, @from_ts, @to_ts, @bar_count,
             @engine_version, @hash, @metrics_json, @trade_count, @status, @extras_json, @universe_json)`,
        )
        .run(row);
      writeFills(this.writer, id, trades, markers);
      // Part 0 in run_equity, the rest in run_equity_parts (see the migration: no bound value is ever the whole curve).
      const part = this.equityPartPoints;
      const { ts, equity } = run.equity;
      this.writer
        .prepare('INSERT INTO run_equity (run_id, point_count, ts_encoding, ts, equity, overview, overview_count) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          id,
          ts.length,
          steps ? STEPS_ENCODING : F64_ENCODING,
          bytesOf(steps ?? ts.subarray(0, part)),
          bytesOf(equity.subarray(0, part)),
          Buffer.concat([bytesOf(overview.ts), bytesOf(overview.equity), bytesOf(overview.drawdown)]),
          overview.ts.length,
        );
      const insertPart = this.writer.prepare('INSERT INTO run_equity_parts (run_id, part, ts, equity) VALUES (?, ?, ?, ?)');
      for (let k = 1; k * part < ts.length; k++) {
        const [from, to] = [k * part, (k + 1) * part];
        insertPart.run(id, k, steps ? EMPTY : bytesOf(ts.subarray(from, to)), bytesOf(equity.subarray(from, to)));
      }
      if (portfolio) {
        const { ts, pnl } = portfolio.curves;
        this.writer
          .prepare('INSERT INTO run_portfolio (run_id, figures_json, curve_points, curves, positions) VALUES (?, ?, ?, ?, ?)')
          .run(id, JSON.stringify(portfolio.figures), ts.length, Buffer.concat([bytesOf(ts), ...pnl.map(bytesOf)]), Buffer.from(portfolio.positions.buffer, portfolio.positions.byteOffset, portfolio.positions.byteLength));
      }
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
      const tradesRow = db.prepare('SELECT encoding, trades FROM run_trades WHERE run_id = ?').get(id) as { encoding: string; trades: Buffer } | undefined;
      // A run whose trades this version cannot read still opens: reading its trades says why.
      const ascending = tradesRow?.encoding === FILLS_ENCODING ? (JSON.parse(tradesRow.trades.toString('utf8')) as TradePages).ascending : [];
      const extras = JSON.parse(row.extras_json) as RunExtras;
      return {
        ...toSummary(row, extras.sweepVariant),
        spec: upgradeSpec(JSON.parse(row.spec_json)) as StrategySpec,
        extras,
        ascendingTradeFields: ascending,
      };
    })();
  }

  getEquity(id: RunId): EquityCurve | null {
    const db = this.reader();
    return db.transaction((): EquityCurve | null => {
      const equityRow = db.prepare('SELECT point_count, ts_encoding, ts, equity FROM run_equity WHERE run_id = ?').get(id) as EquityRow | undefined;
      if (!equityRow) return null;
      if (equityRow.equity.byteLength === equityRow.point_count * 8) return decodeEquity(id, equityRow);
      // Saved in parts: one row's BLOBs of every part, joined in part order.
      const parts = db.prepare('SELECT ts, equity FROM run_equity_parts WHERE run_id = ? ORDER BY part').all(id) as { ts: Buffer; equity: Buffer }[];
      const steps = equityRow.ts_encoding !== F64_ENCODING;
      return decodeEquity(id, {
        ...equityRow,
        ts: steps ? equityRow.ts : Buffer.concat([equityRow.ts, ...parts.map((p) => p.ts)]),
        equity: Buffer.concat([equityRow.equity, ...parts.map((p) => p.equity)]),
      });
    })();
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

  readTrades(id: RunId, offset: number, limit: number): readonly Trade[] {
    const db = this.reader();
    return db.transaction((): readonly Trade[] => {
      const layout = this.tradePages(db, id);
      const start = Math.max(0, Math.trunc(offset));
      const end = Math.min(layout.count, start + Math.max(0, Math.trunc(limit)));
      if (end <= start) return [];
      const positions = new Uint32Array(end - start);
      for (let i = 0; i < positions.length; i++) positions[i] = start + i;
      return this.tradesAt(db, id, layout, positions);
    })();
  }

  readTradesAt(id: RunId, indices: ArrayLike<number>): readonly Trade[] {
    const db = this.reader();
    return db.transaction((): readonly Trade[] => {
      const layout = this.tradePages(db, id);
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k]!;
        if (!(Number.isInteger(i) && i >= 0 && i < layout.count)) throw new ValidationError(`No trade ${i} in run ${id} (${layout.count} trades)`);
      }
      return this.tradesAt(db, id, layout, indices);
    })();
  }

  readTradeField(id: RunId, field: TradeNumberField): Float64Array {
    const db = this.reader();
    return db.transaction((): Float64Array => {
      const layout = this.tradePages(db, id);
      const out = new Float64Array(layout.count);
      const rows = db.prepare('SELECT page, data FROM run_trade_pages WHERE run_id = ? AND field = ? ORDER BY page').all(id, field) as { page: number; data: Buffer }[];
      for (const row of rows) out.set(numberPage(row.data), row.page * layout.pageSize);
      return out;
    })();
  }

  readMarkers(id: RunId): readonly Marker[] | null {
    const db = this.reader();
    return db.transaction((): readonly Marker[] | null => {
      const row = this.markerRow(db, id);
      if (row) {
        const columns = this.decoded(id, () => markerColumns(row.marker_count, row.data, row.instruments));
        return Array.from({ length: columns.count }, (_, i) => markerAt(columns, i));
      }
      // A run without markers: unknown, or one whose trades could not be rewritten (tradePages says why).
      if (!db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) return null;
      this.tradePages(db, id);
      return [];
    })();
  }

  private markerRow(db: Database.Database, id: RunId): { marker_count: number; data: Buffer; instruments: Buffer | null } | undefined {
    return db.prepare('SELECT marker_count, data, instruments FROM run_markers WHERE run_id = ?').get(id) as { marker_count: number; data: Buffer; instruments: Buffer | null } | undefined;
  }

  readMarkerInstruments(id: RunId): Uint16Array | null {
    const db = this.reader();
    return db.transaction((): Uint16Array | null => {
      const row = this.markerRow(db, id);
      if (!row || row.instruments === null) return null;
      return this.decoded(id, () => markerColumns(row.marker_count, row.data, row.instruments)).instruments ?? null;
    })();
  }

  readTradeInstruments(id: RunId): Uint16Array | null {
    const db = this.reader();
    return db.transaction((): Uint16Array | null => {
      const portfolio = db.prepare('SELECT universe_json FROM runs WHERE id = ?').get(id) as { universe_json: string | null } | undefined;
      if (!portfolio || portfolio.universe_json === null) return null;
      const layout = this.tradePages(db, id);
      const out = new Uint16Array(layout.count);
      const rows = db.prepare('SELECT page, data FROM run_trade_pages WHERE run_id = ? AND field = ? ORDER BY page').all(id, TRADE_INSTRUMENT_FIELD) as { page: number; data: Buffer }[];
      let filled = 0;
      for (const row of rows) {
        const page = uint16Copy(row.data);
        out.set(page, row.page * layout.pageSize);
        filled += page.length;
      }
      if (filled !== layout.count) throw new StorageError(`Run ${id} holds the instruments of ${filled} of its ${layout.count} trades`, { id });
      return out;
    })();
  }

  getPortfolio(id: RunId): RunPortfolio | null {
    const row = this.reader().prepare('SELECT figures_json, curve_points, curves, positions FROM run_portfolio WHERE run_id = ?').get(id) as
      | { figures_json: string; curve_points: number; curves: Buffer; positions: Buffer }
      | undefined;
    if (!row) return null;
    const figures = JSON.parse(row.figures_json) as RunPortfolio['figures'];
    const points = row.curve_points;
    const all = float64Copy(row.curves, points * (figures.length + 1));
    return {
      figures,
      curves: { ts: all.subarray(0, points), pnl: figures.map((_, k) => all.subarray((k + 1) * points, (k + 2) * points)) },
      positions: Uint8Array.from(row.positions),
    };
  }

  /** The layout of a run's trade pages; a StorageError for a run without them or in an encoding this version cannot read. */
  private tradePages(db: Database.Database, id: RunId): TradePages {
    const row = db.prepare('SELECT encoding, trades FROM run_trades WHERE run_id = ?').get(id) as { encoding: string; trades: Buffer } | undefined;
    if (!row) throw new StorageError(`Run ${id} is incomplete in the database`, { id });
    if (row.encoding !== FILLS_ENCODING) throw new StorageError(`Run ${id} stores its trades as "${row.encoding}", which this version cannot read`, { id });
    return JSON.parse(row.trades.toString('utf8')) as TradePages;
  }

  /** Decoded trade pages by run and page: the trades table asks for neighbouring slices of one page in turn. */
  private readonly pageCache = new Map<string, FillColumns>();

  /** A decoded value kept in the page cache under `${id}\u0000${part}` (most recently used last). */
  private decoded(id: RunId, read: () => FillColumns, part = 'markers'): FillColumns {
    const key = `${id}\u0000${part}`;
    const hit = this.pageCache.get(key);
    if (hit) this.pageCache.delete(key);
    const value = hit ?? read();
    // Runs never change after save (delete drops their pages).
    this.pageCache.set(key, value);
    while (this.pageCache.size > PAGE_CACHE_PAGES) this.pageCache.delete(this.pageCache.keys().next().value!);
    return value;
  }

  /** Reads the pages holding `positions` (every field) and rebuilds those trades. */
  private tradesAt(db: Database.Database, id: RunId, layout: TradePages, positions: ArrayLike<number>): Trade[] {
    const size = layout.pageSize;
    const pages = new Map<number, FillColumns>();
    const select = db.prepare('SELECT field, data FROM run_trade_pages WHERE run_id = ? AND page = ?');
    for (let k = 0; k < positions.length; k++) {
      const page = Math.floor(positions[k]! / size);
      if (pages.has(page)) continue;
      const count = Math.min(size, layout.count - page * size);
      pages.set(
        page,
        this.decoded(
          id,
          () => {
            try {
              return pageColumns(select.all(id, page) as { field: string; data: Buffer }[], count);
            } catch (error) {
              throw new StorageError(`Run ${id}, trade page ${page}: ${(error as Error).message}`, { id });
            }
          },
          String(page),
        ),
      );
    }
    return Array.from(positions, (i) => tradeAt(pages.get(Math.floor(i / size))!, i % size));
  }

  delete(id: RunId): boolean {
    // run_trades and run_equity go with it (ON DELETE CASCADE; foreign_keys is on).
    for (const key of [...this.pageCache.keys()]) if (key.startsWith(`${id}\u0000`)) this.pageCache.delete(key);
    return this.writer.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }
}

/** A run's summary; `sweepVariant` is its extras' value, kept only if it has the shape a sweep writes. */
function toSummary(row: Omit<RunRow, 'spec_json' | 'extras_json'>, sweepVariant: unknown): RunSummary {
  const universe = row.universe_json === null ? undefined : (JSON.parse(row.universe_json) as RunUniverse);
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
    metrics: metricsFromJson(row.metrics_json),
    tradeCount: row.trade_count,
    status: 'completed',
    ...(universe ? { universe } : {}),
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
const EMPTY = Buffer.alloc(0);

function bytesOf(values: Float64Array | Uint16Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

interface EquityRow {
  readonly point_count: number;
  readonly ts_encoding: string;
  readonly ts: Buffer;
  readonly equity: Buffer;
}

function decodeEquity(id: RunId, row: EquityRow): EquityCurve {
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
