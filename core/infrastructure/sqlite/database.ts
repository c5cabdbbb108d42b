import fs from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError } from '../../application/errors.js';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion, type Migration, MIGRATIONS } from './migrations.js';

export type Connection = Database.Database;

export interface DatabaseOptions {
  /** Read-only connections kept beside the writer (default 2). */
  readonly readers?: number;
  /** How long a connection waits for a lock before failing with SQLITE_BUSY (default 5 s). */
  readonly busyTimeoutMs?: number;
  /** The schema to migrate to; tests pass a prefix of MIGRATIONS. */
  readonly migrations?: readonly Migration[];
}

const DEFAULT_READERS = 2;
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
const MMAP_BYTES = 1 << 30;
/** WAL pages (4 KiB) after which the app's writer checkpoints on commit: 16 MiB. */
const MAIN_AUTOCHECKPOINT_PAGES = 4_096;
const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * One SQLite file: a writer connection (which migrates the schema on open) and a small
 * pool of read-only connections. WAL lets the readers read a committed snapshot while
 * the writer writes.
 */
export class SqliteDatabase {
  private nextReader = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly writer: Connection,
    readonly readers: readonly Connection[],
  ) {}

  /** Opens (creating if missing) and migrates the file, then opens the readers. */
  static open(path: string, options: DatabaseOptions = {}): SqliteDatabase {
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    const migrations = options.migrations ?? MIGRATIONS;
    const readerCount = options.readers ?? DEFAULT_READERS;
    if (!Number.isInteger(readerCount) || readerCount < 0) throw new StorageError(`readers must be an integer >= 0, got ${readerCount}`);
    assertSqliteFile(path);
    const writer = guarded(path, () => {
      const db = new Database(path, { timeout: busyTimeoutMs });
      try {
        applyPragmas(db, busyTimeoutMs);
        // Before anything writes (the WAL switch rewrites the header, migrations add tables).
        assertNotForeign(path, db);
        db.pragma('journal_mode = WAL');
        // Workers that write big (a saved run, an import) checkpoint what they wrote; this
        // connection's own commits are small and would otherwise inherit those checkpoints
        // (~1,000 pages of a year-long run) on the thread that serves the UI.
        db.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
        assertNotNewer(path, schemaVersion(db), migrations.length);
        migrate(db, migrations);
        return db;
      } catch (error) {
        db.close();
        throw error;
      }
    });
    const readers: Connection[] = [];
    try {
      for (let i = 0; i < readerCount; i++) readers.push(openConnection(path, true, busyTimeoutMs));
    } catch (error) {
      for (const r of readers) r.close();
      writer.close();
      throw error;
    }
    return new SqliteDatabase(path, writer, readers);
  }

  /** Returns the next reader, round-robin; the writer when the pool is empty. */
  reader(): Connection {
    if (this.readers.length === 0) return this.writer;
    const reader = this.readers[this.nextReader % this.readers.length]!;
    this.nextReader = (this.nextReader + 1) % this.readers.length;
    return reader;
  }

  /** Runs `fn` with a reader inside one read transaction, so all its queries see one snapshot. */
  withReader<T>(fn: (db: Connection) => T): T {
    const db = this.reader();
    return db.transaction(() => fn(db))();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const reader of this.readers) reader.close();
    // A clean close of the last connection checkpoints the WAL into the main file.
    this.writer.close();
  }
}

export interface WorkerConnectionOptions {
  readonly busyTimeoutMs?: number;
  readonly schemaVersion?: number;
  /**
   * Map the file (default true, or setWorkerMmapDefault's: a year's read takes about half the time). False for reads
   * that stream through far more of the file than they keep (a portfolio run's windows):
   * every mapped page they touch would count in the process's RSS for as long as the
   * connection stays open (bench/portfolio.ts: ~250 MB for ten years of minutes).
   */
  readonly mmap?: boolean;
}

/** This thread's default for WorkerConnectionOptions.mmap. */
let workerMmapDefault = true;

/**
 * Sets whether this thread's worker connections map the file when their opener does not
 * say. A sweep worker reads each series once into its bar cache: mapped pages would only
 * add the file to the process's RSS once per worker for as long as it lives (two workers
 * over five years of minutes: 242 MB of the sweep's peak).
 */
export function setWorkerMmapDefault(mmap: boolean): void {
  workerMmapDefault = mmap;
}

/**
 * Opens a read-only connection of its own (for worker threads). The file must exist and
 * be at the schema version this build knows; workers never migrate.
 */
export function openReadOnly(path: string, options: WorkerConnectionOptions = {}): Connection {
  return openWorkerConnection(path, true, options);
}

