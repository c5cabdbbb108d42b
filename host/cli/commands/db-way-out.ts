import { AppError } from '../../../core/application/errors.js';

/**
 * The way out printed under a store that cannot be opened (not SQLite, corrupt, another
 * app's file, newer schema): what to run to see why, and how to start afresh without
 * losing the file. Null for errors that are not about the database file.
 */
export function storageWayOut(error: unknown): string | null {
  if (!(error instanceof AppError) || error.type !== 'StorageError') return null;
  const details = error.details as { path?: unknown; reason?: unknown } | undefined;
  const file = details?.path;
  // A sound file in a read-only place: its message says what to do; setting it aside cannot help.
  if (typeof file !== 'string' || details?.reason === 'read-only') return null;
  return [
    `  The workstation cannot start on ${file}. Way out:`,
    '    bws db check      says what is wrong with it (integrity, schema version)',
    '    bws db set-aside  renames it to workstation.sqlite.broken-<time> (kept, never deleted); the next start creates a fresh store',
    '  (both take the same --data-dir)',
  ].join('\n');
}
