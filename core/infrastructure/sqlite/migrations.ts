import type Database from 'better-sqlite3';
import { isTimeframe, timeframeMs } from '../../domain/market/timeframe.js';
import { decodeChunk, DEFAULT_GAP_THRESHOLD_BARS, spacingStats } from './chunk-codec.js';
import { packMarkers, packTrades } from '../runs/fill-columns.js';
import { FILLS_ENCODING, writeFills } from '../runs/fill-pages.js';
import { legacyTrade, markersFromTrades, readLegacyTrades } from '../runs/legacy-trades.js';
import { upgradeSpec } from '../../domain/strategy/spec-version.js';

/** One schema step. Its version is its 1-based position in MIGRATIONS. */
export interface Migration {
  readonly name: string;
  readonly up: (db: Database.Database) => void;
  /**
   * Runs with foreign keys off (a table rebuild that other tables reference: DROP TABLE
   * would otherwise cascade into them); `foreign_key_check` must pass before the commit.
   */
  readonly foreignKeysOff?: boolean;
}

/**
 * The schema, as an ordered list of steps. APPEND-ONLY: once a migration has shipped it is
 * never edited, reordered or removed, because files in the field record how far they got
 * in `PRAGMA user_version`. Add new tables or columns by appending a new entry.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'instruments, bar chunks, slow statements',
    up: (db) =>
      db.exec(`
        CREATE TABLE instruments (
          id             INTEGER PRIMARY KEY,
          symbol         TEXT    NOT NULL UNIQUE,
          venue          TEXT    NOT NULL,
          price_tick     REAL    NOT NULL CHECK (price_tick > 0),
          quantity_step  REAL    NOT NULL CHECK (quantity_step > 0),
          quote_currency TEXT    NOT NULL,
          time_zone      TEXT    NOT NULL
        );

        -- One row per chunk of up to CHUNK_BARS bars of one series. The small metadata
        -- columns come first so that scans for coverage read only the row's first page and
        -- never the overflow pages holding the BLOBs. A rowid table (not WITHOUT ROWID):
        -- SQLite advises against WITHOUT ROWID for rows far larger than a page.
        -- gap_count: spacings > 2 bars inside the chunk (the default coverage threshold);
        -- max_step_ms: largest spacing inside the chunk, so coverage with any threshold
        -- decodes only the chunks that can hold a gap.
        -- data: the columns ts, open, high, low, close, volume back to back, each
        -- bar_count little-endian float64s. One BLOB, not six: SQLite walks a row's
        -- overflow chain again for each BLOB column, which made six columns 5-8x slower
        -- to read (measured, docs/STORAGE.md).
        CREATE TABLE bar_chunks (
          instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
          timeframe     TEXT    NOT NULL,
          start_ts      INTEGER NOT NULL,
          end_ts        INTEGER NOT NULL,
          bar_count     INTEGER NOT NULL CHECK (bar_count > 0),
          gap_count     INTEGER NOT NULL,
          max_step_ms   INTEGER NOT NULL,
          data          BLOB    NOT NULL,
          CHECK (end_ts >= start_ts)
        );
        CREATE UNIQUE INDEX bar_chunks_series_start ON bar_chunks (instrument_id, timeframe, start_ts);
        -- Covering index: coverage and series summaries read chunk metadata from here
        -- without touching the table's pages.
        CREATE INDEX bar_chunks_series_meta
          ON bar_chunks (instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms);

        CREATE TABLE slow_statements (
          id          INTEGER PRIMARY KEY,
          ts          INTEGER NOT NULL,
          sql_shape   TEXT    NOT NULL,
          duration_ms REAL    NOT NULL,
          rows        INTEGER
        );
      `),
  },
  {
    // Appended by the execution work (issue 3): persisted runs, and a per-series change
    // counter that worker caches key on so a re-import invalidates cached bar sets.
    name: 'runs, run trades and equity, series versions',
    up: (db) =>
      db.exec(`
        -- One row per finished backtest. No foreign key to instruments: a run is a record
        -- of what was run and keeps its symbol even if the instrument is deleted later.
        -- id is time-ordered (see run-id.ts), so ORDER BY id is creation order.
        CREATE TABLE runs (
          id             TEXT    PRIMARY KEY,
          created_at     INTEGER NOT NULL,
          name           TEXT    NOT NULL,
          strategy_id    TEXT,
          spec_json      TEXT    NOT NULL,
          instrument_id  INTEGER NOT NULL,
          symbol         TEXT    NOT NULL,
          timeframe      TEXT    NOT NULL,
          from_ts        INTEGER,
          to_ts          INTEGER,
          bar_count      INTEGER NOT NULL,
          engine_version TEXT    NOT NULL,
          hash           TEXT    NOT NULL,
          metrics_json   TEXT    NOT NULL,
          trade_count    INTEGER NOT NULL,
          status         TEXT    NOT NULL,
          extras_json    TEXT    NOT NULL DEFAULT '{}'
        );
        CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
        CREATE INDEX runs_hash ON runs (hash);
        CREATE INDEX runs_strategy ON runs (strategy_id, created_at DESC) WHERE strategy_id IS NOT NULL;

        -- Trades of a run as one deflate-compressed JSON array: they are always read
        -- whole (table, CSV export) and a row per trade would cost one insert each.
        CREATE TABLE run_trades (
          run_id   TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          encoding TEXT NOT NULL,
          trades   BLOB NOT NULL
        );

        -- Equity per bar at full resolution: Float64Array bytes (little-endian), with the
        -- bar open times beside it. Kept apart from runs so listing runs never reads it.
        CREATE TABLE run_equity (
          run_id      TEXT    PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          point_count INTEGER NOT NULL,
          ts          BLOB    NOT NULL,
          equity      BLOB    NOT NULL
        );

        -- Bumped by every chunk insert, update and delete of a series (mergeBars deletes
        -- and rewrites chunks, so rowids alone can repeat). Readers compare it to decide
        -- whether a cached copy of the series is still current.
        CREATE TABLE series_versions (
          instrument_id INTEGER NOT NULL,
          timeframe     TEXT    NOT NULL,
          version       INTEGER NOT NULL,
          PRIMARY KEY (instrument_id, timeframe)
        ) WITHOUT ROWID;
        CREATE TRIGGER bar_chunks_version_insert AFTER INSERT ON bar_chunks BEGIN
          INSERT INTO series_versions VALUES (NEW.instrument_id, NEW.timeframe, 1)
          ON CONFLICT (instrument_id, timeframe) DO UPDATE SET version = version + 1;
        END;
        CREATE TRIGGER bar_chunks_version_update AFTER UPDATE ON bar_chunks BEGIN
          INSERT INTO series_versions VALUES (NEW.instrument_id, NEW.timeframe, 1)
          ON CONFLICT (instrument_id, timeframe) DO UPDATE SET version = version + 1;
        END;
        CREATE TRIGGER bar_chunks_version_delete AFTER DELETE ON bar_chunks BEGIN
          INSERT INTO series_versions VALUES (OLD.instrument_id, OLD.timeframe, 1)
          ON CONFLICT (instrument_id, timeframe) DO UPDATE SET version = version + 1;
        END;
      `),
  },
  {
    // Appended by the API work (issue 4): saved strategies with soft delete and autosaved
    // drafts, and the job history (a job left 'running' by a killed app is found at start).
    name: 'strategies, strategy tags, jobs',
    up: (db) =>
      db.exec(`
        CREATE TABLE strategies (
          id             TEXT    PRIMARY KEY,
          name           TEXT    NOT NULL,
          tags_json      TEXT    NOT NULL DEFAULT '[]',
          spec_json      TEXT    NOT NULL,
          created_at     INTEGER NOT NULL,
          updated_at     INTEGER NOT NULL,
          -- Soft delete: set on delete, cleared by restore (undo).
          deleted_at     INTEGER,
          draft_json     TEXT,
          draft_saved_at INTEGER
        );
        -- The list sorts live strategies by name, last update or creation and pages with
        -- LIMIT/OFFSET: each index serves one sort without a temporary B-tree.
        CREATE INDEX strategies_live_name ON strategies (deleted_at, name COLLATE NOCASE, id);
        CREATE INDEX strategies_live_updated ON strategies (deleted_at, updated_at, id);
        CREATE INDEX strategies_live_created ON strategies (deleted_at, created_at, id);

        -- Tags again as rows, so a tag filter is an index lookup rather than a JSON scan.
        CREATE TABLE strategy_tags (
          tag         TEXT NOT NULL COLLATE NOCASE,
          strategy_id TEXT NOT NULL REFERENCES strategies(id) ON DELETE CASCADE,
          PRIMARY KEY (tag, strategy_id)
        ) WITHOUT ROWID;
        CREATE INDEX strategy_tags_strategy ON strategy_tags (strategy_id);

        CREATE TABLE jobs (
          id            TEXT    PRIMARY KEY,
          kind          TEXT    NOT NULL,
          title         TEXT    NOT NULL,
          status        TEXT    NOT NULL,
          progress_json TEXT    NOT NULL,
          created_at    INTEGER NOT NULL,
          started_at    INTEGER,
          finished_at   INTEGER,
          result_json   TEXT,
          error_json    TEXT
        );
        CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);
        CREATE INDEX jobs_unfinished ON jobs (status) WHERE status IN ('queued', 'running');
      `),
  },
  {
    name: 'sweeps and sweep variants',
    up: (db) =>
      db.exec(`
        -- A parameter sweep: config_json holds the source (template or spec), the space,
        -- constraints, method with its seed, and the objective; the counts follow progress.
        CREATE TABLE sweeps (
          id                  TEXT    PRIMARY KEY,
          created_at          INTEGER NOT NULL,
          finished_at         INTEGER,
          name                TEXT    NOT NULL,
          status              TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
          config_json         TEXT    NOT NULL,
          instrument_id       INTEGER NOT NULL,
          symbol              TEXT    NOT NULL,
          timeframe           TEXT    NOT NULL,
          from_ts             INTEGER,
          to_ts               INTEGER,
          magnifier           INTEGER NOT NULL,
          quantity_step       REAL,
          planned             INTEGER NOT NULL DEFAULT 0,
          done                INTEGER NOT NULL DEFAULT 0,
          failed              INTEGER NOT NULL DEFAULT 0,
          rejected            INTEGER NOT NULL DEFAULT 0,
          invalid             INTEGER NOT NULL DEFAULT 0,
          error               TEXT
        );
        CREATE INDEX sweeps_created ON sweeps (created_at DESC, id DESC);

        -- One row per variant run. rank_score is the objective value, negated when
        -- minimizing, so "best first" is one index order for every sweep:
        -- eligible (met the minimum trades) first, rank_score descending (NULLs last in
        -- SQLite's descending order), then the variant index.
        CREATE TABLE sweep_variants (
          sweep_id     TEXT    NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
          idx          INTEGER NOT NULL,
          generation   INTEGER NOT NULL,
          params_json  TEXT    NOT NULL,
          metrics_json TEXT,
          error        TEXT,
          score        REAL,
          rank_score   REAL,
          eligible     INTEGER NOT NULL,
          run_id       TEXT,
          PRIMARY KEY (sweep_id, idx)
        );
        CREATE INDEX sweep_variants_rank ON sweep_variants (sweep_id, eligible DESC, rank_score DESC, idx);
      `),
  },
  {
    name: 'run trades as columnar pages',
    up: (db) =>
      db.exec(`
        -- Trades of a run stored column by column in pages of a fixed number of trades
        -- (typed-array bytes), so the results screen reads one page of the fields it shows
        -- instead of inflating and parsing every trade of the run (1 s for 175,000 trades).
        -- run_trades keeps one row per run: encoding 'columns-v1' holds the column
        -- layout (JSON); runs saved before this step keep 'json+deflate-raw' and stay readable.
        CREATE TABLE run_trade_pages (
          run_id TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          field  TEXT    NOT NULL,
          page   INTEGER NOT NULL,
          data   BLOB    NOT NULL,
          PRIMARY KEY (run_id, field, page)
        );
      `),
  },
  {
    name: 'equity times as runs of equal steps',
    up: (db) =>
      db.exec(`
        -- 'f64': ts holds one float64 per point (every run saved before this step);
        -- 'steps-v1': [first, step, count] float64 triples (runs/ts-steps.ts), a few
        -- dozen bytes for a year of minutes instead of 4.2 MB.
        ALTER TABLE run_equity ADD COLUMN ts_encoding TEXT NOT NULL DEFAULT 'f64';
      `),
  },
  {
    name: 'equity overview kept with each run',
    up: (db) =>
      db.exec(`
        -- The whole curve reduced to per-bucket min/max points (EquityOverview): float64
        -- ts, then equity, then drawdown, overview_count of each. NULL for runs saved
        -- before this step: those are reduced from the full curve when shown.
        ALTER TABLE run_equity ADD COLUMN overview BLOB;
        ALTER TABLE run_equity ADD COLUMN overview_count INTEGER;
      `),
  },
  {
    name: 'market closures told from gaps',
    up: (db) => {
      db.exec(`
        -- Of gap_count, the holes that are the market closed rather than data missing:
        -- weekend_closures, shaped like a weekday market's weekend
        -- (domain/market/weekend-closures.ts), counted only for a series with few Saturday
        -- bars (saturday_bars: bars opening on a Saturday, UTC); session_closures, in the
        -- closed hours of the chunk's own open hours (hour_mask: bit h set when a bar
        -- spans UTC hour h; domain/market/session-closures.ts). All in the covering
        -- index, so summaries stay index-only.
        ALTER TABLE bar_chunks ADD COLUMN weekend_closures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE bar_chunks ADD COLUMN saturday_bars INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE bar_chunks ADD COLUMN session_closures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE bar_chunks ADD COLUMN hour_mask INTEGER NOT NULL DEFAULT 0;
        DROP INDEX bar_chunks_series_meta;
        CREATE INDEX bar_chunks_series_meta
          ON bar_chunks (instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms,
                         weekend_closures, saturday_bars, session_closures, hour_mask);
      `);
      // Existing chunks: measured from their stored timestamps, as new writes are.
      const update = db.prepare('UPDATE bar_chunks SET weekend_closures = ?, saturday_bars = ?, session_closures = ?, hour_mask = ? WHERE rowid = ?');
      const rows = db.prepare('SELECT rowid, timeframe, bar_count, data FROM bar_chunks').raw().iterate() as Iterable<[number, string, number, Buffer]>;
      const pending: [number, number, number, number, number][] = [];
      for (const [rowid, timeframe, count, data] of rows) {
        if (!isTimeframe(timeframe)) continue;
        const step = timeframeMs(timeframe);
        const stats = spacingStats(decodeChunk(data, count).ts, 0, count, (DEFAULT_GAP_THRESHOLD_BARS + 1) * step, step);
        pending.push([stats.weekendClosures, stats.saturdayBars, stats.sessionClosures, stats.hourMask, rowid]);
      }
      for (const values of pending) update.run(...values);
    },
  },
  {
    name: 'trades and markers in the fill codec',
    up: (db) => {
      db.exec(`
        -- A run's markers (every fill: entries, adds, partial and full exits) in the fill
        -- codec (runs/fill-columns.ts): marker_count of each numeric column as float64,
        -- then each coded column as uint8. derived = 1: rebuilt from the trades of a run
        -- saved before markers were kept (entries and exits only).
        CREATE TABLE run_markers (
          run_id       TEXT    PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          marker_count INTEGER NOT NULL,
          data         BLOB    NOT NULL,
          derived      INTEGER NOT NULL DEFAULT 0
        );
      `);
      // Trades saved in the earlier encodings are rewritten in the fill codec, with
      // markers rebuilt from them. A run whose trades do not read as engine trades keeps
      // its encoding: it still lists and opens, and reading its trades says why not.
      const legacy = db.prepare(`SELECT run_id, encoding, trades FROM run_trades WHERE encoding != '${FILLS_ENCODING}'`).all() as { run_id: string; encoding: string; trades: Buffer }[];
      for (const row of legacy) {
        const records = readLegacyTrades(db, row.run_id, row.encoding, row.trades);
        const trades = records?.map(legacyTrade);
        if (!trades || trades.some((t) => t === null)) continue;
        const typed = trades.filter((t) => t !== null);
        writeFills(db, row.run_id, packTrades(typed), packMarkers(markersFromTrades(typed)), true);
      }
    },
  },
  {
    name: 'instrument download source',
    up: (db) =>
      db.exec(`
        -- The exchange and market an instrument's bars are downloaded from (NULL for bars
        -- imported from files): what "Update" and a gap's download fetch from.
        ALTER TABLE instruments ADD COLUMN source_exchange TEXT;
        ALTER TABLE instruments ADD COLUMN source_market TEXT;
      `),
  },
  {
    // Appended by issue 17: strategy spec format version 2 (named parameters,
    // core/domain/strategy/spec.ts). Saved strategies, their drafts and runs' specs are
    // rewritten in it by the domain's own upgrade; a spec it cannot read stays as it is
    // (the schema says what is wrong with it when it is used).
    name: 'strategy specs in format version 2',
    up: (db) => {
      const rewrite = (select: string, update: string): void => {
        const write = db.prepare(update);
        const rows = db.prepare(select).raw().all() as [string, string][];
        for (const [key, text] of rows) {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            continue;
          }
          const upgraded = upgradeSpec(json);
          if (upgraded !== json) write.run(JSON.stringify(upgraded), key);
        }
      };
      rewrite('SELECT id, spec_json FROM strategies', 'UPDATE strategies SET spec_json = ? WHERE id = ?');
      rewrite('SELECT id, draft_json FROM strategies WHERE draft_json IS NOT NULL', 'UPDATE strategies SET draft_json = ? WHERE id = ?');
      rewrite('SELECT id, spec_json FROM runs', 'UPDATE runs SET spec_json = ? WHERE id = ?');
    },
  },
  {
    // Appended by issue 17: deleting bars with an undo window. A delete only adds rows
    // here (one short write, whatever the series' size): the series is hidden from every
    // read at once, an undo removes the rows and brings it back exactly; once the window
    // has passed the delete is made final and its chunks are removed in short slices
    // (application/data/series-deletions.ts).
    name: 'bar deletions with an undo window',
    up: (db) =>
      db.exec(`
        -- One row per hidden series. deletion_id groups the series of one delete (an
        -- instrument's every timeframe); whole_instrument = 1 hides the instrument too, and
        -- its row goes with the last chunk. final_at is NULL while the delete can be undone:
        -- one the app left unfinal (killed within the window) is brought back at its next
        -- open, a final one is purged.
        CREATE TABLE bar_deletions (
          instrument_id    INTEGER NOT NULL,
          timeframe        TEXT    NOT NULL,
          deletion_id      TEXT    NOT NULL,
          deleted_at       INTEGER NOT NULL,
          whole_instrument INTEGER NOT NULL,
          final_at         INTEGER,
          PRIMARY KEY (instrument_id, timeframe)
        ) WITHOUT ROWID;
        CREATE INDEX bar_deletions_by_id ON bar_deletions (deletion_id);
      `),
  },
  {
    name: 'bar chunk data apart from its index; staged imports',
    up: (db) =>
      db.exec(`
        -- A chunk's BLOB moves to a table of its own, referenced by data_id, so that an
        -- import can write its chunks' data in short transactions where no reader sees
        -- them (nothing references them yet) and make the whole import visible by
        -- inserting the small index rows in one short commit (docs/STORAGE.md "Imports").
        -- The rows keep their rowids as data ids; bar_chunks is rebuilt without data.
        CREATE TABLE bar_chunk_data (
          id   INTEGER PRIMARY KEY,
          data BLOB    NOT NULL
        );
        INSERT INTO bar_chunk_data (id, data) SELECT rowid, data FROM bar_chunks;
        CREATE TABLE bar_chunks_rebuilt (
          instrument_id    INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
          timeframe        TEXT    NOT NULL,
          start_ts         INTEGER NOT NULL,
          end_ts           INTEGER NOT NULL,
          bar_count        INTEGER NOT NULL CHECK (bar_count > 0),
          gap_count        INTEGER NOT NULL,
          max_step_ms      INTEGER NOT NULL,
          weekend_closures INTEGER NOT NULL DEFAULT 0,
          saturday_bars    INTEGER NOT NULL DEFAULT 0,
          session_closures INTEGER NOT NULL DEFAULT 0,
          hour_mask        INTEGER NOT NULL DEFAULT 0,
          data_id          INTEGER NOT NULL,
          CHECK (end_ts >= start_ts)
        );
        INSERT INTO bar_chunks_rebuilt
          SELECT instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms,
                 weekend_closures, saturday_bars, session_closures, hour_mask, rowid
          FROM bar_chunks;
        DROP TABLE bar_chunks;
        ALTER TABLE bar_chunks_rebuilt RENAME TO bar_chunks;
        CREATE UNIQUE INDEX bar_chunks_series_start ON bar_chunks (instrument_id, timeframe, start_ts);
        CREATE INDEX bar_chunks_series_meta
          ON bar_chunks (instrument_id, timeframe, start_ts, end_ts, bar_count, gap_count, max_step_ms,
                         weekend_closures, saturday_bars, session_closures, hour_mask, data_id);
        CREATE TRIGGER bar_chunks_version_insert AFTER INSERT ON bar_chunks BEGIN
          INSERT INTO series_versions VALUES (NEW.instrument_id, NEW.timeframe, 1)
          ON CONFLICT (instrument_id, timeframe) DO UPDATE SET version = version + 1;
        END;
        CREATE TRIGGER bar_chunks_version_update AFTER UPDATE ON bar_chunks BEGIN
          INSERT INTO series_versions VALUES (NEW.instrument_id, NEW.timeframe, 1)
          ON CONFLICT (instrument_id, timeframe) DO UPDATE SET version = version + 1;
        END;
        CREATE TRIGGER bar_chunks_version_delete AFTER DELETE ON bar_chunks BEGIN
          INSERT INTO series_versions VALUES (OLD.instrument_id, OLD.timeframe, 1)
          ON CONFLICT (instrument_id, timeframe) DO UPDATE SET version = version + 1;
        END;

        -- An import in progress: its owner process, and the series version it read, so a
        -- commit over a series changed meanwhile is refused. Until the commit its chunks
        -- are rows of bar_import_chunks; after it, the data of the chunks it replaced is
        -- listed in bar_import_garbage and deleted in short transactions. Rows a dead
        -- process left (killed before or after its commit) are finished or discarded
        -- when the store is next opened.
        CREATE TABLE bar_imports (
          id            TEXT    PRIMARY KEY,
          pid           INTEGER NOT NULL,
          started_at    INTEGER NOT NULL,
          symbol        TEXT    NOT NULL,
          timeframe     TEXT    NOT NULL,
          base_version  INTEGER NOT NULL,
          committed     INTEGER NOT NULL DEFAULT 0
        );
        -- Chunks an import has written (their data in bar_chunk_data), not visible until
        -- its commit copies these rows into bar_chunks.
        CREATE TABLE bar_import_chunks (
          import_id        TEXT    NOT NULL REFERENCES bar_imports(id) ON DELETE CASCADE,
          start_ts         INTEGER NOT NULL,
          end_ts           INTEGER NOT NULL,
          bar_count        INTEGER NOT NULL,
          gap_count        INTEGER NOT NULL,
          max_step_ms      INTEGER NOT NULL,
          weekend_closures INTEGER NOT NULL,
          saturday_bars    INTEGER NOT NULL,
          session_closures INTEGER NOT NULL,
          hour_mask        INTEGER NOT NULL,
          data_id          INTEGER NOT NULL,
          PRIMARY KEY (import_id, start_ts)
        );
        CREATE TABLE bar_import_garbage (
          import_id TEXT    NOT NULL REFERENCES bar_imports(id) ON DELETE CASCADE,
          data_id   INTEGER NOT NULL,
          PRIMARY KEY (import_id, data_id)
        );
      `),
  },
  {
    name: 'long-running work interrupted by a stopped app: sweep status, owners',
    foreignKeysOff: true,
    up: (db) =>
      db.exec(`
        -- 'interrupted': the app stopped while the sweep ran; the variants it finished are
        -- kept. SQLite cannot change a CHECK in place: the table is rebuilt (foreign keys
        -- off, so sweep_variants keeps its rows; checked before the commit).
        -- owner_pid: the process running it, so that a process starting on the same data
        -- folder marks interrupted only what a dead process left (NULL: unknown, as rows
        -- written before this step).
        CREATE TABLE sweeps_rebuilt (
          id                  TEXT    PRIMARY KEY,
          created_at          INTEGER NOT NULL,
          finished_at         INTEGER,
          name                TEXT    NOT NULL,
          status              TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
          config_json         TEXT    NOT NULL,
          instrument_id       INTEGER NOT NULL,
          symbol              TEXT    NOT NULL,
          timeframe           TEXT    NOT NULL,
          from_ts             INTEGER,
          to_ts               INTEGER,
          magnifier           INTEGER NOT NULL,
          quantity_step       REAL,
          planned             INTEGER NOT NULL DEFAULT 0,
          done                INTEGER NOT NULL DEFAULT 0,
          failed              INTEGER NOT NULL DEFAULT 0,
          rejected            INTEGER NOT NULL DEFAULT 0,
          invalid             INTEGER NOT NULL DEFAULT 0,
          error               TEXT,
          owner_pid           INTEGER
        );
        INSERT INTO sweeps_rebuilt SELECT *, NULL FROM sweeps;
        DROP TABLE sweeps;
        ALTER TABLE sweeps_rebuilt RENAME TO sweeps;
        CREATE INDEX sweeps_created ON sweeps (created_at DESC, id DESC);
        CREATE INDEX sweeps_running ON sweeps (status) WHERE status = 'running';
        ALTER TABLE jobs ADD COLUMN owner_pid INTEGER;
      `),
  },
  {
    name: 'portfolios: instrument tags, run universes, instruments of fills, per-instrument results',
    up: (db) =>
      db.exec(`
        -- Tags name sets of instruments (a universe: every instrument with a tag).
        CREATE TABLE instrument_tags (
          tag           TEXT    NOT NULL COLLATE NOCASE,
          instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
          PRIMARY KEY (tag, instrument_id)
        );
        CREATE INDEX instrument_tags_instrument ON instrument_tags (instrument_id);

        -- A portfolio run's universe as JSON ({ symbols, instrumentIds, tag? }); NULL for a
        -- run of one instrument. instrument_id and symbol then name its first instrument.
        ALTER TABLE runs ADD COLUMN universe_json TEXT;
        -- A portfolio run's fills: the instrument of each (uint16 index into the universe).
        ALTER TABLE run_markers ADD COLUMN instruments BLOB;

        -- A portfolio run's per-instrument results: the figures as JSON, each instrument's
        -- PnL curve sampled on the clock (curve_points times, then that many values per
        -- instrument, float64) and the positions open at each clock bar (uint8 each).
        CREATE TABLE run_portfolio (
          run_id       TEXT    PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          figures_json TEXT    NOT NULL,
          curve_points INTEGER NOT NULL,
          curves       BLOB    NOT NULL,
          positions    BLOB    NOT NULL
        );
      `),
  },
  {
    // Issue 19: sweeps that run on a cluster of agents (BullMQ on Redis).
    name: 'sweeps on a cluster',
    up: (db) =>
      db.exec(`
        -- A sweep whose variants run on a cluster: the cluster's address as shown (never
        -- its credentials), and the process collecting its results. A sweep left running
        -- by a process that is gone is resumed by the next one started with that cluster
        -- (its batches are still queued or finished in Redis). A table of its own, so that
        -- rebuilding sweeps never touches it.
        CREATE TABLE sweep_clusters (
          sweep_id  TEXT    PRIMARY KEY REFERENCES sweeps(id) ON DELETE CASCADE,
          address   TEXT    NOT NULL,
          owner_pid INTEGER
        ) WITHOUT ROWID;
      `),
  },
  {
    name: 'portfolio sweeps: sweep universes, variant run hashes',
    up: (db) =>
      db.exec(`
        -- A portfolio sweep's universe as JSON ({ symbols, instrumentIds, tag? }), as a run's;
        -- NULL for a sweep of one instrument (instrument_id and symbol name a portfolio's first).
        ALTER TABLE sweeps ADD COLUMN universe_json TEXT;
        -- A portfolio variant's run hash (what its run alone hashes to); NULL otherwise.
        ALTER TABLE sweep_variants ADD COLUMN hash TEXT;
      `),
  },
  {
    // Issue 21: memory flat with history.
    name: 'long equity curves saved in parts',
    up: (db) =>
      db.exec(`
        -- A run's equity curve past its first part (EQUITY_PART_POINTS points,
        -- runs/sqlite-run-store.ts), one row per further part: points [part * P,
        -- (part + 1) * P) of equity, and of ts when run_equity.ts_encoding is 'f64' (else
        -- ts is empty). run_equity keeps part 0, so a curve of one part is stored as
        -- before. Why: SQLite copies a bound BLOB, then again into its row, so one 42 MB
        -- value (ten years of minutes) cost 84 MB more at the save.
        CREATE TABLE run_equity_parts (
          run_id TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          part   INTEGER NOT NULL,
          ts     BLOB    NOT NULL,
          equity BLOB    NOT NULL,
          PRIMARY KEY (run_id, part)
        );
      `),
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/** Returns the schema version recorded in the file (0 for a new file). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export interface MigrationOutcome {
  readonly from: number;
  readonly to: number;
}

/**
 * Applies the migrations the file has not had yet, each in its own transaction together
 * with its `user_version` bump, so a crash leaves the file at a whole version.
 * `migrations` is a parameter so tests can build every earlier version.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationOutcome {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new Error(`schema version ${from} is newer than the ${migrations.length} this build knows`);
  }
  for (let version = from + 1; version <= migrations.length; version++) {
    const migration = migrations[version - 1]!;
    // The pragma is a no-op inside a transaction: it is switched around it.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        migration.up(db);
        if (migration.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration "${migration.name}" left ${broken.length} broken foreign key(s)`);
        }
        // PRAGMA takes no bound parameters; version is an integer we computed.
        db.pragma(`user_version = ${version}`);
      })();
    } finally {
      if (migration.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
  return { from, to: Math.max(from, migrations.length) };
}
