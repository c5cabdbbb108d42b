import type { JobId } from '../../domain/market/ids.js';
import type { JobInfo, JobKind } from './contract.js';

/** Persists jobs so that the history survives a restart and a killed app's jobs are known. */
export interface JobStore {
  /** Inserts or replaces the job's row. */
  save(job: JobInfo): void;
  get(id: JobId): JobInfo | null;
  /** Newest first; only jobs of `kind` when given. */
  list(limit: number, kind?: JobKind): JobInfo[];
  /** Marks every queued or running job a dead process left 'interrupted' (finished at `finishedAt`); returns how many. */
  interruptUnfinished(finishedAt: number): number;
}
