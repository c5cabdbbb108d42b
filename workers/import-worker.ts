// Import worker: parses a CSV file and writes its bars through its own writer
// connection, so the main thread never runs the parse or the chunk writes.
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import type { ImportProgress } from '../core/application/data/import-bars.js';
import { importCsvFile } from '../core/infrastructure/csv/import-csv-file.js';
import { TEST_IMPORT_EXIT_ENV, TEST_IMPORT_HOLD_ENV, type ImportWorkerApi } from '../core/infrastructure/csv/import-protocol.js';
import { TEST_FAULTS_ENV } from '../core/infrastructure/workers/backtest-protocol.js';
import { workerErrorData } from '../core/infrastructure/workers/error-codec.js';
import { cancelPoller } from '../core/infrastructure/workers/cancel-flag.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';

const api: ImportWorkerApi = {
  async importCsv(dbFile, options, cancelFlag, onProgress, tag) {
    try {
      // One reader: the instrument lookup before the write transaction reads through it.
      const storage = openStorage({ file: dbFile, readers: 1 });
      // This thread copies what it wrote into the database file (a PASSIVE checkpoint
      // between batches, at most every 100 ms, outside any transaction), so its slices
      // never carry a checkpoint and the app's writer never inherits one of its megabytes.
      storage.writer.pragma('wal_autocheckpoint = 0');
      try {
        // The import runs synchronously: each progress call posts its message at once;
        // the replies are only read after the import, and ignored.
        const report = importCsvFile(storage.barStore, options, {
          isCancelled: withTestFaults(cancelPoller(cancelFlag), cancelFlag),
          onProgress: (p: ImportProgress) => {
            storage.writer.pragma('wal_checkpoint(PASSIVE)');
            if (onProgress) void Promise.resolve(onProgress(p)).catch(() => undefined);
          },
          ...(tag === undefined ? {} : { tag }),
        });
        storage.writer.pragma('wal_checkpoint(PASSIVE)');
        return { ok: true, report };
      } finally {
        storage.close();
      }
    } catch (error) {
      return { ok: false, error: workerErrorData(error) };
    }
  },

  async discard(dbFile, tag) {
    const storage = openStorage({ file: dbFile, readers: 0 });
    try {
      return storage.barStore.discardImports(tag);
    } finally {
      storage.close();
    }
  },
};

/**
 * Test faults (with BWS_TEST_FAULTS=1 only), counted in cancel polls (each read of the
 * file and each batch polls once): BWS_TEST_IMPORT_EXIT=N makes the worker exit at its Nth
 * poll, between two slices, as a crashed worker would; BWS_TEST_IMPORT_HOLD=N makes it wait
 * from its Nth poll on until the import is cancelled (an import that is surely still
 * running when a test looks).
 */
function withTestFaults(poll: () => boolean, flag: SharedArrayBuffer): () => boolean {
  if (process.env[TEST_FAULTS_ENV] !== '1') return poll;
  const exitAt = Number(process.env[TEST_IMPORT_EXIT_ENV]);
  const holdAt = Number(process.env[TEST_IMPORT_HOLD_ENV]);
  if (!(exitAt > 0) && !(holdAt > 0)) return poll;
  const view = new Int32Array(flag);
  let polls = 0;
  return () => {
    polls++;
    if (exitAt > 0 && polls >= exitAt) process.exit(9);
    if (holdAt > 0 && polls >= holdAt) while (!poll()) Atomics.wait(view, 0, 0, 50);
    return poll();
  };
}

if (!parentPort) throw new Error('import-worker must run in a worker thread');
expose(api, nodeEndpoint(parentPort));
