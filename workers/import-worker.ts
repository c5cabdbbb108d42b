// Import worker: parses a CSV file and writes its bars through its own writer
// connection, so the main thread never runs the parse or the chunk writes.
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import type { ImportProgress } from '../core/application/data/import-bars.js';
import { importCsvFile } from '../core/infrastructure/csv/import-csv-file.js';
import type { ImportWorkerApi } from '../core/infrastructure/csv/import-protocol.js';
import { workerErrorData } from '../core/infrastructure/workers/error-codec.js';
import { cancelPoller } from '../core/infrastructure/workers/cancel-flag.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';

const api: ImportWorkerApi = {
  async importCsv(dbFile, options, cancelFlag, onProgress) {
    try {
      // One reader: the instrument lookup before the write transaction reads through it.
      const storage = openStorage({ file: dbFile, readers: 1 });
      try {
        // The import is one synchronous transaction: each progress call posts its
        // message at once; the replies are only read after the import, and ignored.
        const progress = onProgress ? (p: ImportProgress) => void Promise.resolve(onProgress(p)).catch(() => undefined) : undefined;
        const report = importCsvFile(storage.barStore, options, { isCancelled: cancelPoller(cancelFlag), ...(progress ? { onProgress: progress } : {}) });
        return { ok: true, report };
      } finally {
        storage.close();
      }
    } catch (error) {
      return { ok: false, error: workerErrorData(error) };
    }
  },
};

if (!parentPort) throw new Error('import-worker must run in a worker thread');
expose(api, nodeEndpoint(parentPort));