/**
 * Opens a read-write connection of its own for a worker thread that saves what it made
 * (a finished run), so the bytes never cross to the main thread. Same checks as
 * openReadOnly; SQLite serialises it with the app's writer (busy timeout), so keep its
 * transactions short.
 */
export function openWorkerWriter(path: string, options: WorkerConnectionOptions = {}): Connection {
  return openWorkerConnection(path, false, options);
}

function openWorkerConnection(path: string, readonly: boolean, options: WorkerConnectionOptions): Connection {
  if (!fs.existsSync(path)) throw new StorageError(`No database at ${path}`, { path });
  assertSqliteFile(path);
  const db = openConnection(path, readonly, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  if ((options.mmap ?? workerMmapDefault) === false) db.pragma('mmap_size = 0');
  const expected = options.schemaVersion ?? LATEST_SCHEMA_VERSION;
  const version = schemaVersion(db);
  try {
    assertNotNewer(path, version, expected);
    if (version < expected) {
      throw new StorageError(`Database ${path} has schema version ${version}, expected ${expected}: open it read-write once to migrate it`, {
        path,
        version,
        expected,
      });
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function openConnection(path: string, readonly: boolean, busyTimeoutMs: number): Connection {
  return guarded(path, () => {
    const db = new Database(path, { readonly, fileMustExist: true, timeout: busyTimeoutMs });
    try {
      applyPragmas(db, busyTimeoutMs);
      // Touch the schema so a foreign or corrupt file fails here, not at first use.
      schemaVersion(db);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  });
}

function applyPragmas(db: Connection, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  // Memory-mapped reads skip SQLite's page-cache copies: reading a year of chunks took
  // about half the time with it (docs/STORAGE.md). Address space only, not RAM.
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
}

/**
 * Refuses a file that is not SQLite before any connection touches it, so that a
 * mistyped --data-dir pointing at some other file is reported and left untouched.
 */
function assertSqliteFile(path: string): void {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return; // missing: SQLite will create it
  }
  try {
    const header = Buffer.alloc(16);
    const read = fs.readSync(fd, header, 0, 16, 0);
    if (read === 0) return; // an empty file is an empty database
    if (read < 16 || header.toString('latin1') !== SQLITE_HEADER) {
      throw new StorageError(`${path} is not a SQLite database (its header does not start with "SQLite format 3"); the file was left untouched`, {
        path,
      });
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Refuses a SQLite file of another application: schema version 0 (never migrated by this
 * app) yet holding tables. Migrating it would write our tables into someone else's file.
 */
function assertNotForeign(path: string, db: Connection): void {
  if (schemaVersion(db) !== 0) return;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 5").pluck().all() as string[];
  if (tables.length > 0) {
    throw new StorageError(
      `${path} is a SQLite database of another application (tables ${tables.join(', ')}; no workstation schema version); the file was left untouched`,
      { path, tables },
    );
  }
}

function assertNotNewer(path: string, version: number, known: number): void {
  if (version > known) {
    throw new StorageError(
      `Database ${path} has schema version ${version}, newer than the ${known} this version of the app knows; ` +
        'use a newer app. The file was left untouched.',
      { path, version, known },
    );
  }
}

/**
 * The StorageError for a store that cannot be written where it lies (a read-only folder,
 * disk or file), or null when it can. Its details say `reason: 'read-only'`: the file is
 * sound, and setting it aside is no way out.
 */
function readOnlyStore(path: string): StorageError | null {
  const folder = dirname(path);
  for (const [target, what] of [
    [folder, 'data folder'],
    [path, 'database file'],
  ] as const) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      return new StorageError(
        `The ${what} ${target} is read-only (${code}): the workstation writes its store there, and beside it the store's WAL files. ` +
          'Make it writable, or start the app with another --data-dir (an empty folder gets a fresh store). The file was left untouched.',
        { path, reason: 'read-only', code },
      );
    }
  }
  return null;
}

/** Turns SQLite's terse open errors (SQLITE_NOTADB, SQLITE_CORRUPT...) into a StorageError naming the file. */
function guarded<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    if (error instanceof Database.SqliteError && /^SQLITE_(CANTOPEN|READONLY)/.test(error.code)) {
      const readOnly = readOnlyStore(path);
      if (readOnly) throw readOnly;
    }
    if (error instanceof Database.SqliteError) {
      throw new StorageError(`Cannot open database ${path}: ${error.message} (${error.code}); the file was left untouched`, {
        path,
        code: error.code,
      });
    }
    throw error;
  }
}
