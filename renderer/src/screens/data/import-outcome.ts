import type { ImportJobResult } from '../../api/contract.js';
import { formatCount, formatQuantity } from '../../app/format.js';

const counted = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

/**
 * Words what a finished import stored: rows read, bars new and bars that replaced stored
 * ones (a re-import of the same file replaces every bar and adds none), plus duplicate
 * timestamps and skipped rows when there were any, and a price tick taken from the file.
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
    // An inferred tick is news: backtests round fills to it. A given or kept one is not.
    report.priceTickSource === 'inferred' ? `price tick ${formatQuantity(report.priceTick)} (from the file's prices)` : null,
  ].filter((note): note is string => note !== null);
  return `Imported ${report.symbol} ${report.timeframe}: ${counted(report.rowsRead, 'row', 'rows')} read; ${stored}${notes.length ? `; ${notes.join(', ')}` : ''}.`;
}

/** The progress line of an import job: rows read so far (the bar itself counts bytes). */
export function importProgressText(rowsRead: number | undefined): string | undefined {
  return rowsRead === undefined ? undefined : `${formatCount(rowsRead)} rows read`;
}

/** Parses the import form's price tick: empty or 'auto' gives undefined (taken from the file), else a positive number or an error message. */
export function parsePriceTick(text: string): { tick?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'auto') return {};
  const tick = Number(trimmed);
  if (!Number.isFinite(tick) || tick <= 0) return { error: `Price tick must be a positive number or "auto", got "${trimmed}"` };
  return { tick };
}
