import Database from 'better-sqlite3';
import { type AppError, StorageError } from '../application/errors.js';

/**
 * Names the failures of the machine under the app (a full disk, a store busy with another
 * process's write, a read-only folder, a disk error) as a StorageError whose message says
 * what happened and what to do; null for anything else (a bug: InternalError and a log
 * entry). SQLite's own words ("database is locked") never reach a user. The details carry
 * `reason`, never `path`: the CLI's way out of a broken store file is not for these.
 */
export function describeHostFailure(error: unknown): AppError | null {
  const code = failureCode(error);
  if (code === null) return null;
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageError('The disk holding the workstation\'s data is full; nothing was saved. Free some space and try again.', { reason: 'disk-full', code });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StorageError(
      'The store is busy with a long write by another program on the same data folder (another workstation or bws command?); nothing was saved. Try again when it is done.',
      { reason: 'busy', code },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return new StorageError('The data folder or its database file is read-only; nothing was saved. Make it writable, or start the app with another --data-dir.', {
      reason: 'read-only',
      code,
    });
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return new StorageError('The disk reported an error while the store was written or read; nothing was saved. Check the disk (bws db check checks the file).', {
      reason: 'io',
      code,
    });
  }
  return null;
}

/** SQLite's messages by result code: what is left of a SqliteError that crossed a thread (name and message only). */
const SQLITE_MESSAGES: Readonly<Record<string, string>> = {
  'database or disk is full': 'SQLITE_FULL',
  'database is locked': 'SQLITE_BUSY',
  'database table is locked': 'SQLITE_LOCKED',
  'attempt to write a readonly database': 'SQLITE_READONLY',
  'disk I/O error': 'SQLITE_IOERR',
};

function failureCode(error: unknown): string | null {
  if (error instanceof Database.SqliteError) return error.code;
  if (error instanceof Error && error.name === 'SqliteError') return SQLITE_MESSAGES[error.message] ?? null;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : null;
}
