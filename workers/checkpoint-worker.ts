// Checkpoint worker: copies the WAL into the database file every few seconds, with a
// connection of its own, so that the app's main thread never does (a checkpoint inherited
// by a small commit on the main thread copied another thread's megabytes there: a strategy
// save during a long import took up to 85 ms instead of 2-4). Started by
// startCheckpointer (core/infrastructure/sqlite/checkpointer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { openWorkerWriter } from '../core/infrastructure/sqlite/database.js';

const { dbFile, intervalMs } = workerData as { dbFile: string; intervalMs: number };
const db = openWorkerWriter(dbFile);
db.pragma('wal_autocheckpoint = 0');
// PASSIVE: copies what no reader still needs, never waits for a lock or blocks a writer.
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), intervalMs);
parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.pragma('wal_checkpoint(PASSIVE)');
  db.close();
  parentPort!.close();
});
