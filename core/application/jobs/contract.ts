import { z } from 'zod';
import type { JobId } from '../../domain/market/ids.js';
import type { ErrorData } from '../errors.js';
import { idSchema } from '../contract/common.js';

export const JOB_KINDS = ['import', 'download', 'backtest', 'sweep', 'walkforward'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

export interface JobProgress {
  /** Units of work done and expected (rows, bars, runs); total 0 when unknown. */
  readonly done: number;
  readonly total: number;
  /** Items handled so far when done/total measure something else (an import: rows read, while done/total count bytes). */
  readonly items?: number;
  readonly message?: string;
  /** Time left at the pace so far, when the job can tell (a download). */
  readonly etaMs?: number;
}

export interface JobInfo {
  readonly id: JobId;
  readonly kind: JobKind;
  /** What the user sees: 'Import BTCUSD 1m', 'Backtest SMA cross on ES 5m'. */
  readonly title: string;
  readonly status: JobStatus;
  readonly progress: JobProgress;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /**
   * The job's JSON-friendly outcome when done (e.g. `{ runId }`). A job that checkpoints
   * (walk-forward, after each window) has here what it finished so far: kept when it is
   * cancelled, fails or is interrupted by the app stopping.
   */
  readonly result?: unknown;
  /**
   * What a running job has produced that its user may see before it is done (a backtest:
   * its results while the run is saved). Dropped when the job finishes: `result` says the rest.
   */
  readonly interim?: unknown;
  readonly error?: ErrorData;
}

export const jobSchemas = {
  // A kind: its own newest (a walk-forward behind 200 backtests is still listed).
  'jobs/list': z.union([z.undefined(), z.strictObject({ kind: z.enum(JOB_KINDS).optional() })]),
  'jobs/cancel': z.strictObject({ id: idSchema }),
} as const;

export interface JobHandlers {
  /** Jobs of this session and the last persisted ones, newest first; only those of `kind` when given. */
  'jobs/list': (args?: { kind?: JobKind }) => Promise<JobInfo[]>;
  /** Asks a job to stop; answers with its state (already final jobs are returned as they are). */
  'jobs/cancel': (args: { id: string }) => Promise<JobInfo>;
}
