/** Formatting shared by the screens: UTC everywhere, like the stored bars. */

export function formatTs(ts: number | null | undefined): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatDate(ts: number | null | undefined): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  return new Date(ts).toISOString().slice(0, 10);
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Parses 'YYYY-MM-DD' as UTC midnight; empty gives undefined. */
export function parseDate(text: string): number | undefined {
  if (!text) return undefined;
  const ts = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ts) ? ts : undefined;
}
