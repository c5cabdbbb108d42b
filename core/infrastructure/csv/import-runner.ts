import { proxy, releaseProxy, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { CancelledError, errorFromData, WorkerFailedError } from '../../application/errors.js';
import type { ImportBarsOptions, ImportProgress, ImportReport } from '../../application/data/import-bars.js';
import { createCancelFlag, requestCancel } from '../workers/cancel-flag.js';
import { workerScriptPath } from '../workers/worker-script.js';
import type { ImportOutcome, ImportWorkerApi } from './import-protocol.js';

export interface ImportRunControl {
  /** Called at most 10 times a second while the worker reads the file. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Aborting cancels the import: the worker rolls back and this rejects with CancelledError. */
  readonly signal?: AbortSignal;
  /** Overrides the bundled worker (dist/workers/import-worker.js). */
  readonly workerScript?: string;
}

/**
 * Imports a CSV file into the database file in a fresh worker thread and resolves with
 * its report; the worker is terminated afterwards whatever happens. Rejects with
 * ImportRejectedError (bad rows, with their lines), CancelledError, or
 * WorkerFailedError when the worker dies.
 */
export async function runImportInWorker(dbFile: string, options: ImportBarsOptions, control: ImportRunControl = {}): Promise<ImportReport> {
  const { signal, onProgress } = control;
  if (signal?.aborted) throw new CancelledError('Import cancelled before it started; nothing was written');
  const script = control.workerScript ?? workerScriptPath('import-worker');
  // Names what this import stages, so that it can be dropped if the worker dies mid-way.
  const tag = `import-${randomUUID()}`;
  const worker = new Worker(script);
  const api = wrap<ImportWorkerApi>(nodeEndpoint(worker));
  const flag = createCancelFlag();
  const cancel = (): void => requestCancel(flag);
  signal?.addEventListener('abort', cancel, { once: true });
  let settled = false;
  const died = new Promise<never>((_, reject) => {
    worker.once('error', (error) => reject(new WorkerFailedError(`Import worker crashed: ${error.name}: ${error.message}; nothing was written`)));
    worker.once('exit', (code) => {
      if (!settled) reject(new WorkerFailedError(`Import worker exited (code ${code}) before finishing; nothing was written`));
    });
  });
  died.catch(() => undefined);
  try {
    const outcome: ImportOutcome = await Promise.race([api.importCsv(dbFile, options, flag, onProgress ? proxy(onProgress) : undefined, tag), died]);
    if (outcome.ok) return outcome.report;
    throw errorFromData(outcome.error);
  } catch (error) {
    // The worker died (or failed unexpectedly): what it staged is dropped from a fresh one.
    if (error instanceof WorkerFailedError) await discardStaged(script, dbFile, tag);
    throw error;
  } finally {
    settled = true;
    signal?.removeEventListener('abort', cancel);
    api[releaseProxy]();
    await worker.terminate();
  }
}

/**
 * Drops what a dead import worker staged, from a fresh worker (deleting many chunks is
 * store work, kept off the calling thread). Best effort: what is left is dropped when the
 * store is next opened.
 */
async function discardStaged(script: string, dbFile: string, tag: string): Promise<void> {
  const worker = new Worker(script);
  const api = wrap<ImportWorkerApi>(nodeEndpoint(worker));
  try {
    await Promise.race([api.discard(dbFile, tag), new Promise((resolve) => worker.once('exit', resolve)), new Promise((resolve) => worker.once('error', resolve))]);
  } catch {
    // Left for the next open.
  } finally {
    api[releaseProxy]();
    await worker.terminate();
  }
}
