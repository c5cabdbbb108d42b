import { proxy, releaseProxy, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Worker } from 'node:worker_threads';
import type { DownloadProgress, DownloadReport, DownloadRequest, RetryPolicy } from '../../application/data/download-bars.js';
import type { BarDownloader } from '../../application/data/download-handlers.js';
import { CancelledError, errorFromData, WorkerFailedError } from '../../application/errors.js';
import { createCancelFlag, requestCancel } from '../workers/cancel-flag.js';
import { workerScriptPath } from '../workers/worker-script.js';
import type { DownloadOutcome, DownloadWorkerApi } from './download-protocol.js';
import type { ExchangeConnection } from './exchange-connection.js';

export interface DownloadRunControl {
  readonly connection?: ExchangeConnection;
  readonly retry?: RetryPolicy;
  /** Called after each page (the job registry throttles what it forwards). */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Aborting cancels the download: it keeps its committed slices and rejects with CancelledError saying so. */
  readonly signal?: AbortSignal;
  /** Overrides the bundled worker (dist/workers/download-worker.js). */
  readonly workerScript?: string;
}

/**
 * Downloads candles into the database file in a fresh worker thread, so that neither the
 * exchange library (1-2 s to load) nor the parsing of its answers and the chunk writes run
 * on the calling thread; the worker is terminated afterwards whatever happens. Rejects
 * with the download's typed errors (MarketDataError, CancelledError...) or
 * WorkerFailedError when the worker dies.
 */
export async function runDownloadInWorker(dbFile: string, request: DownloadRequest, control: DownloadRunControl = {}): Promise<DownloadReport> {
  const { signal, onProgress } = control;
  if (signal?.aborted) throw new CancelledError('Download cancelled before it started; nothing was stored');
  const worker = new Worker(control.workerScript ?? workerScriptPath('download-worker'));
  const api = wrap<DownloadWorkerApi>(nodeEndpoint(worker));
  const flag = createCancelFlag();
  const cancel = (): void => requestCancel(flag);
  signal?.addEventListener('abort', cancel, { once: true });
  let settled = false;
  const died = new Promise<never>((_, reject) => {
    worker.once('error', (error) => reject(new WorkerFailedError(`Download worker crashed: ${error.name}: ${error.message}; slices committed before it stay stored`)));
    worker.once('exit', (code) => {
      if (!settled) reject(new WorkerFailedError(`Download worker exited (code ${code}) before finishing; slices committed before it stay stored`));
    });
  });
  died.catch(() => undefined);
  try {
    const outcome: DownloadOutcome = await Promise.race([
      api.download(dbFile, request, control.connection ?? {}, control.retry, flag, onProgress ? proxy(onProgress) : undefined),
      died,
    ]);
    if (outcome.ok) return outcome.report;
    throw errorFromData(outcome.error);
  } finally {
    settled = true;
    signal?.removeEventListener('abort', cancel);
    api[releaseProxy]();
    await worker.terminate();
  }
}

/** The BarDownloader port on the download worker: each download runs in a fresh worker thread on `dbFile`. */
export function workerBarDownloader(dbFile: string, connection: ExchangeConnection = {}): BarDownloader {
  return {
    download: (request, control) => {
      const abort = new AbortController();
      const unsubscribe = control.onCancel(() => abort.abort());
      return runDownloadInWorker(dbFile, request, { connection, onProgress: control.onProgress, signal: abort.signal }).finally(unsubscribe);
    },
  };
}
