import type { BarDeletion, BarStore, Coverage, Gap, MergeResult, SeriesSummary, StagedSeriesWrite } from '../../application/data/bar-store.js';
import { ConflictError, NotFoundError, ValidationError } from '../../application/errors.js';
import { assertValidBars, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import { DomainError } from '../../domain/errors.js';
import { instrumentId, type InstrumentId } from '../../domain/market/ids.js';
import { assertInstrumentDraft, type Instrument, type InstrumentDraft } from '../../domain/market/instrument.js';
import { isTimeframe, timeframeMs, TIMEFRAMES, type Timeframe } from '../../domain/market/timeframe.js';
import { isSessionClosure } from '../../domain/market/session-closures.js';
import { isWeekendClosure, missingBars, tradesWeekends } from '../../domain/market/weekend-closures.js';
import { allocateUninitialisedBars, copyChunkRange, decodeChunk, DEFAULT_GAP_THRESHOLD_BARS, lowerBoundInChunk, releaseChunk, type BarsAllocator } from './chunk-codec.js';
import { chunkMetaValues, encodeChunks, mergeSorted } from './chunk-writes.js';
import type { Connection } from './database.js';
import { SlowStatementLog, type TimedStatement } from './slow-log.js';
import { reclaimStagedImports, SqliteStagedSeriesWrite } from './staged-series-write.js';
import { processRuns } from '../process-owner.js';

/**
 * Bars per stored chunk. Chosen by measurement (bench/store.ts, docs/STORAGE.md): reads
 * of a year cost the same from 4,096 up, while a small chunk keeps the rewrite of the
 * last partial chunk on each appended batch, and of a chunk touched by a short
 * overlapping import, cheap.
 */
export const DEFAULT_CHUNK_BARS = 4096;


/** A tag as instruments carry it (a universe names one). */
const TAG = /^[A-Za-z0-9._:/-]{1,64}$/;

const MIN_TS = Number.MIN_SAFE_INTEGER;
const MAX_TS = Number.MAX_SAFE_INTEGER;

export interface SqliteBarStoreOptions {
  readonly chunkBars?: number;
  /** Times the store's statements; defaults to an in-memory log with the default threshold. */
  readonly slowLog?: SlowStatementLog;
  /** Supplies a connection for reads outside a write transaction (e.g. the reader pool). */
  readonly reader?: () => Connection;
}

interface InstrumentRow {
  id: number;
  symbol: string;
  venue: string;
  price_tick: number;
  quantity_step: number;
  quote_currency: string;
  time_zone: string;
  source_exchange: string | null;
  source_market: string | null;
}

/** [start_ts, end_ts, bar_count, max_step_ms, saturday_bars, hour_mask] */
type ChunkMeta = [number, number, number, number, number, number];
/** [start_ts, end_ts, bar_count, data] */
export type ChunkRow = [number, number, number, Buffer];

// A chunk's index row (bar_chunks, `c`) and its data (bar_chunk_data, `d`): the columns
// come from the covering index, the BLOB by its rowid.
const CHUNK_COLUMNS = 'c.start_ts, c.end_ts, c.bar_count, d.data';
const CHUNKS = 'bar_chunks c JOIN bar_chunk_data d ON d.id = c.data_id';
// Chunks that can hold bars in [?from, ?to): those starting before `to`, from the last
// chunk starting at or before `from` on (chunks never overlap, so nothing earlier can).
const IN_RANGE = `
  WHERE c.instrument_id = @id AND c.timeframe = @tf AND c.start_ts < @to AND c.end_ts >= @from
    AND c.start_ts >= coalesce((SELECT start_ts FROM bar_chunks
                                WHERE instrument_id = @id AND timeframe = @tf AND start_ts <= @from
                                ORDER BY start_ts DESC LIMIT 1), ${MIN_TS})
  ORDER BY c.start_ts`;
const CHUNKS_IN_RANGE = `SELECT ${CHUNK_COLUMNS} FROM ${CHUNKS} ${IN_RANGE}`;
// The same chunks' index rows alone (no BLOB), then each BLOB by its id.
const CHUNK_INDEX_IN_RANGE = `SELECT c.start_ts, c.end_ts, c.bar_count, c.data_id FROM bar_chunks c ${IN_RANGE}`;
const CHUNK_DATA = 'SELECT data FROM bar_chunk_data WHERE id = ?';
type ChunkIndexRow = [number, number, number, number];

// Series summaries from the covering index. Holes between chunks (LAG over chunk ends)
// come back as 'end:start:open hours' (the two chunks' hour masks together), to be told
// from market closures by the domain's rules.
const TIMEFRAME_STEPS = TIMEFRAMES.map((tf) => `('${tf}', ${timeframeMs(tf)})`).join(', ');
const SERIES_SUMMARY = `
  WITH steps(timeframe, ms) AS (VALUES ${TIMEFRAME_STEPS}),
  chunks AS (
    SELECT instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, weekend_closures, saturday_bars,
           session_closures, hour_mask,
           LAG(end_ts) OVER (PARTITION BY instrument_id, timeframe ORDER BY start_ts) AS prev_end,
           LAG(hour_mask) OVER (PARTITION BY instrument_id, timeframe ORDER BY start_ts) AS prev_mask
    FROM bar_chunks b
    WHERE NOT EXISTS (SELECT 1 FROM bar_deletions d WHERE d.instrument_id = b.instrument_id AND d.timeframe = b.timeframe)
  )
  SELECT c.instrument_id AS instrumentId, c.timeframe AS timeframe, MIN(c.start_ts) AS firstTs, MAX(c.end_ts) AS lastTs,
         SUM(c.bar_count) AS barCount, SUM(c.gap_count) AS innerGaps, SUM(c.weekend_closures) AS innerClosures,
         SUM(c.saturday_bars) AS saturdayBars, SUM(c.session_closures) AS innerSessionClosures,
         group_concat(CASE WHEN c.prev_end IS NOT NULL AND c.start_ts - c.prev_end > (${DEFAULT_GAP_THRESHOLD_BARS} + 1) * s.ms
                           THEN c.prev_end || ':' || c.start_ts || ':' || (c.hour_mask | c.prev_mask) END) AS holes
  FROM chunks c JOIN steps s ON s.timeframe = c.timeframe
  GROUP BY c.instrument_id, c.timeframe
  ORDER BY c.instrument_id, c.timeframe`;

/**
 * BarStore on SQLite: each series (instrument, timeframe) is a run of non-overlapping
 * chunks of up to `chunkBars` bars, every column a Float64Array BLOB. Writes go through
 * the writer connection; reads use the reader pool unless a write transaction is open
 * (then the writer, so a transaction reads its own writes).
 */
export class SqliteBarStore implements BarStore {
  readonly chunkBars: number;
  private readonly slowLog: SlowStatementLog;
  private readonly readerSource: (() => Connection) | null;
  private readonly statements = new WeakMap<Connection, Map<string, TimedStatement>>();

  constructor(
    private readonly writer: Connection,
    options: SqliteBarStoreOptions = {},
  ) {
    this.chunkBars = options.chunkBars ?? DEFAULT_CHUNK_BARS;
    if (!Number.isInteger(this.chunkBars) || this.chunkBars < 1) throw new ValidationError(`chunkBars must be a positive integer, got ${this.chunkBars}`);
    this.slowLog = options.slowLog ?? new SlowStatementLog(null);
    this.readerSource = options.reader ?? null;
  }

  upsertInstrument(draft: InstrumentDraft): Instrument {
    try {
      assertInstrumentDraft(draft);
    } catch (error) {
      if (error instanceof DomainError) throw new ValidationError(error.message);
      throw error;
    }
    const hidden = this.statement(this.writer, `SELECT 1 FROM instruments WHERE symbol = ? AND NOT ${INSTRUMENT_VISIBLE}`).get(draft.symbol);
    if (hidden) throw deletedMeanwhile(draft.symbol, null);
    const row = this.statement(
      this.writer,
      // A draft without a source (an import from files) keeps the source already stored.
      `INSERT INTO instruments (symbol, venue, price_tick, quantity_step, quote_currency, time_zone, source_exchange, source_market)
       VALUES (@symbol, @venue, @priceTick, @quantityStep, @quoteCurrency, @timeZone, @sourceExchange, @sourceMarket)
       ON CONFLICT (symbol) DO UPDATE SET venue = excluded.venue, price_tick = excluded.price_tick,
         quantity_step = excluded.quantity_step, quote_currency = excluded.quote_currency, time_zone = excluded.time_zone,
         source_exchange = coalesce(excluded.source_exchange, source_exchange), source_market = coalesce(excluded.source_market, source_market)
       RETURNING *`,
    ).get<InstrumentRow>({
      symbol: draft.symbol,
      venue: draft.venue,
      priceTick: draft.priceTick,
      quantityStep: draft.quantityStep,
      quoteCurrency: draft.quoteCurrency,
      timeZone: draft.timeZone,
      sourceExchange: draft.source?.exchange ?? null,
      sourceMarket: draft.source?.market ?? null,
    });
    return toInstrument(row!);
  }

  findInstrument(symbol: string): Instrument | null {
    const row = this.statement(this.readConnection(), `SELECT * FROM instruments WHERE symbol = ? AND ${INSTRUMENT_VISIBLE}`).get<InstrumentRow>(symbol);
    return row ? toInstrument(row) : null;
  }

  listInstruments(): Instrument[] {
    return this.statement(this.readConnection(), `SELECT * FROM instruments WHERE ${INSTRUMENT_VISIBLE} ORDER BY symbol`).all<InstrumentRow>().map(toInstrument);
  }

  everHeldInstruments(): boolean {
    // series_versions keeps a row per series ever written, also after a delete removed its bars and instrument.
    const row = this.statement(this.readConnection(), 'SELECT EXISTS (SELECT 1 FROM instruments) OR EXISTS (SELECT 1 FROM series_versions) AS held').get<{ held: number }>();
    return row?.held === 1;
  }

  setInstrumentTags(id: InstrumentId, tags: readonly string[]): void {
    // Case-insensitive duplicates: the first spelling stays.
    const byKey = new Map<string, string>();
    for (const tag of tags.map((t) => t.trim()).filter((t) => t !== '')) if (!byKey.has(tag.toLowerCase())) byKey.set(tag.toLowerCase(), tag);
    const clean = [...byKey.values()];
    for (const tag of clean) if (!TAG.test(tag)) throw new ValidationError(`Invalid tag "${tag}": 1-64 letters, digits or . _ : / -`);
    this.transaction(() => {
      if (!this.statement(this.writer, 'SELECT 1 FROM instruments WHERE id = ?').get(id)) throw new NotFoundError(`No instrument with id ${id}`);
      this.statement(this.writer, 'DELETE FROM instrument_tags WHERE instrument_id = ?').run(id);
      const insert = this.statement(this.writer, 'INSERT INTO instrument_tags (tag, instrument_id) VALUES (?, ?)');
      for (const tag of clean) insert.run(tag, id);
    });
  }

  instrumentsTagged(tag: string): Instrument[] {
    return this.statement(
      this.readConnection(),
      // A deleted instrument (still undoable) is in no universe.
      `SELECT instruments.* FROM instrument_tags t JOIN instruments ON instruments.id = t.instrument_id WHERE t.tag = ? AND ${INSTRUMENT_VISIBLE} ORDER BY instruments.symbol`,
    )
      .all<InstrumentRow>(tag.trim())
      .map(toInstrument);
  }

  listSeries(): SeriesSummary[] {
    const db = this.readConnection();
    // One read transaction so instruments and chunk summaries come from one snapshot.
    return db.transaction(() => {
      const instruments = new Map(this.statement(db, 'SELECT * FROM instruments').all<InstrumentRow>().map((r) => [r.id, toInstrument(r)]));
      const tags = new Map<number, string[]>();
      for (const { tag, instrument_id } of this.statement(db, 'SELECT tag, instrument_id FROM instrument_tags ORDER BY tag COLLATE NOCASE').all<{ tag: string; instrument_id: number }>()) {
        const list = tags.get(instrument_id) ?? [];
        list.push(tag);
        tags.set(instrument_id, list);
      }
      const rows = this.statement(db, SERIES_SUMMARY).all<{
        instrumentId: number;
        timeframe: string;
        firstTs: number;
        lastTs: number;
        barCount: number;
        innerGaps: number;
        innerClosures: number;
        saturdayBars: number;
        innerSessionClosures: number;
        holes: string | null;
      }>();
      const out: SeriesSummary[] = [];
      for (const r of rows) {
        const instrument = instruments.get(r.instrumentId);
        if (!instrument || !isTimeframe(r.timeframe)) continue;
        const step = timeframeMs(r.timeframe);
        let holes = r.innerGaps;
        let weekends = r.innerClosures;
        let sessions = r.innerSessionClosures;
        for (const hole of r.holes?.split(',') ?? []) {
          const [end, start, openHours] = hole.split(':').map(Number) as [number, number, number];
          holes++;
          if (isWeekendClosure(end, start, step)) weekends++;
          else if (isSessionClosure(end, start, step, openHours)) sessions++;
        }
        if (tradesWeekends(r.saturdayBars, r.barCount)) weekends = 0;
        out.push({
          instrument,
          tags: tags.get(r.instrumentId) ?? [],
          timeframe: r.timeframe,
          firstTs: r.firstTs,
          lastTs: r.lastTs,
          barCount: r.barCount,
          gapCount: holes - weekends - sessions,
          weekendClosures: weekends,
          sessionClosures: sessions,
        });
      }
      return out.sort((a, b) => a.instrument.symbol.localeCompare(b.instrument.symbol) || TIMEFRAMES.indexOf(a.timeframe) - TIMEFRAMES.indexOf(b.timeframe));
    })();
  }

  seriesVersion(id: InstrumentId, timeframe: Timeframe): number {
    const db = this.readConnection();
    // A series with nothing to read (deleted, or hidden by a delete) is no stored series: 0.
    if (this.hidden(db, id, timeframe) || !this.statement(db, 'SELECT 1 FROM bar_chunks WHERE instrument_id = ? AND timeframe = ? LIMIT 1').get(id, timeframe)) return 0;
    const row = this.statement(db, 'SELECT version FROM series_versions WHERE instrument_id = ? AND timeframe = ?').get<{ version: number }>(id, timeframe);
    return row?.version ?? 0;
  }

  /** `into`: where the bars go (reused columns, overwritten by their next read, or shared memory); default fresh ones. */
  readBars(id: InstrumentId, timeframe: Timeframe, fromTs: number = MIN_TS, toTs: number = MAX_TS, into?: BarsAllocator): BarColumns {
    const db = this.readConnection();
    if (this.hidden(db, id, timeframe)) return into ? into.take(0) : allocateUninitialisedBars(0);
    // One snapshot for the index rows and the BLOBs read after them.
    return db.transaction((): BarColumns => {
      const chunks = this.statement(db, CHUNK_INDEX_IN_RANGE, true).all<ChunkIndexRow>({ id, tf: timeframe, from: fromTs, to: toTs });
      const data = this.statement(db, CHUNK_DATA, true);
      const blob = (dataId: number) => data.get<[Buffer]>(dataId)![0];
      // The slice of each chunk inside the range, to allocate the output once: only the
      // first and last chunk can reach outside it, so only their BLOBs are read here.
      const bounds = new Int32Array(chunks.length * 2);
      const edges = new Map<number, Buffer>();
      let total = 0;
      chunks.forEach(([startTs, endTs, count, dataId], k) => {
        let lo = 0;
        let hi = count;
        if (startTs < fromTs || endTs >= toTs) {
          const edge = blob(dataId);
          edges.set(k, edge);
          if (startTs < fromTs) lo = lowerBoundInChunk(edge, count, fromTs);
          if (endTs >= toTs) hi = lowerBoundInChunk(edge, count, toTs);
        }
        bounds[2 * k] = lo;
        bounds[2 * k + 1] = hi;
        total += hi - lo;
      });
      // Every element is written below: the copies cover [0, total) of each column. One
      // BLOB at a time, freed once copied: a read holds one chunk beside its output, not
      // the whole range twice (a thread's malloc arena kept that size: ~120 MB of a
      // five-year sweep worker's RSS).
      const out = into ? into.take(total) : allocateUninitialisedBars(total);
      let offset = 0;
      chunks.forEach(([, , count, dataId], k) => {
        const lo = bounds[2 * k]!;
        const hi = bounds[2 * k + 1]!;
        const chunk = edges.get(k) ?? blob(dataId);
        copyChunkRange(chunk, count, lo, hi, out, offset);
        releaseChunk(chunk);
        offset += hi - lo;
      });
      return out;
    })();
  }

  /**
   * Returns the open time from which `count` bars lie before `beforeTs` (with `bucketOf`,
   * `count` distinct buckets, and the first bucket's start), walking back a chunk at a
   * time; when fewer are stored, the earliest one's. Null when nothing is stored before
   * `beforeTs`. A run's warm-up reads from there (workers/lib/bar-source.ts).
   */
  startOfBarsBefore(id: InstrumentId, timeframe: Timeframe, beforeTs: number, count: number, bucketOf?: (ts: number) => number): number | null {
    if (!(count > 0) || this.hidden(this.readConnection(), id, timeframe)) return null;
    let before = beforeTs;
    let groups = 0;
    let last = Number.NaN;
    for (;;) {
      const row = this.statement(
        this.readConnection(),
        `SELECT ${CHUNK_COLUMNS} FROM ${CHUNKS} WHERE c.instrument_id = @id AND c.timeframe = @tf AND c.start_ts < @before ORDER BY c.start_ts DESC LIMIT 1`,
        true,
      ).get<ChunkRow>({ id, tf: timeframe, before });
      if (!row) return groups > 0 ? last : null;
      const ts = decodeChunk(row[3], row[2]).ts;
      for (let j = lowerBoundInChunk(row[3], row[2], beforeTs) - 1; j >= 0; j--) {
        const key = bucketOf ? bucketOf(ts[j]!) : ts[j]!;
        if (key === last) continue;
        if (groups === count) return last;
        groups++;
        last = key;
      }
      before = row[0];
    }
  }

  *iterateChunks(id: InstrumentId, timeframe: Timeframe, fromTs: number = MIN_TS, toTs: number = MAX_TS): Generator<BarColumns> {
    if (this.hidden(this.readConnection(), id, timeframe)) return;
    // One indexed query per chunk rather than one open cursor: the connection stays free
    // between yields, and an abandoned iteration leaves nothing open.
    let from = fromTs;
    let first = true;
    for (;;) {
      const db = this.readConnection();
      const row = first
        ? this.statement(db, `${CHUNKS_IN_RANGE} LIMIT 1`, true).get<ChunkRow>({ id, tf: timeframe, from, to: toTs })
        : this.statement(
            db,
            `SELECT ${CHUNK_COLUMNS} FROM ${CHUNKS} WHERE c.instrument_id = @id AND c.timeframe = @tf AND c.start_ts >= @from AND c.start_ts < @to ORDER BY c.start_ts LIMIT 1`,
            true,
          ).get<ChunkRow>({ id, tf: timeframe, from, to: toTs });
      if (!row) return;
      first = false;
      const bars = decodeChunk(row[3], row[2]);
      const lo = row[0] >= fromTs ? 0 : lowerBoundInChunk(row[3], row[2], fromTs);
      const hi = row[1] < toTs ? row[2] : lowerBoundInChunk(row[3], row[2], toTs);
      if (hi > lo) yield lo === 0 && hi === row[2] ? bars : sliceBars(bars, lo, hi);
      // Resume after this chunk's last bar, so a concurrent re-split never repeats bars.
      from = row[1] + 1;
    }
  }

  mergeBars(id: InstrumentId, timeframe: Timeframe, bars: BarColumns): MergeResult {
    try {
      assertValidBars(bars);
    } catch (error) {
      if (error instanceof DomainError) throw new ValidationError(error.message);
      throw error;
    }
    return this.transaction(() => {
      const db = this.writer;
      if (!this.statement(db, 'SELECT 1 FROM instruments WHERE id = ?').get(id)) throw new NotFoundError(`No instrument with id ${id}`);
      this.assertSeriesVisible(db, id, timeframe);
      const n = bars.ts.length;
      if (n === 0) return { inserted: 0, replaced: 0, totalAfter: this.seriesCount(id, timeframe) };
      const first = bars.ts[0]!;
      const last = bars.ts[n - 1]!;
      const affected = this.chunksToRewrite(db, id, timeframe, first, last, -Infinity);
      const { merged, replaced } = mergeSorted(affected.map((row) => decodeChunk(row[3], row[2])), bars);
      const remove = this.statement(db, 'DELETE FROM bar_chunks WHERE instrument_id = ? AND timeframe = ? AND start_ts = ? RETURNING data_id');
      const removeData = this.statement(db, 'DELETE FROM bar_chunk_data WHERE id = ?');
      for (const row of affected) removeData.run(remove.get<{ data_id: number }>(id, timeframe, row[0])!.data_id);
      const insertData = this.statement(db, 'INSERT INTO bar_chunk_data (data) VALUES (?)');
      const insert = this.statement(
        db,
        `INSERT INTO bar_chunks (instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms,
                                 weekend_closures, saturday_bars, session_closures, hour_mask, data_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const chunk of encodeChunks(merged, timeframe, this.chunkBars)) {
        const dataId = Number(insertData.run(chunk.data).lastInsertRowid);
        insert.run(id, timeframe, ...chunkMetaValues(chunk), dataId);
      }
      return { inserted: n - replaced, replaced, totalAfter: this.seriesCount(id, timeframe) };
    });
  }

  /**
   * The stored chunks a merge of bars [first, last] rewrites: those starting in the range,
   * plus the chunk just before when it overlaps the range or is partial (so appended
   * batches fill it instead of leaving a short chunk behind every batch). Only chunks
   * starting after `after` are considered (a staged import has taken the earlier ones).
   */
  chunksToRewrite(db: Connection, id: InstrumentId, timeframe: Timeframe, first: number, last: number, after: number): ChunkRow[] {
    const previous = this.statement(
      db,
      `SELECT ${CHUNK_COLUMNS} FROM ${CHUNKS} WHERE c.instrument_id = ? AND c.timeframe = ? AND c.start_ts < ? ORDER BY c.start_ts DESC LIMIT 1`,
      true,
    ).get<ChunkRow>(id, timeframe, first);
    const affected = this.statement(
      db,
      `SELECT ${CHUNK_COLUMNS} FROM ${CHUNKS} WHERE c.instrument_id = ? AND c.timeframe = ? AND c.start_ts >= ? AND c.start_ts <= ? ORDER BY c.start_ts`,
      true,
    ).all<ChunkRow>(id, timeframe, first, last);
    if (previous && previous[0] > after && (previous[1] >= first || previous[2] < this.chunkBars)) affected.unshift(previous);
    return affected;
  }

  coverage(id: InstrumentId, timeframe: Timeframe, gapThresholdBars: number = DEFAULT_GAP_THRESHOLD_BARS): Coverage {
    if (!Number.isInteger(gapThresholdBars) || gapThresholdBars < 0) {
      throw new ValidationError(`gapThresholdBars must be an integer >= 0, got ${gapThresholdBars}`);
    }
    const db = this.readConnection();
    return db.transaction((): Coverage => {
      if (this.hidden(db, id, timeframe)) return { instrumentId: id, timeframe, firstTs: null, lastTs: null, barCount: 0, gaps: [], weekendClosures: 0, sessionClosures: 0 };
      const metas = this.statement(
        db,
        `SELECT start_ts, end_ts, bar_count, max_step_ms, saturday_bars, hour_mask FROM bar_chunks
         WHERE instrument_id = ? AND timeframe = ? ORDER BY start_ts`,
        true,
      ).all<ChunkMeta>(id, timeframe);
      const step = timeframeMs(timeframe);
      const limit = (gapThresholdBars + 1) * step;
      const weekdayMarket = !tradesWeekends(
        metas.reduce((sum, m) => sum + m[4], 0),
        metas.reduce((sum, m) => sum + m[2], 0),
      );
      const gaps: Gap[] = [];
      let weekendClosures = 0;
      let sessionClosures = 0;
      // Holes are judged by the open hours of the chunk holding them (both chunks' for one between two).
      const addGap = (afterTs: number, beforeTs: number, openHours: number) => {
        if (weekdayMarket && isWeekendClosure(afterTs, beforeTs, step)) weekendClosures++;
        else if (isSessionClosure(afterTs, beforeTs, step, openHours)) sessionClosures++;
        else gaps.push({ afterTs, beforeTs, missingBars: missingBars(afterTs, beforeTs, step, weekdayMarket) });
      };
      let barCount = 0;
      let prevEnd: number | null = null;
      let prevMask = 0;
      for (const [startTs, endTs, count, maxStepMs, , hourMask] of metas) {
        barCount += count;
        if (prevEnd !== null && startTs - prevEnd > limit) addGap(prevEnd, startTs, prevMask | hourMask);
        prevEnd = endTs;
        prevMask = hourMask;
        // Only chunks whose largest spacing exceeds the limit are decoded.
        if (maxStepMs <= limit) continue;
        const data = this.statement(db, `SELECT d.data FROM ${CHUNKS} WHERE c.instrument_id = ? AND c.timeframe = ? AND c.start_ts = ?`, true).get<[Buffer]>(
          id,
          timeframe,
          startTs,
        )![0];
        const { ts } = decodeChunk(data, count);
        for (let i = 1; i < ts.length; i++) if (ts[i]! - ts[i - 1]! > limit) addGap(ts[i - 1]!, ts[i]!, hourMask);
      }
      return {
        instrumentId: id,
        timeframe,
        firstTs: metas.length ? metas[0]![0] : null,
        lastTs: metas.length ? metas[metas.length - 1]![1] : null,
        barCount,
        gaps,
        weekendClosures,
        sessionClosures,
      };
    })();
  }

  transaction<T>(fn: () => T): T {
    // better-sqlite3 turns a nested transaction into a savepoint.
    return this.writer.transaction(fn)();
  }

  hideSeries(deletion: Omit<BarDeletion, 'instrument'> & { readonly instrumentId: InstrumentId }): void {
    this.transaction(() => {
      const db = this.writer;
      const insert = this.statement(
        db,
        'INSERT INTO bar_deletions (instrument_id, timeframe, deletion_id, deleted_at, whole_instrument, final_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const timeframe of deletion.timeframes) {
        if (this.hidden(db, deletion.instrumentId, timeframe)) throw new ConflictError(`${this.symbolOf(deletion.instrumentId)} ${timeframe} is deleted already`);
        insert.run(deletion.instrumentId, timeframe, deletion.id, deletion.deletedAt, deletion.wholeInstrument ? 1 : 0, deletion.finalAt);
        this.bumpVersion(deletion.instrumentId, timeframe);
      }
    });
  }

  restoreDeletion(id: string): boolean {
    return this.transaction(() => {
      const rows = this.deletionRows(id);
      if (rows.length === 0 || rows[0]!.final_at !== null) return false;
      this.statement(this.writer, 'DELETE FROM bar_deletions WHERE deletion_id = ?').run(id);
      for (const row of rows) this.bumpVersion(row.instrument_id, row.timeframe);
      return true;
    });
  }

  finalizeDeletion(id: string, at: number): boolean {
    return this.statement(this.writer, 'UPDATE bar_deletions SET final_at = ? WHERE deletion_id = ? AND final_at IS NULL').run(at, id).changes > 0 || this.deletionRows(id).length > 0;
  }

  purgeDeletion(id: string, maxChunks: number): number {
    return this.transaction(() => {
      const db = this.writer;
      const rows = this.deletionRows(id);
      // An undoable delete keeps its bars: only a final one is removed.
      if (rows.length === 0 || rows[0]!.final_at === null) return 0;
      let budget = Math.max(1, Math.floor(maxChunks));
      const remove = this.statement(db, 'DELETE FROM bar_chunks WHERE rowid IN (SELECT rowid FROM bar_chunks WHERE instrument_id = ? AND timeframe = ? LIMIT ?) RETURNING data_id');
      const removeData = this.statement(db, 'DELETE FROM bar_chunk_data WHERE id = ?');
      for (const row of rows) {
        if (budget === 0) break;
        const removed = remove.all<{ data_id: number }>(row.instrument_id, row.timeframe, budget);
        for (const chunk of removed) removeData.run(chunk.data_id);
        budget -= removed.length;
      }
      let left = 0;
      const count = this.statement(db, 'SELECT count(*) AS n FROM bar_chunks WHERE instrument_id = ? AND timeframe = ?');
      for (const row of rows) left += count.get<{ n: number }>(row.instrument_id, row.timeframe)!.n;
      if (left === 0 && rows.length > 0) {
        this.statement(db, 'DELETE FROM bar_deletions WHERE deletion_id = ?').run(id);
        // The instrument goes with its last bars; its series_versions rows stay, so a later
        // series under a reused id still gets versions no cache has seen.
        if (rows[0]!.whole_instrument === 1) this.statement(db, 'DELETE FROM instruments WHERE id = ?').run(rows[0]!.instrument_id);
      }
      return left;
    });
  }

  listDeletions(): BarDeletion[] {
    const rows = this.statement(
      this.readConnection(),
      `SELECT d.deletion_id, d.deleted_at, d.whole_instrument, d.final_at, d.timeframe, i.* FROM bar_deletions d JOIN instruments i ON i.id = d.instrument_id ORDER BY d.deleted_at, d.deletion_id`,
    ).all<InstrumentRow & { deletion_id: string; deleted_at: number; whole_instrument: number; final_at: number | null; timeframe: string }>();
    const out = new Map<string, BarDeletion & { timeframes: Timeframe[] }>();
    for (const row of rows) {
      if (!isTimeframe(row.timeframe)) continue;
      const known = out.get(row.deletion_id);
      if (known) known.timeframes.push(row.timeframe);
      else
        out.set(row.deletion_id, {
          id: row.deletion_id,
          instrument: toInstrument(row),
          timeframes: [row.timeframe],
          wholeInstrument: row.whole_instrument === 1,
          deletedAt: row.deleted_at,
          finalAt: row.final_at,
        });
    }
    return [...out.values()].map((d) => ({ ...d, timeframes: d.timeframes.sort((a, b) => TIMEFRAMES.indexOf(a) - TIMEFRAMES.indexOf(b)) }));
  }

  /** Refuses a write into a series a delete hides (an undo would bring back bars mixed with the write's). */
  assertSeriesVisible(db: Connection, id: InstrumentId | number, timeframe: Timeframe): void {
    if (this.hidden(db, id, timeframe)) throw deletedMeanwhile(this.symbolOf(id), timeframe);
  }

  /** True when a delete hides the series (it can still be undone; its bars are not removed yet). */
  private hidden(db: Connection, id: InstrumentId | number, timeframe: string): boolean {
    return this.statement(db, 'SELECT 1 FROM bar_deletions WHERE instrument_id = ? AND timeframe = ?').get(id, timeframe) !== undefined;
  }

  private deletionRows(id: string): { instrument_id: number; timeframe: string; whole_instrument: number; final_at: number | null }[] {
    return this.statement(this.writer, 'SELECT instrument_id, timeframe, whole_instrument, final_at FROM bar_deletions WHERE deletion_id = ?').all(id);
  }

  /** Readers' caches key on the version: hiding or bringing back a series must change it. */
  private bumpVersion(id: InstrumentId | number, timeframe: string): void {
    this.statement(this.writer, 'INSERT INTO series_versions VALUES (?, ?, 1) ON CONFLICT (instrument_id, timeframe) DO UPDATE SET version = version + 1').run(id, timeframe);
  }

  private symbolOf(id: InstrumentId | number): string {
    return this.statement(this.writer, 'SELECT symbol FROM instruments WHERE id = ?').get<{ symbol: string }>(id)?.symbol ?? `instrument ${id}`;
  }

  /** Bars in the series now, read through the writer. */
  seriesCount(id: InstrumentId, timeframe: Timeframe): number {
    return this.statement(this.writer, 'SELECT coalesce(SUM(bar_count), 0) AS n FROM bar_chunks WHERE instrument_id = ? AND timeframe = ?').get<{
      n: number;
    }>(id, timeframe)!.n;
  }

  /**
   * Starts an import's write into the series `symbol`/`timeframe`: chunks are written in
   * bounded slices no reader sees, then made visible in one short commit (see
   * StagedSeriesWrite). `tag` names the import so that its owner can discard it
   * (`discardImports`) if the thread writing it dies.
   */
  stageSeries(symbol: string, timeframe: Timeframe, tag?: string): StagedSeriesWrite {
    return new SqliteStagedSeriesWrite(this, this.writer, symbol, timeframe, tag);
  }

  /**
   * Finishes or discards imports that no running process owns: the staged chunks of one
   * killed before its commit are deleted, the replaced data of one killed after it too.
   * Deletes in short transactions. Returns how many imports it cleared.
   */
  reclaimImports(isAlive: (pid: number) => boolean = processRuns): number {
    return reclaimStagedImports(this.writer, (row) => !isAlive(row.pid));
  }

  /** Discards the imports whose tag starts with `tag` (their writing thread died), whoever owns them. */
  discardImports(tag: string): number {
    return reclaimStagedImports(this.writer, (row) => row.id === tag || row.id.startsWith(`${tag}:`));
  }

  /** Returns the cached timed statement for `sql` on `db`; `raw` rows come as arrays (for the staged writer). */
  prepared(db: Connection, sql: string, raw = false): TimedStatement {
    return this.statement(db, sql, raw);
  }

  private readConnection(): Connection {
    if (!this.readerSource || this.writer.inTransaction) return this.writer;
    return this.readerSource();
  }

  /** Returns the cached timed statement for `sql` on `db`; `raw` rows come as arrays. */
  private statement(db: Connection, sql: string, raw = false): TimedStatement {
    let cache = this.statements.get(db);
    if (!cache) this.statements.set(db, (cache = new Map()));
    const key = raw ? `raw:${sql}` : sql;
    let statement = cache.get(key);
    if (!statement) {
      statement = this.slowLog.prepare(db, sql);
      if (raw) statement.statement.raw(true);
      cache.set(key, statement);
    }
    return statement;
  }
}

/** An instrument no delete hides as a whole (a WHERE clause over instruments). */
const INSTRUMENT_VISIBLE = 'NOT EXISTS (SELECT 1 FROM bar_deletions d WHERE d.instrument_id = instruments.id AND d.whole_instrument = 1)';

/** A write into bars a delete hides: refused, the delete may still be undone (and restores exactly what it hid). */
function deletedMeanwhile(symbol: string, timeframe: Timeframe | null): ConflictError {
  const what = timeframe === null ? symbol : `${symbol} ${timeframe}`;
  return new ConflictError(`${what} was deleted moments ago and the delete can still be undone: undo it, or import again once its bars are removed (within a minute)`, {
    symbol,
    ...(timeframe === null ? {} : { timeframe }),
  });
}

function toInstrument(row: InstrumentRow): Instrument {
  return {
    id: instrumentId(row.id),
    symbol: row.symbol,
    venue: row.venue,
    priceTick: row.price_tick,
    quantityStep: row.quantity_step,
    quoteCurrency: row.quote_currency,
    timeZone: row.time_zone,
    ...(row.source_exchange !== null && row.source_market !== null ? { source: { exchange: row.source_exchange, market: row.source_market } } : {}),
  };
}
