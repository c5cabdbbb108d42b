import type { ImportJobResult } from '../../api/contract.js';
import { formatCount } from '../../app/format.js';

const counted = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

/**
 * Words what a finished import stored: rows read, bars new and bars that replaced stored
 * ones (a re-import of the same file replaces every bar and adds none), plus duplicate
 * timestamps and skipped rows when there were any.
 */
export function importOutcomeText(report: ImportJobResult): string {
  const { inserted, replaced } = report.barsWritten;
  const stored =
    inserted === 0 && replaced > 0
      ? `no new bars: all ${counted(replaced, 'bar was', 'bars were')} already stored and replaced with the file's values`
      : `${counted(inserted, 'new bar', 'new bars')} stored` + (replaced > 0 ? `, ${counted(replaced, 'bar', 'bars')} already stored replaced with the file's values` : '');
  const notes = [
    report.duplicates > 0 ? `${counted(report.duplicates, 'duplicate timestamp', 'duplicate timestamps')} in the file` : null,
    report.skippedCount > 0 ? `${counted(report.skippedCount, 'bad row', 'bad rows')} skipped` : null,
  ].filter((note): note is string => note !== null);
  return `Imported ${report.symbol} ${report.timeframe}: ${counted(report.rowsRead, 'row', 'rows')} read; ${stored}${notes.length ? `; ${notes.join(', ')}` : ''}.`;
}

/** The progress line of an import job: rows read so far (the bar itself counts bytes). */
export function importProgressText(rowsRead: number | undefined): string | undefined {
  return rowsRead === undefined ? undefined : `${formatCount(rowsRead)} rows read`;
}
