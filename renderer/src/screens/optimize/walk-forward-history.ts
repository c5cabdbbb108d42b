import type { JobInfo } from '../../api/contract.js';
import type { WalkForwardReport } from '../../../../core/application/sweeps/contract.js';
import { formatCount, formatRange, formatTs } from '../../app/format.js';

const DAY_MS = 86_400_000;

/** A walk-forward's report with what it was run with, as the screen shows it. */
export interface ShownWalkForward {
  readonly jobId: string;
  readonly report: WalkForwardReport;
  /** What it ran with, in words: the job's title, the schedule and the range. */
  readonly settings: string;
}

/** The windows of a report only: what its schedule is read from. */
type Windows = Pick<WalkForwardReport, 'windows'>;

/**
 * The schedule a report's windows were cut by, in days: the in-sample and out-of-sample
 * lengths of the first window, the step between the first two, anchored when they start
 * together (unknown with one window). Null for a report without windows.
 */
export function scheduleOf({ windows }: Windows): { inSampleDays: number; outOfSampleDays: number; stepDays: number | null; anchored: boolean | null } | null {
  const [first, second] = windows;
  if (!first) return null;
  const days = (ms: number): number => Math.round((ms / DAY_MS) * 10) / 10;
  return {
    inSampleDays: days(first.inSample.toTs - first.inSample.fromTs),
    outOfSampleDays: days(first.outOfSample.toTs - first.outOfSample.fromTs),
    stepDays: second ? days(second.outOfSample.fromTs - first.outOfSample.fromTs) : null,
    anchored: second ? second.inSample.fromTs === first.inSample.fromTs : null,
  };
}

/** 'Walk-forward sma-cross on GOOG 1d · 1095 days in-sample, 365 out-of-sample, step 365, rolling · 2006-01-03 → 2012-12-31'. */
export function settingsText(title: string, report: Windows): string {
  const schedule = scheduleOf(report);
  if (!schedule) return title;
  const step = schedule.stepDays === null ? '' : `, step ${schedule.stepDays}`;
  const kind = schedule.anchored === null ? '' : schedule.anchored ? ', anchored' : ', rolling';
  const first = report.windows[0]!;
  const last = report.windows[report.windows.length - 1]!;
  return `${title} · ${schedule.inSampleDays} days in-sample, ${schedule.outOfSampleDays} out-of-sample${step}${kind} · ${formatRange(first.inSample.fromTs, last.outOfSample.toTs)}`;
}

/** A report carried by a job (done, or kept from one that did not finish) with at least one window. */
export function reportOf(job: Pick<JobInfo, 'result'>): WalkForwardReport | null {
  const result = job.result as Partial<WalkForwardReport> | undefined;
  return result && Array.isArray(result.windows) && result.windows.length > 0 ? (result as WalkForwardReport) : null;
}

/** A past walk-forward the list offers. */
export interface PastWalkForward extends ShownWalkForward {
  readonly label: string;
}

/** The finished walk-forwards among the jobs (newest first) that kept windows: the list to reopen from. */
export function pastWalkForwards(jobs: readonly JobInfo[]): PastWalkForward[] {
  const past: PastWalkForward[] = [];
  for (const job of jobs) {
    if (job.kind !== 'walkforward' || job.status === 'running' || job.status === 'queued') continue;
    const report = reportOf(job);
    if (!report) continue;
    const windows = report.windows.length < report.windowsPlanned ? `${report.windows.length} of ${formatCount(report.windowsPlanned)} windows` : `${formatCount(report.windows.length)} windows`;
    const status = job.status === 'done' ? '' : ` (${job.status})`;
    past.push({ jobId: job.id, report, settings: settingsText(job.title, report), label: `${formatTs(job.createdAt)} · ${job.title} · ${windows}${status}` });
  }
  return past;
}
