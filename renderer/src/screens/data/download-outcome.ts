import type { DownloadJobResult, JobProgress } from '../../api/contract.js';
import { formatCount, formatTs } from '../../app/format.js';

const counted = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

/** "about 3 min left", "about 40 s left". */
export function timeLeftText(ms: number): string {
  if (ms >= 90 * 60_000) return `about ${Math.round(ms / 3_600_000)} h left`;
  if (ms >= 90_000) return `about ${Math.round(ms / 60_000)} min left`;
  return `about ${Math.max(1, Math.round(ms / 1000))} s left`;
}

/** The progress line of a download job: bars fetched, how far it got or what it waits for, and the time left. */
export function downloadProgressText(progress: JobProgress | undefined): string | undefined {
  if (!progress) return undefined;
  const parts = [counted(progress.items ?? 0, 'bar fetched', 'bars fetched')];
  if (progress.message) parts.push(progress.message);
  if (progress.etaMs !== undefined) parts.push(timeLeftText(progress.etaMs));
  return parts.join(' · ');
}

/** Words what a finished download stored, what it left alone (already stored) and where the exchange's data ends. */
export function downloadOutcomeText(report: DownloadJobResult): string {
  const into = report.symbol === report.market ? '' : ` into ${report.symbol}`;
  const what = `${report.market} ${report.timeframe} from ${report.venue}${into}`;
  const { inserted, replaced } = report.barsWritten;
  const stored =
    report.firstTs === null
      ? `nothing new to download`
      : `${counted(inserted, 'new bar', 'new bars')}${replaced > 0 ? `, ${counted(replaced, 'bar', 'bars')} replaced` : ''} (${formatTs(report.firstTs)} → ${formatTs(report.lastTs)} UTC)`;
  const notes = [
    report.alreadyStored ? `already stored from ${formatTs(report.alreadyStored.fromTs)}, not fetched again` : null,
    report.dataEndsTs !== null ? `${report.venue} has nothing newer than ${formatTs(report.dataEndsTs)}` : null,
    report.retries > 0 ? `${counted(report.retries, 'request', 'requests')} retried` : null,
  ].filter((note): note is string => note !== null);
  return `Downloaded ${what}: ${stored}${notes.length ? `; ${notes.join('; ')}` : ''}.`;
}

/** Parses a date field (YYYY-MM-DD, UTC) to epoch ms; undefined when empty, null when not a date. */
export function parseDay(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return null;
  const ts = Date.parse(`${trimmed}T00:00:00Z`);
  return Number.isFinite(ts) ? ts : null;
}
