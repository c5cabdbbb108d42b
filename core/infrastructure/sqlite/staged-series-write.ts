import { randomBytes } from 'node:crypto';
import type { MergeResult, StagedSeriesWrite } from '../../application/data/bar-store.js';
import { ConflictError } from '../../application/errors.js';
import { concatBars, sliceBars, type BarColumns } from '../../domain/market/bars.js';
import type { Instrument, InstrumentDraft } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { ChunkRow, SqliteBarStore } from './bar-store.js';
import { decodeChunk } from './chunk-codec.js';
import { chunkMetaValues, encodeChunks, mergeSorted, type EncodedChunk } from './chunk-writes.js';
import type { Connection } from './database.js';

/**
 * Chunk bytes written per transaction at most (at least one chunk): one full 4,096-bar
 * chunk is 192 KiB, so a slice is one or two chunks and holds SQLite's write lock for about
 * a ms on an idle machine (bench/reliability.ts, docs/RELIABILITY.md). Smaller slices cost
 * a commit each; larger ones hold the lock longer whenever the thread is descheduled
 * mid-slice on a loaded machine (1 MiB slices: p50 24 ms at a load average of 12 on 2 cores).
 */
export const STAGE_SLICE_BYTES = 256 * 1024;
/** Data rows deleted per transaction when staged or replaced chunks are dropped. */
const DELETE_SLICE_ROWS = 32;

/** A row of bar_imports, as the reclaimer reads it. */
export interface StagedImportRow {
  readonly id: string;
  readonly pid: number;
  readonly committed: number;
}

/**
 * StagedSeriesWrite on SQLite. The chunks of the merged series are packed before any
 * transaction opens and written, STAGE_SLICE_BYTES at a time, as data rows (bar_chunk_data)
 * with index rows in bar_import_chunks: readers only follow bar_chunks, so they see none
 * of it. The commit moves the index rows into bar_chunks, drops the index rows of the
 * chunks the merge rewrote and marks the import committed (small rows only); the replaced
 * chunks' data is deleted afterwards in short transactions. bar_imports records the
 * owner's pid, so what a killed process staged is found and dropped at the next open.
 *
 * The merge follows SqliteBarStore.mergeBars batch by batch: each batch rewrites the
 * stored chunks it overlaps plus the partial chunk before it. The newest partial chunk
 * of the output is kept in memory (`tail`) until the next batch extends it.
 */
export class SqliteStagedSeriesWrite implements StagedSeriesWrite {
  readonly id: string;
  private readonly known: Instrument | null;
  private readonly baseVersion: number;
  private registered = false;
  private state: 'open' | 'committed' | 'discarded' = 'open';
  private tail: BarColumns | null = null;
  /** Open time of the last bar added so far. */
  private lastAdded = Number.NEGATIVE_INFINITY;
  /** start_ts of the stored chunks the merge rewrote: the commit drops them. */
  private readonly consumed: number[] = [];
  private inserted = 0;
  private replaced = 0;

  constructor(
    private readonly store: SqliteBarStore,
    private readonly writer: Connection,
    private readonly symbol: string,
    private readonly timeframe: Timeframe,
    tag: string = randomBytes(8).toString('hex'),
    private readonly sliceBytes: number = STAGE_SLICE_BYTES,
  ) {
    this.id = `${tag}:${randomBytes(4).toString('hex')}`;
    this.known = store.findInstrument(symbol);
    this.baseVersion = this.known ? store.seriesVersion(this.known.id, timeframe) : 0;
  }

