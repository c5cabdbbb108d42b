import type { DownloadProgress, DownloadReport, DownloadRequest, RetryPolicy } from '../../application/data/download-bars.js';
import type { ErrorData } from '../../application/errors.js';
import type { ExchangeConnection } from './exchange-connection.js';

/** The worker answers with data, its errors in the one error codec (errors.ts: toErrorData / errorFromData). */
export type DownloadOutcome = { readonly ok: true; readonly report: DownloadReport } | { readonly ok: false; readonly error: ErrorData };

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
