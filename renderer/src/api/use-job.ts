import { useCallback, useLayoutEffect, useState } from 'react';
import { api } from './client.js';
import type { JobInfo } from './contract.js';
import { errorMessage } from './api-error.js';

const FALLBACK_POLL_MS = 2_000;

export interface JobState {
  readonly job: JobInfo | null;
  readonly running: boolean;
  readonly cancel: () => void;
  readonly cancelError: string | null;
  /** The job list has no such job (a job id kept from long ago, or another data dir). */
  readonly unknown: boolean;
}

/**
 * Follows one job through its `job/progress` and `job/finished` events. Subscribes before
 * asking for the job's state, so a job that finishes in between is not missed.
 * `onInterim` is called once when the job is seen running with an interim outcome (from
 * its event or the state asked for; not for a job found already finished).
 */
export function useJob(jobId: string | null, onFinished?: (job: JobInfo) => void, onInterim?: (job: JobInfo) => void): JobState {
  const [job, setJob] = useState<JobInfo | null>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [unknown, setUnknown] = useState(false);

  // A layout effect subscribes in the commit that sets jobId: a passive effect could run
  // after the next frame, and a fast job's interim event (10-20 ms after its start was
  // answered) could go out before anyone listened.
  useLayoutEffect(() => {
    setJob(null);
    setCancelError(null);
    setUnknown(false);
    if (!jobId) return;
    let finished = false;
    let sawInterim = false;
    const client = api();
    const finish = (info: JobInfo): void => {
      if (finished) return;
      finished = true;
      setJob(info);
      onFinished?.(info);
    };
    const running = (info: JobInfo): void => {
      setJob(info);
      if (info.interim !== undefined && !sawInterim) {
        sawInterim = true;
        onInterim?.(info);
      }
    };
    const offProgress = client.on('job/progress', ({ job: info }) => {
      if (info.id === jobId && !finished) running(info);
    });
    const offFinished = client.on('job/finished', ({ job: info }) => {
      if (info.id === jobId) finish(info);
    });
    const check = (): void => {
      void client.invoke('jobs/list').then((jobs) => {
        const info = jobs.find((j) => j.id === jobId);
        if (!info && !finished) setUnknown(true);
        if (!info || finished) return;
        if (['done', 'failed', 'cancelled', 'interrupted'].includes(info.status)) finish(info);
        else running(info);
      }, () => undefined);
    };
    check();
    // Events pushed while the socket was reconnecting are lost (seen under heavy load):
    // a slow poll makes sure a finished job is noticed anyway.
    const poll = window.setInterval(() => {
      if (!finished) check();
    }, FALLBACK_POLL_MS);
    return () => {
      clearInterval(poll);
      offProgress();
      offFinished();
    };
    // The callbacks are read at event time on purpose: callers pass inline callbacks.
  }, [jobId]);

  const cancel = useCallback(() => {
    if (!jobId) return;
    api()
      .invoke('jobs/cancel', { id: jobId })
      .catch((error: unknown) => setCancelError(errorMessage(error)));
  }, [jobId]);

  const running = job !== null && (job.status === 'queued' || job.status === 'running');
  return { job, running, cancel, cancelError, unknown };
}
