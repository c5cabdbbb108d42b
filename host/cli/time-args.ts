import { UsageError } from './cli-error.js';

/** Parses an ISO 8601 date or date-time (no zone = UTC) to epoch ms; undefined passes through. */
export function parseIsoArg(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : `${value}Z`;
  const ts = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(withZone) ? `${withZone}T00:00:00Z` : withZone);
  if (!Number.isFinite(ts)) throw new UsageError(`${flag}: "${value}" is not an ISO 8601 date or date-time`);
  return ts;
}

/** Parses a finite number flag. */
export function parseNumberArg(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: "${value}" is not a number`);
  return n;
}

export function isoOf(ts: number | null | undefined): string {
  return ts === null || ts === undefined ? '' : new Date(ts).toISOString();
}
