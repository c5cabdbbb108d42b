import { api } from '../../api/client.js';
import type { JobInfo } from '../../api/contract.js';
import { toApiError } from '../../api/api-error.js';

const FINAL = ['done', 'failed', 'cancelled', 'interrupted'];

/** Resolves with a job's final state; subscribes before asking, so a fast job is not missed. */
export function whenJobFinished(jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const client = api();
    const off = client.on('job/finished', ({ job }) => {
      if (job.id !== jobId) return;
      off();
      resolve(job);
    });
    void client.invoke('jobs/list').then((jobs) => {
      const job = jobs.find((j) => j.id === jobId);
      if (job && FINAL.includes(job.status)) {
        off();
        resolve(job);
      }
    }, () => undefined);
  });
}

/** Opens a sweep variant as a full run (re-running it alone when it was never opened) and returns the run id. */
export async function openVariantRun(sweepId: string, index: number): Promise<string> {
  const opened = await api().invoke('sweeps/openVariant', { sweepId, index });
  if (opened.jobId === null) return opened.runId;
  const job = await whenJobFinished(opened.jobId);
  const runId = (job.result as { runId?: string } | undefined)?.runId;
  if (job.status === 'done' && runId) return runId;
  throw job.error ? toApiError(job.error) : new Error(`Opening variant #${index}: the run ${job.status}.`);
}
