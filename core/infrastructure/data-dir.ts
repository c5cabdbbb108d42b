import fs from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';

export const APP_NAME = 'backtest-workstation';
export const DATABASE_FILE = 'workstation.sqlite';

/**
 * Returns the data directory, creating it if missing: the `--data-dir` flag, else
 * `BWS_DATA_DIR`, else the platform's per-user app data folder.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = nonEmpty(flag) ?? nonEmpty(env.BWS_DATA_DIR) ?? envPaths(APP_NAME, { suffix: '' }).data;
  const dir = path.resolve(chosen);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Returns the path of the SQLite file inside a data directory. */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
