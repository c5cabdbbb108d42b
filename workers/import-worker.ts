// Import worker: parses a CSV file and writes its bars through its own writer
// connection, so the main thread never runs the parse or the chunk writes.
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import type { ImportProgress } from '../core/application/import-bars.js';
import { importCsvFile } from '../core/infrastructure/csv/import-csv-file.js';
import { importErrorData, TEST_IMPORT_EXIT_ENV, type ImportWorkerApi } from '../core/infrastructure/csv/import-protocol.js';
import { TEST_FAULTS_ENV } from '../core/infrastructure/workers/backtest-protocol.js';
import { cancelPoller } from '../core/infrastructure/workers/cancel-flag.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';

const api: ImportWorkerApi = {
  async importCsv(dbFile, options, cancelFlag, onProgress, tag) {
    try {
      // One reader: the instrument lookup before the write transaction reads through it.
      const storage = openStorage({ file: dbFile, readers: 1 });
      try {
        // The import runs synchronously: each progress call posts its message at once;
        // the replies are only read after the import, and ignored.
        const progress = onProgress ? (p: ImportProgress) => void Promise.resolve(onProgress(p)).catch(() => undefined) : undefined;
        const report = importCsvFile(storage.barStore, options, {
          isCancelled: withExitFault(cancelPoller(cancelFlag)),
          ...(progress ? { onProgress: progress } : {}),
          ...(tag === undefined ? {} : { tag }),
        });
        return { ok: true, report };
      } finally {
        storage.close();
      }
    } catch (error) {
      return { ok: false, error: importErrorData(error) };
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
 * Test fault (with BWS_TEST_FAULTS=1 only): BWS_TEST_IMPORT_EXIT=N makes the worker exit at
 * its Nth cancel poll, between two slices, as a crashed worker would.
 */
function withExitFault(poll: () => boolean): () => boolean {
  const after = Number(process.env[TEST_IMPORT_EXIT_ENV]);
  if (process.env[TEST_FAULTS_ENV] !== '1' || !(after > 0)) return poll;
  let polls = 0;
  return () => {
    if (++polls >= after) process.exit(9);
    return poll();
  };
}

if (!parentPort) throw new Error('import-worker must run in a worker thread');
expose(api, nodeEndpoint(parentPort));
