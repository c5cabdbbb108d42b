import fs from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { StorageError } from '../application/errors.js';

export const APP_NAME = 'backtest-workstation';
export const DATABASE_FILE = 'workstation.sqlite';

/**
 * Returns the data directory, creating it if missing: the `--data-dir` flag, else
 * `BWS_DATA_DIR`, else the platform's per-user app data folder.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = nonEmpty(flag) ?? nonEmpty(env.BWS_DATA_DIR) ?? envPaths(APP_NAME, { suffix: '' }).data;
  const dir = path.resolve(chosen);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StorageError(`Cannot create the data folder ${dir} (${code}): ${DATA_DIR_ERRORS[code ?? ''] ?? 'the folder above it cannot be written'}. Choose another --data-dir.`, {
      reason: 'read-only',
      folder: dir,
      code,
    });
  }
  return dir;
}

const DATA_DIR_ERRORS: Readonly<Record<string, string>> = {
  EROFS: 'it is on a read-only disk',
  EACCES: 'no permission to create it',
  EPERM: 'no permission to create it',
  ENOTDIR: 'a file stands where a folder of its path should be',
  EEXIST: 'a file of that name is there',
};

/** Returns the path of the SQLite file inside a data directory. */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
