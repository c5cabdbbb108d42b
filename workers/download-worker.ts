// Download worker: fetches candles from an exchange and writes them through its own
// writer connection, so the main thread never loads the exchange library, parses its
// answers or encodes chunks (DESIGN.md "Main process budget").
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import type { DownloadProgress } from '../core/application/data/download-bars.js';
import { downloadIntoFile } from '../core/infrastructure/exchanges/download-here.js';
import type { DownloadWorkerApi } from '../core/infrastructure/exchanges/download-protocol.js';
import { cancelPoller } from '../core/infrastructure/workers/cancel-flag.js';
import { workerErrorData } from '../core/infrastructure/workers/error-codec.js';

const api: DownloadWorkerApi = {
  async download(dbFile, request, connection, retry, cancelFlag, onProgress) {
    try {
      // Progress replies are not awaited: a slow reader must not slow the download.
      const progress = onProgress ? (p: DownloadProgress) => void Promise.resolve(onProgress(p)).catch(() => undefined) : undefined;
      const report = await downloadIntoFile(dbFile, request, {
        connection,
        ...(retry ? { retry } : {}),
        isCancelled: cancelPoller(cancelFlag),
        ...(progress ? { onProgress: progress } : {}),
      });
      return { ok: true, report };
    } catch (error) {
      return { ok: false, error: workerErrorData(error) };
    }
  },
};

if (!parentPort) throw new Error('download-worker must run in a worker thread');
expose(api, nodeEndpoint(parentPort));
