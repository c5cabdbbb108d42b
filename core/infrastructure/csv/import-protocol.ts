import type { ImportBarsOptions, ImportProgress, ImportReport } from '../../application/data/import-bars.js';
import type { ErrorData } from '../../application/errors.js';

/** Test fault of the import worker (with BWS_TEST_FAULTS=1): exit at the Nth cancel poll. */
export const TEST_IMPORT_EXIT_ENV = 'BWS_TEST_IMPORT_EXIT';
/** Test fault of the import worker (with BWS_TEST_FAULTS=1): from the Nth cancel poll, wait for a cancel. */
export const TEST_IMPORT_HOLD_ENV = 'BWS_TEST_IMPORT_HOLD';

/** The worker answers with data, its errors in the one error codec (errors.ts: toErrorData / errorFromData, workers/error-codec.ts). */
export type ImportOutcome = { readonly ok: true; readonly report: ImportReport } | { readonly ok: false; readonly error: ErrorData };

/** What workers/import-worker.ts exposes over comlink. */
export interface ImportWorkerApi {
  /**
   * Opens its own writer connection to `dbFile`, imports `options.file`, closes the
   * connection. `cancelFlag` is polled while the file is read (see workers/cancel-flag.ts);
   * `tag` names what the import stages, for `discard`.
   */
  importCsv(
    dbFile: string,
    options: ImportBarsOptions,
    cancelFlag: SharedArrayBuffer,
    onProgress?: (progress: ImportProgress) => void,
    tag?: string,
  ): Promise<ImportOutcome>;
  /** Drops what the import tagged `tag` staged (its worker died before it could). */
  discard(dbFile: string, tag: string): Promise<number>;
}
