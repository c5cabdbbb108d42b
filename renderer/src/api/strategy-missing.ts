import { ApiError } from './api-error.js';

/** What the core says of a strategy that is not there: deleted (and restorable) or never existed. */
export interface StrategyMissing {
  readonly deleted: boolean;
  readonly name: string | null;
}

/** Returns how a strategy is missing when `error` is the core's NotFoundError for it, else null. */
export function strategyMissing(error: unknown): StrategyMissing | null {
  if (!(error instanceof ApiError) || error.type !== 'NotFoundError') return null;
  const details = (error.details ?? {}) as { deleted?: unknown; name?: unknown };
  return { deleted: details.deleted === true, name: typeof details.name === 'string' ? details.name : null };
}
