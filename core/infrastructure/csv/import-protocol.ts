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

/** An error as data, so ImportRejectedError keeps its row errors across the thread boundary. */
export interface ImportErrorData {
  readonly type: AppErrorType | 'Unexpected';
  readonly message: string;
  readonly rowErrors?: readonly RowError[];
}

/** The worker answers with data, not a thrown error: comlink would drop all but name/message/stack. */
export type ImportOutcome = { readonly ok: true; readonly report: ImportReport } | { readonly ok: false; readonly error: ImportErrorData };

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

/** Turns a thrown value into ImportErrorData (worker side). */
export function importErrorData(error: unknown): ImportErrorData {
  if (error instanceof ImportRejectedError) return { type: error.type, message: error.message, rowErrors: error.rowErrors };
  if (error instanceof AppError) return { type: error.type, message: error.message };
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
      return new ValidationError(data.message);
    case 'NotFoundError':
      return new NotFoundError(data.message);
    case 'StorageError':
      return new StorageError(data.message);
    case 'Unexpected':
      return new WorkerFailedError(`Import failed in the worker: ${data.message}`);
    default:
      return new AppError(data.type, data.message);
  }
}

// The cancel flag: one Int32 in a SharedArrayBuffer. The worker sits in one synchronous
// transaction and cannot take messages, so main sets the flag and the import polls it
// between batches. (core/infrastructure/workers/cancel-flag.ts has the same layout, but
// the layering lint bars core/infrastructure from any path under a `workers` folder.)

/** Returns a fresh, unset cancel flag. */
export function createCancelFlag(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** Sets the flag; the worker sees it at its next batch. */
export function requestCancel(flag: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(flag), 0, 1);
}

/** Returns a poll function for the flag. */
export function cancelPoller(flag: SharedArrayBuffer): () => boolean {
  const view = new Int32Array(flag);
  return () => Atomics.load(view, 0) === 1;
}
