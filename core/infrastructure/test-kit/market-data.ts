import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's folder of real market data (fixtures/market-data/README.md). */
export const MARKET_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/market-data');

/** Returns the path of a file of the real market data set (GOOG.csv, EURUSD.csv). */
export function marketDataFile(name: string): string {
  const file = path.join(MARKET_DATA_DIR, name);
  if (!existsSync(file)) throw new Error(`Real market data file ${name} is missing from ${MARKET_DATA_DIR}`);
  return file;
}
