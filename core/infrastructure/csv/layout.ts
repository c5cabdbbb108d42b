import { detectTimestampFormat } from './timestamps.js';
import { excerpt } from './excerpt.js';

/** Where each bar field sits in a record; volume is -1 when the file has none (read as 0). */
export interface ColumnMap {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface CsvLayout {
  readonly hasHeader: boolean;
  readonly columns: ColumnMap;
  /** Fields every record must have. */
  readonly fieldCount: number;
  /** Human-readable name of the layout, for messages and docs. */
  readonly kind: 'header' | 'pandas-index' | 'headerless';
}

type Field = keyof ColumnMap;

/** Accepted header names per field, compared after normalizeHeader(). */
const ALIASES: Readonly<Record<Field, readonly string[]>> = {
  ts: ['timestamp', 'time', 'date', 'datetime', 'date_time', 'open_time', 'opentime', 'ts', 'time_open', 'timestamp_utc', 'time_utc', 'date_utc', 'gmt_time', 'unix', 'unix_time'],
  open: ['open', 'o', 'open_price', 'opening_price', 'first'],
  high: ['high', 'h', 'high_price', 'max'],
  low: ['low', 'l', 'low_price', 'min'],
  close: ['close', 'c', 'close_price', 'closing_price', 'last', 'price_close'],
  volume: ['volume', 'vol', 'v', 'base_volume', 'volume_base', 'qty', 'quantity', 'tick_volume', 'tickvol', 'real_volume'],
};

const LOOKUP: ReadonlyMap<string, Field> = new Map(
  (Object.entries(ALIASES) as [Field, readonly string[]][]).flatMap(([field, names]) => names.map((name) => [name, field] as const)),
);

/** Lower-cases a header name and folds spaces, dashes, dots and <brackets> into `_`. */
export function normalizeHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[<>()[\]]/g, ' ')
    .trim()
    .replace(/[\s\-.]+/g, '_');
}

/**
 * Works out the layout from the first record: a header naming the fields in any
 * case or order (an empty or `Unnamed: 0` first name is the pandas index and holds
 * the date), or no header at all with the timestamp and OHLCV in the first six
 * columns (Binance klines: open_time, open, high, low, close, volume, close_time, ...).
 * Returns a message instead when neither fits; `show` quotes the line in it.
 */
export function detectLayout(first: readonly string[], show: (text: string) => string = excerpt): CsvLayout | { readonly error: string } {
  const names = first.map(normalizeHeader);
  const found = new Map<Field, number>();
  names.forEach((name, index) => {
    const field = LOOKUP.get(name);
    // The first column of a name wins (e.g. `time` and `timestamp` both present).
    if (field !== undefined && !found.has(field)) found.set(field, index);
  });
  if (found.size > 0) {
    let kind: CsvLayout['kind'] = 'header';
    if (!found.has('ts') && (names[0] === '' || names[0] === 'unnamed:_0' || names[0] === 'index')) {
      found.set('ts', 0);
      kind = 'pandas-index';
    }
    const missing = (['ts', 'open', 'high', 'low', 'close'] as const).filter((f) => !found.has(f));
    if (missing.length > 0) {
      return { error: `header ${show(first.join(','))} has no column for ${missing.join(', ')} (accepted names: ${missing.map((f) => ALIASES[f].join('|')).join('; ')})` };
    }
    return {
      hasHeader: true,
      kind,
      fieldCount: first.length,
      columns: { ts: found.get('ts')!, open: found.get('open')!, high: found.get('high')!, low: found.get('low')!, close: found.get('close')!, volume: found.get('volume') ?? -1 },
    };
  }
  if (first.length >= 5 && detectTimestampFormat(first[0] ?? '') !== null) {
    return {
      hasHeader: false,
      kind: 'headerless',
      fieldCount: first.length,
      columns: { ts: 0, open: 1, high: 2, low: 3, close: 4, volume: first.length >= 6 ? 5 : -1 },
    };
  }
  return {
    error: `first line ${show(first.join(','))} is neither a header naming timestamp/open/high/low/close columns nor a headerless row starting with a timestamp`,
  };
}