  add(bars: BarColumns): { inserted: number; replaced: number } {
    this.assertOpen();
    const n = bars.ts.length;
    if (n === 0) return { inserted: 0, replaced: 0 };
    const first = bars.ts[0]!;
    const last = bars.ts[n - 1]!;
    if (!(first > this.lastAdded)) throw new Error(`Staged bars must come in time order: ${first} after ${this.lastAdded}`);
    const parts: BarColumns[] = [];
    const tail = this.tail;
    this.tail = null;
    if (this.known) {
      const id = this.known.id;
      // The last stored chunk between the bars added so far and these: the tail cannot
      // grow across it, and it is rewritten too when it overlaps or is partial.
      const between = this.store
        .prepared(
          this.writer,
          `SELECT c.start_ts, c.end_ts, c.bar_count, d.data FROM bar_chunks c JOIN bar_chunk_data d ON d.id = c.data_id
           WHERE c.instrument_id = ? AND c.timeframe = ? AND c.start_ts > ? AND c.start_ts < ? ORDER BY c.start_ts DESC LIMIT 1`,
          true,
        )
        .get<ChunkRow>(id, this.timeframe, this.lastAdded, first);
      const inside = this.store
        .prepared(
          this.writer,
          `SELECT c.start_ts, c.end_ts, c.bar_count, d.data FROM bar_chunks c JOIN bar_chunk_data d ON d.id = c.data_id
           WHERE c.instrument_id = ? AND c.timeframe = ? AND c.start_ts >= ? AND c.start_ts <= ? ORDER BY c.start_ts`,
          true,
        )
        .all<ChunkRow>(id, this.timeframe, first, last);
      if (between) {
        if (tail) this.stage(encodeChunks(tail, this.timeframe, this.store.chunkBars));
        if (between[1] >= first || between[2] < this.store.chunkBars) inside.unshift(between);
      } else if (tail) parts.push(tail);
      for (const row of inside) {
        parts.push(decodeChunk(row[3], row[2]));
        this.consumed.push(row[0]);
      }
    } else if (tail) parts.push(tail);
    const { merged, replaced } = mergeSorted(parts, bars);
    this.inserted += n - replaced;
    this.replaced += replaced;
    this.lastAdded = last;
    // Whole chunks are final; the partial rest waits for the next batch (a copy: `merged`
    // may be the caller's `bars`, whose buffer it reuses).
    const chunkBars = this.store.chunkBars;
    const whole = merged.ts.length - (merged.ts.length % chunkBars);
    if (whole < merged.ts.length) this.tail = concatBars([sliceBars(merged, whole, merged.ts.length)]);
    if (whole > 0) this.stage(encodeChunks(whole === merged.ts.length ? merged : sliceBars(merged, 0, whole), this.timeframe, chunkBars));
    return { inserted: n - replaced, replaced };
  }

  commit(draft: InstrumentDraft): MergeResult & { readonly instrument: Instrument } {
    this.assertOpen();
    if (this.tail) {
      this.stage(encodeChunks(this.tail, this.timeframe, this.store.chunkBars));
      this.tail = null;
    }
    const db = this.writer;
    const outcome = db
      .transaction(() => {
        const instrument = this.store.upsertInstrument(draft);
        this.store.assertSeriesVisible(db, instrument.id, this.timeframe);
        const base = this.known && this.known.id === instrument.id ? this.baseVersion : 0;
        const now = this.store.seriesVersion(instrument.id, this.timeframe);
        if (now !== base) {
          throw new ConflictError(
            `The bars of ${draft.symbol} ${this.timeframe} changed while this import ran (another import?); nothing was written. Import the file again.`,
            { symbol: draft.symbol, timeframe: this.timeframe },
          );
        }
        const drop = this.store.prepared(db, 'DELETE FROM bar_chunks WHERE instrument_id = ? AND timeframe = ? AND start_ts = ? RETURNING data_id');
        const garbage = this.store.prepared(db, 'INSERT INTO bar_import_garbage (import_id, data_id) VALUES (?, ?)');
        this.register();
        for (const start of this.consumed) {
          const row = drop.get<{ data_id: number }>(instrument.id, this.timeframe, start);
          if (row) garbage.run(this.id, row.data_id);
        }
        this.store
          .prepared(
            db,
            `INSERT INTO bar_chunks (instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms,
                                     weekend_closures, saturday_bars, session_closures, hour_mask, data_id)
             SELECT ?, ?, start_ts, end_ts, bar_count, gap_count, max_step_ms, weekend_closures, saturday_bars,
                    session_closures, hour_mask, data_id
             FROM bar_import_chunks WHERE import_id = ? ORDER BY start_ts`,
          )
          .run(instrument.id, this.timeframe, this.id);
        this.store.prepared(db, 'DELETE FROM bar_import_chunks WHERE import_id = ?').run(this.id);
        this.store.prepared(db, 'UPDATE bar_imports SET committed = 1 WHERE id = ?').run(this.id);
        return { instrument, inserted: this.inserted, replaced: this.replaced, totalAfter: this.store.seriesCount(instrument.id, this.timeframe) };
      })
      .immediate();
    this.state = 'committed';
    // Visible now; what remains is deleting the replaced chunks' data, a slice at a time.
    // If that fails, the import stays done: its row lets the next open finish the job.
    try {
      dropImport(db, { id: this.id, committed: 1 });
    } catch {
      // Left for reclaimImports.
    }
    return outcome;
  }

