import type { DownloadProgress, DownloadReport, DownloadRequest, RetryPolicy } from '../../application/data/download-bars.js';
import type { ImportErrorData } from '../csv/import-protocol.js';
import type { ExchangeConnection } from './exchange-connection.js';

/** The worker answers with data, not a thrown error (comlink keeps only name and message of an error). */
export type DownloadOutcome = { readonly ok: true; readonly report: DownloadReport } | { readonly ok: false; readonly error: ImportErrorData };

/** What workers/download-worker.ts exposes over comlink. */
export interface DownloadWorkerApi {
  /**
   * Opens its own writer connection to `dbFile`, downloads `request` from the exchange and
   * writes it slice by slice, closes the connection. `cancelFlag` is polled while requests
   * wait (see workers/cancel-flag.ts).
   */
  download(
    dbFile: string,
    request: DownloadRequest,
    connection: ExchangeConnection,
    retry: RetryPolicy | undefined,
    cancelFlag: SharedArrayBuffer,
    onProgress?: (progress: DownloadProgress) => void,
  ): Promise<DownloadOutcome>;
}
