import type { ImportBarsOptions, ImportProgress, ImportReport } from '../../application/import-bars.js';
import {
  AppError,
  CancelledError,
  ImportRejectedError,
  NotFoundError,
  StorageError,
  ValidationError,
  WorkerFailedError,
  type AppErrorType,
  type RowError,
} from '../../application/errors.js';
import { describeHostFailure } from '../host-failures.js';

/** Test fault of the import worker (with BWS_TEST_FAULTS=1): exit at the Nth cancel poll. */
export const TEST_IMPORT_EXIT_ENV = 'BWS_TEST_IMPORT_EXIT';
/** Test fault of the import worker (with BWS_TEST_FAULTS=1): from the Nth cancel poll, wait for a cancel. */
export const TEST_IMPORT_HOLD_ENV = 'BWS_TEST_IMPORT_HOLD';

/** An error as data, so ImportRejectedError keeps its row errors across the thread boundary. */
export interface ImportErrorData {
  readonly type: AppErrorType | 'Unexpected';
  readonly message: string;
  readonly rowErrors?: readonly RowError[];
  /** A ValidationError's details (the timeframe check's detected and chosen timeframes). */
  readonly details?: unknown;
}

/** The worker answers with data, not a thrown error: comlink would drop all but name/message/stack. */
export type ImportOutcome = { readonly ok: true; readonly report: ImportReport } | { readonly ok: false; readonly error: ImportErrorData };

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

/** Turns a thrown value into ImportErrorData (worker side); a full disk and the like become a typed StorageError. */
export function importErrorData(thrown: unknown): ImportErrorData {
  const error = thrown instanceof AppError ? thrown : (describeHostFailure(thrown) ?? thrown);
  if (error instanceof ImportRejectedError) return { type: error.type, message: error.message, rowErrors: error.rowErrors };
  if (error instanceof ValidationError) return { type: error.type, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  if (error instanceof AppError) return { type: error.type, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  const name = error instanceof Error ? error.name : 'Error';
  return { type: 'Unexpected', message: `${name}: ${error instanceof Error ? error.message : String(error)}` };
}

/** Rebuilds the typed error (main side). */
export function importErrorFromData(data: ImportErrorData): AppError {
  switch (data.type) {
    case 'ImportRejectedError':
      return new ImportRejectedError(data.message, data.rowErrors ?? []);
    case 'CancelledError':
      return new CancelledError(data.message);
    case 'ValidationError':
      return new ValidationError(data.message, data.details);
    case 'NotFoundError':
      return new NotFoundError(data.message);
    case 'StorageError':
      return new StorageError(data.message, data.details);
    case 'Unexpected':
      return new WorkerFailedError(`Import failed in the worker: ${data.message}`);
    default:
      return new AppError(data.type, data.message);
  }
}
