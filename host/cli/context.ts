import { resolveDataDir } from '../../core/infrastructure/data-dir.js';
import { openStorage, type Storage } from '../../core/infrastructure/sqlite/storage.js';
import { stringFlag, type CommandInput } from './command.js';

/** Resolves the data dir from --data-dir / BWS_DATA_DIR / the platform default. */
export function dataDirOf(input: CommandInput): string {
  return resolveDataDir(stringFlag(input, 'data-dir'));
}

/** Opens the store for one command and closes it afterwards, whatever happens. */
export async function withStorage<T>(input: CommandInput, fn: (storage: Storage) => Promise<T> | T): Promise<T> {
  const storage = openStorage({ dataDir: dataDirOf(input) });
  try {
    return await fn(storage);
  } finally {
    storage.close();
  }
}
