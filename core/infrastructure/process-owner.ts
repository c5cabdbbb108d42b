/** True when a process with this id runs (EPERM: it runs, as another user). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether long-running work recorded as owned by `pid` was left by a process that is gone,
 * judged by a process that has only just started: an unknown owner, a process that no
 * longer runs, or this very pid (a dead process's id reused: this one has started nothing
 * yet). Another live process's work is left alone (two apps or a CLI on one data folder).
 */
export function leftByDeadProcess(pid: number | null): boolean {
  return pid === null || pid === process.pid || !processRuns(pid);
}
