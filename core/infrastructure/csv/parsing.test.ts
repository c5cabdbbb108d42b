import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlainDecimal } from './decimal.js';
import { detectDelimiter, OPEN_QUOTE, splitRecord } from './fields.js';
import { detectLayout } from './layout.js';
import { parseIsoLike, parseTimestamp } from './timestamps.js';

const whole = (s: string) => parsePlainDecimal(s, 0, s.length);

describe('parsePlainDecimal', () => {
  it('gives exactly the double Number() gives, or NaN to ask for the fallback', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 12 }), (x, digits) => {
        for (const text of [String(x), x.toFixed(digits)]) {
          const fast = whole(text);
          if (!Number.isNaN(fast)) expect(Object.is(fast, Number(text))).toBe(true);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes the fast path for ordinary prices and refuses what it cannot do exactly', () => {
    expect(whole('42100.12345')).toBe(42100.12345);
    expect(whole('0.30000000000000004')).toBeNaN(); // 17 significant digits: fallback
    expect(whole('1e-7')).toBeNaN();
    expect(whole(' 1')).toBeNaN();
    expect(whole('')).toBeNaN();
    expect(whole('.')).toBeNaN();
  });
});

describe('timestamps', () => {
  it('reads ISO date-times exactly like Date.parse does with an explicit Z', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ts) => {
        const iso = new Date(ts).toISOString();
        expect(parseIsoLike(iso, 0, iso.length)).toBe(ts);
        const spaced = iso.slice(0, 19).replace('T', ' ');
        expect(parseIsoLike(spaced, 0, spaced.length)).toBe(Math.floor(ts / 1000) * 1000);
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads zone offsets, treats no zone as UTC and refuses impossible dates', () => {
    const read = (s: string) => parseIsoLike(s, 0, s.length);
    expect(read('2024-03-10T12:00:00-05:00')).toBe(Date.UTC(2024, 2, 10, 17));
    expect(read('2024-03-10T12:00+0530')).toBe(Date.UTC(2024, 2, 10, 6, 30));
    expect(read('2024-03-10 12:00')).toBe(Date.UTC(2024, 2, 10, 12));
    expect(read('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(read('2023-02-29')).toBeNull();
    expect(read('2024-13-01')).toBeNull();
    expect(read('2024-01-01T25:00:00')).toBeNull();
    expect(read('2024/01/01')).toBeNull();
  });

  it('converts each epoch unit to ms and names a unit mix-up', () => {
    expect(parseTimestamp('1704067200', 'epoch-s')).toEqual({ ok: true, ts: 1704067200000 });
    expect(parseTimestamp('1704067200.5', 'epoch-s')).toEqual({ ok: true, ts: 1704067200500 });
    expect(parseTimestamp('1704067200000000', 'epoch-us')).toEqual({ ok: true, ts: 1704067200000 });
    expect(parseTimestamp('1704067200', 'epoch-ms')).toMatchObject({ ok: false, message: expect.stringMatching(/mixed timestamp formats/) });
  });
});

describe('fields and layout', () => {
  it('splits quoted fields and reports a quote left open', () => {
    const out: string[] = [];
    expect(splitRecord('a,"b,c","d ""e""",', ',', out)).toBe(4);
    expect(out.slice(0, 4)).toEqual(['a', 'b,c', 'd "e"', '']);
    expect(splitRecord('a,"b', ',', out)).toBe(OPEN_QUOTE);
  });

  it('detects the delimiter', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('2024-01-01;1,5;1,6;1,4;1,55;100')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"a;b",c,d')).toBe(',');
  });

  it('maps headers and the pandas index column', () => {
    expect(detectLayout(['', 'Open', 'High', 'Low', 'Close', 'Volume'])).toMatchObject({ kind: 'pandas-index', columns: { ts: 0, open: 1, volume: 5 } });
    expect(detectLayout(['<DATE>', '<OPEN>', '<HIGH>', '<LOW>', '<CLOSE>', '<TICKVOL>'])).toMatchObject({ kind: 'header', columns: { ts: 0, volume: 5 } });
    expect(detectLayout(['Open Time', 'O', 'H', 'L', 'C'])).toMatchObject({ columns: { ts: 0, close: 4, volume: -1 } });
    expect(detectLayout(['time', 'open', 'high', 'close'])).toMatchObject({ error: expect.stringMatching(/no column for low/) });
  });
});
