import type { ImportBarsOptions, ImportProgress, ImportReport } from '../../application/data/import-bars.js';
import type { ErrorData } from '../../application/errors.js';

/** The worker answers with data, its errors in the one error codec (errors.ts: toErrorData / errorFromData, workers/error-codec.ts). */
export type ImportOutcome = { readonly ok: true; readonly report: ImportReport } | { readonly ok: false; readonly error: ErrorData };

/** What workers/import-worker.ts exposes over comlink. */
export interface ImportWorkerApi {
  /**
   * Opens its own writer connection to `dbFile`, imports `options.file`, closes the
   * connection. `cancelFlag` is polled between batches (see workers/cancel-flag.ts).
   */
  importCsv(
    dbFile: string,
    options: ImportBarsOptions,
    cancelFlag: SharedArrayBuffer,
    onProgress?: (progress: ImportProgress) => void,
  ): Promise<ImportOutcome>;
}
