import { api } from './client.js';
import type { StrategyCatalog } from './contract.js';

let cached: Promise<StrategyCatalog> | null = null;

/** Returns the variables catalog and templates: fixed for the server's lifetime, so fetched once. */
export function loadCatalog(): Promise<StrategyCatalog> {
  if (!cached) {
    cached = api().invoke('strategies/catalog');
    cached.catch(() => (cached = null)); // a failed fetch is retried next time
  }
  return cached;
}
