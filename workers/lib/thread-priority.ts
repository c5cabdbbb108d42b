import fs from 'node:fs';
import os from 'node:os';

/** Env var with the nice value for compute workers: 0 keeps the default priority. */
export const WORKER_NICE_ENV = 'BWS_WORKER_NICE';
const DEFAULT_NICE = 10;

/**
 * Lowers the calling worker thread's scheduling priority, so that when backtests and
 * sweeps fill the cores, the threads that answer the user (the app's main thread, the
 * renderer) still get the CPU at once; with idle cores the worker runs at full speed.
 * Linux only: setpriority() on a thread id renices that thread alone there, while on
 * other systems the same call would renice the whole app, so it is skipped. Returns the
 * nice value now in effect, or null when unchanged.
 */
export function lowerThreadPriority(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env[WORKER_NICE_ENV];
  const nice = raw === undefined || raw === '' ? DEFAULT_NICE : Number(raw);
  if (!Number.isInteger(nice) || nice <= 0 || nice > 19 || process.platform !== 'linux') return null;
  try {
    // "<pid>/task/<tid>": the kernel's id of this very thread.
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return null;
    os.setPriority(tid, nice);
    return os.getPriority(tid);
  } catch {
    // No /proc or not permitted: run at the default priority.
    return null;
  }
}
