/** Formatting shared by the screens: UTC everywhere, like the stored bars. */

export function formatTs(ts: number | null | undefined): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatDate(ts: number | null | undefined): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  return new Date(ts).toISOString().slice(0, 10);
}

// toLocaleString with options builds a new formatter on every call; tables format
// thousands of cells while scrolling, so the formatters are made once per digit count.
const formatters = new Map<number, Intl.NumberFormat>();

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  let formatter = formatters.get(digits);
  if (!formatter) formatters.set(digits, (formatter = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return formatter.format(value);
}

/** Parses 'YYYY-MM-DD' as UTC midnight; empty gives undefined. */
export function parseDate(text: string): number | undefined {
  if (!text) return undefined;
  const ts = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ts) ? ts : undefined;
}
