import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Returns the path of a file of the real market data set (GOOG.csv, EURUSD.csv) that
 * sits in shared/data beside the repository (or in BWS_SHARED_DATA).
 */
export function sharedDataFile(name: string): string {
  const dirs = [process.env.BWS_SHARED_DATA, path.resolve(repoRoot, '../shared/data'), '/work/shared/data'].filter((d): d is string => !!d);
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`Real market data file ${name} not found in ${dirs.join(', ')}; set BWS_SHARED_DATA to the folder holding it`);
}
