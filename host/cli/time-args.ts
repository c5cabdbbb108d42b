import { UsageError } from './cli-error.js';

/** Parses an ISO 8601 date or date-time (no zone = UTC) to epoch ms; undefined passes through. */
export function parseIsoArg(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : `${value}Z`;
  const ts = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(withZone) ? `${withZone}T00:00:00Z` : withZone);
  if (!Number.isFinite(ts)) throw new UsageError(`${flag}: "${value}" is not an ISO 8601 date or date-time`);
  return ts;
}

/**
 * Parses --from and --to (either may be left out); UsageError when --to is not after --from:
 * the range [from, to) would hold no bar, and the run would say only that none was found.
 */
export function parseRangeArgs(from: string | undefined, to: string | undefined): { fromTs: number | undefined; toTs: number | undefined } {
  const fromTs = parseIsoArg('--from', from);
  const toTs = parseIsoArg('--to', to);
  if (fromTs !== undefined && toTs !== undefined && toTs <= fromTs) throw new UsageError(`--to must be after --from (got --from ${from}, --to ${to})`);
  return { fromTs, toTs };
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
