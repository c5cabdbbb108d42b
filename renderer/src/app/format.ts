/** Formatting shared by the screens: UTC everywhere, like the stored bars. */

export function formatTs(ts: number | null | undefined): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatDate(ts: number | null | undefined): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  return new Date(ts).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

/**
 * A range [fromTs, toTs) as a trader reads it: whole UTC days as the days included
 * ("2025-03-01 → 2025-03-10", what the run form's "To (included)" asked for), else times
 * with the end marked exclusive. An open end (null) reaches the first / last stored bar.
 */
export function formatRange(fromTs: number | null | undefined, toTs: number | null | undefined): string {
  const open = (ts: number | null | undefined): ts is null | undefined => ts === null || ts === undefined;
  if (open(fromTs) && open(toTs)) return 'all stored bars';
  const days = (open(fromTs) || fromTs % DAY_MS === 0) && (open(toTs) || toTs % DAY_MS === 0);
  if (days) return `${open(fromTs) ? 'first bar' : formatDate(fromTs)} → ${open(toTs) ? 'last bar' : formatDate(toTs - DAY_MS)}`;
  return `${open(fromTs) ? 'first bar' : formatTs(fromTs)} → ${open(toTs) ? 'last bar' : `${formatTs(toTs)} (excl.)`}`;
}

/**
 * A whole number with en-US digit grouping ('1,234,567'), like formatNumber(value, 0).
 * Hand-written, not Intl: the first Intl number format in a page process initialises ICU,
 * 31-63 ms measured in a fresh Chromium tab, and the first screen (bar counts) would pay
 * it before it can paint. primeIntl pays it once the app is idle.
 */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const whole = Math.round(value);
  if (Math.abs(whole) > Number.MAX_SAFE_INTEGER) return formatNumber(whole, 0);
  const digits = String(Math.abs(whole));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return whole < 0 ? `-${grouped}` : grouped;
}

/** A field's bound as its label shows it: '1,000', '0.01', and whole millions and up short ('1T', was '1000000000000'). */
export function formatBound(value: number): string {
  const scales: readonly [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
  ];
  for (const [size, suffix] of scales) if (Math.abs(value) >= size && value % size === 0) return `${value / size}${suffix}`;
  return Number.isInteger(value) ? formatCount(value) : String(value);
}

/** A count and its noun: '1 run', '2,000 runs'; `plural` for irregular nouns ('strategies'). */
export function formatCountOf(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${value === 1 ? singular : plural}`;
}

/** Initialises Intl's number formatting while nothing waits on it (see formatCount). */
export function primeIntl(): void {
  formatNumber(1);
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

/** Most decimals a price or quantity is shown with: finer digits are binary noise, not quotes. */
const MAX_DECIMALS = 8;
let priceFormatter: Intl.NumberFormat | undefined;
let quantityFormatter: Intl.NumberFormat | undefined;

/**
 * A price with the precision it has: at least 2 decimals, up to 8, trailing zeros trimmed
 * past the 2nd ('1.08977', '101.03', '100.00', 368.8799999999987 as '368.88').
 */
export function formatPrice(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  priceFormatter ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: MAX_DECIMALS });
  return priceFormatter.format(value);
}

/** A quantity, tick or step as it is: whole ones without decimals ('53'), fractions up to 8 decimals ('0.00123', '0.00001'). */
export function formatQuantity(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  quantityFormatter ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: MAX_DECIMALS });
  return quantityFormatter.format(value);
}

/**
 * A number for a CSV file: rounded to 10 decimals so float noise does not reach the file
 * (368.8799999999987 is written 368.88), else as JavaScript writes it; empty if not finite.
 */
export function csvNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  return String(Number(value.toFixed(10)) + 0);
}

/** Parses 'YYYY-MM-DD' as UTC midnight; empty gives undefined. */
export function parseDate(text: string): number | undefined {
  if (!text) return undefined;
  const ts = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ts) ? ts : undefined;
}
