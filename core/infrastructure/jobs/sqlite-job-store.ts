import type Database from 'better-sqlite3';
import type { JobId } from '../../domain/market/ids.js';
import type { JobInfo, JobKind, JobStatus } from '../../application/jobs/contract.js';
import type { ErrorData } from '../../application/errors.js';
import type { JobStore } from '../../application/jobs/job-store.js';
import type { Connection } from '../sqlite/database.js';
import { leftByDeadProcess } from '../process-owner.js';

interface JobRow {
  id: string;
  kind: string;
  title: string;
  status: string;
  progress_json: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  result_json: string | null;
  error_json: string | null;
}

/** The job history in SQLite (table `jobs`), written through the writer connection. */
export class SqliteJobStore implements JobStore {
  private readonly upsert: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly newest: Database.Statement;
  private readonly newestOfKind: Database.Statement;
  private readonly interrupt: Database.Statement;
  private readonly unfinished: Database.Statement;

  constructor(writer: Connection) {
    this.upsert = writer.prepare(
      `INSERT INTO jobs (id, kind, title, status, progress_json, created_at, started_at, finished_at, result_json, error_json, owner_pid)
       VALUES (@id, @kind, @title, @status, @progress_json, @created_at, @started_at, @finished_at, @result_json, @error_json, @owner_pid)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, progress_json = excluded.progress_json,
         started_at = excluded.started_at, finished_at = excluded.finished_at,
         result_json = excluded.result_json, error_json = excluded.error_json`,
    );
    this.byId = writer.prepare('SELECT * FROM jobs WHERE id = ?');
    this.newest = writer.prepare('SELECT * FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?');
    this.newestOfKind = writer.prepare('SELECT * FROM jobs WHERE kind = ? ORDER BY created_at DESC, id DESC LIMIT ?');
    this.unfinished = writer.prepare("SELECT id, kind, owner_pid FROM jobs WHERE status IN ('queued', 'running')");
    this.interrupt = writer.prepare(`UPDATE jobs SET status = 'interrupted', finished_at = ?, error_json = ? WHERE id = ? AND status IN ('queued', 'running')`);
  }

  save(job: JobInfo): void {
    this.upsert.run({
      id: job.id,
      kind: job.kind,
      title: job.title,
      status: job.status,
      progress_json: JSON.stringify(job.progress),
      created_at: job.createdAt,
      started_at: job.startedAt,
      finished_at: job.finishedAt,
      result_json: job.result === undefined ? null : JSON.stringify(job.result),
      error_json: job.error === undefined ? null : JSON.stringify(job.error),
      owner_pid: process.pid,
    });
  }

  get(id: JobId): JobInfo | null {
    const row = this.byId.get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  list(limit: number, kind?: JobKind): JobInfo[] {
    return ((kind === undefined ? this.newest.all(limit) : this.newestOfKind.all(kind, limit)) as JobRow[]).map(toJob);
  }

  interruptUnfinished(finishedAt: number): number {
    // Only what a dead process left: another app or CLI on the same data folder runs on.
    let changed = 0;
    for (const row of this.unfinished.all() as { id: string; kind: string; owner_pid: number | null }[]) {
      if (!leftByDeadProcess(row.owner_pid)) continue;
      const error: ErrorData = { type: 'InternalError', message: INTERRUPTED[row.kind as JobKind] ?? INTERRUPTED_JOB };
      changed += this.interrupt.run(finishedAt, JSON.stringify(error), row.id).changes;
    }
    return changed;
  }
}

const INTERRUPTED_JOB = 'The app stopped while this job was running';

/** What an interrupted job says of the work it leaves, where its kind tells (a sweep's and a walk-forward's are kept in their own rows and results). */
const INTERRUPTED: Partial<Record<JobKind, string>> = {
  // Its staging is dropped when the store opens: the series is as it was before.
  import: 'The app stopped while this import was running; nothing of it was stored. Import the file again',
  download: 'The app stopped while this download was running; the slices it had committed are kept. Download again to continue after the last stored bar',
};

function toJob(row: JobRow): JobInfo {
  return {
    id: row.id as JobId,
    kind: row.kind as JobKind,
    title: row.title,
    status: row.status as JobStatus,
    progress: JSON.parse(row.progress_json) as JobInfo['progress'],
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    ...(row.result_json === null ? {} : { result: JSON.parse(row.result_json) as unknown }),
    ...(row.error_json === null ? {} : { error: JSON.parse(row.error_json) as ErrorData }),
  };
}
