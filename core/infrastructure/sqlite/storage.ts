import { databasePath, resolveDataDir } from '../data-dir.js';
import { SqliteBarStore } from './bar-store.js';
import { SqliteDatabase, type Connection } from './database.js';
import { DEFAULT_SLOW_MS, SlowStatementLog } from './slow-log.js';

export interface StorageOptions {
  /** Data directory holding workstation.sqlite (resolved like --data-dir when `file` is absent). */
  readonly dataDir?: string;
  /** An explicit database file; wins over `dataDir`. */
  readonly file?: string;
  /** Reader connections beside the writer (default 2). */
  readonly readers?: number;
  /** Slow-statement threshold in ms (default 50). */
  readonly slowMs?: number;
  /** Bars per chunk for new writes (default DEFAULT_CHUNK_BARS). */
  readonly chunkBars?: number;
}

/** The opened store: one writer, a reader pool, the bar store and the slow-statement log. */
export interface Storage {
  readonly file: string;
  readonly database: SqliteDatabase;
  readonly writer: Connection;
  readonly readers: readonly Connection[];
  readonly barStore: SqliteBarStore;
  readonly slowLog: SlowStatementLog;
  close(): void;
}

/** Opens (creating and migrating as needed) the workstation database. */
export function openStorage(options: StorageOptions = {}): Storage {
  const file = options.file ?? databasePath(resolveDataDir(options.dataDir));
  const database = SqliteDatabase.open(file, options.readers === undefined ? {} : { readers: options.readers });
  const slowLog = new SlowStatementLog(database.writer, options.slowMs ?? DEFAULT_SLOW_MS);
  const barStore = new SqliteBarStore(database.writer, {
    slowLog,
    reader: () => database.reader(),
    ...(options.chunkBars === undefined ? {} : { chunkBars: options.chunkBars }),
  });
  // What an import killed with its process left behind (invisible, but taking room).
  barStore.reclaimImports();
  return {
    file,
    database,
    writer: database.writer,
    readers: database.readers,
    barStore,
    slowLog,
    close: () => database.close(),
  };
}
