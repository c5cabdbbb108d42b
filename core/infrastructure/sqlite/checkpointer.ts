import { Worker } from 'node:worker_threads';
import { workerScriptPath } from '../workers/worker-script.js';

/** How often the checkpoint worker copies the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 2_000;

/**
 * Starts the checkpoint worker on `dbFile` (workers/checkpoint-worker.ts): the app's own
 * writer then checkpoints never (`wal_autocheckpoint = 0`, set by the caller), and its
 * small commits never carry the copy of an import's or a sweep's pages. Returns a stop
 * function that runs a last checkpoint and ends the thread.
 */
export function startCheckpointer(dbFile: string, intervalMs = CHECKPOINT_INTERVAL_MS, script = workerScriptPath('checkpoint-worker')): () => Promise<void> {
  const worker = new Worker(script, { workerData: { dbFile, intervalMs } });
  // The app never waits on it: a failed checkpoint is retried at the next tick or at close.
  worker.on('error', () => undefined);
  worker.unref();
  return async () => {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    const timeout = setTimeout(() => void worker.terminate(), 2_000);
    await exited;
    clearTimeout(timeout);
  };
}