  discard(): void {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    this.tail = null;
    if (this.registered) dropImport(this.writer, { id: this.id, committed: 0 });
  }

  /** Writes encoded chunks as staged rows, a slice of at most sliceBytes per transaction. */
  private stage(chunks: readonly EncodedChunk[]): void {
    const db = this.writer;
    const insertData = this.store.prepared(db, 'INSERT INTO bar_chunk_data (data) VALUES (?)');
    const insertChunk = this.store.prepared(
      db,
      `INSERT INTO bar_import_chunks (import_id, start_ts, end_ts, bar_count, gap_count, max_step_ms,
                                      weekend_closures, saturday_bars, session_closures, hour_mask, data_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let from = 0; from < chunks.length; ) {
      let to = from + 1;
      let bytes = chunks[from]!.data.byteLength;
      while (to < chunks.length && bytes + chunks[to]!.data.byteLength <= this.sliceBytes) bytes += chunks[to++]!.data.byteLength;
      const slice = chunks.slice(from, to);
      db.transaction(() => {
        this.register();
        for (const chunk of slice) {
          const dataId = Number(insertData.run(chunk.data).lastInsertRowid);
          insertChunk.run(this.id, ...chunkMetaValues(chunk), dataId);
        }
      }).immediate();
      from = to;
    }
  }

  /** Records the import (owner pid, base version) with its first write, inside that transaction. */
  private register(): void {
    if (this.registered) return;
    this.store
      .prepared(this.writer, 'INSERT INTO bar_imports (id, pid, started_at, symbol, timeframe, base_version) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.id, process.pid, Date.now(), this.symbol, this.timeframe, this.baseVersion);
    this.registered = true;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new Error(`This staged write was ${this.state} already`);
  }
}

/**
 * Deletes an import's leftovers a slice at a time: before its commit, the chunks it
 * staged; after it, the data of the chunks it replaced. Then its row.
 */
function dropImport(db: Connection, row: Pick<StagedImportRow, 'id' | 'committed'>): void {
  const pick = row.committed
    ? db.prepare('SELECT data_id FROM bar_import_garbage WHERE import_id = ? LIMIT ?').pluck()
    : db.prepare('SELECT data_id FROM bar_import_chunks WHERE import_id = ? LIMIT ?').pluck();
  const forget = row.committed
    ? db.prepare('DELETE FROM bar_import_garbage WHERE import_id = ? AND data_id = ?')
    : db.prepare('DELETE FROM bar_import_chunks WHERE import_id = ? AND data_id = ?');
  const deleteData = db.prepare('DELETE FROM bar_chunk_data WHERE id = ?');
  for (;;) {
    const done = db
      .transaction(() => {
        const ids = pick.all(row.id, DELETE_SLICE_ROWS) as number[];
        for (const id of ids) {
          deleteData.run(id);
          forget.run(row.id, id);
        }
        return ids.length < DELETE_SLICE_ROWS;
      })
      .immediate();
    if (done) break;
  }
  db.prepare('DELETE FROM bar_imports WHERE id = ?').run(row.id);
}

/** Drops every import `abandoned` picks (see SqliteBarStore.reclaimImports); returns how many. */
export function reclaimStagedImports(db: Connection, abandoned: (row: StagedImportRow) => boolean): number {
  const rows = (db.prepare('SELECT id, pid, committed FROM bar_imports').all() as StagedImportRow[]).filter(abandoned);
  for (const row of rows) dropImport(db, row);
  return rows.length;
}
