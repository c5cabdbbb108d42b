import { describe, expect, it } from 'vitest';
import type { ImportJobResult } from '../../api/contract.js';
import { importOutcomeText, importProgressText, parsePriceTick } from './import-outcome.js';

const report = (over: Partial<ImportJobResult>): ImportJobResult => ({
  symbol: 'GOOG',
  timeframe: '1d',
  rowsRead: 2148,
  barsWritten: { inserted: 2148, replaced: 0 },
  skipped: [],
  skippedCount: 0,
  duplicates: 0,
  firstTs: 0,
  lastTs: 0,
  spacingMs: 86_400_000,
  priceTick: 0.01,
  priceTickSource: 'stored',
  warnings: [],
  durationMs: 5,
  ...over,
});

describe('import outcome', () => {
  it('says what a first import stored, with grouped counts', () => {
    expect(importOutcomeText(report({}))).toBe('Imported GOOG 1d: 2,148 rows read; 2,148 new bars stored.');
  });

  it('says that a re-import of the same file added nothing and replaced every bar', () => {
    expect(importOutcomeText(report({ barsWritten: { inserted: 0, replaced: 2148 } }))).toBe(
      "Imported GOOG 1d: 2,148 rows read; no new bars: all 2,148 bars were already stored and replaced with the file's values.",
    );
  });

  it('names overlap, duplicates and skipped rows', () => {
    expect(importOutcomeText(report({ rowsRead: 800_000, barsWritten: { inserted: 1, replaced: 799_990 }, duplicates: 3, skippedCount: 6 }))).toBe(
      "Imported GOOG 1d: 800,000 rows read; 1 new bar stored, 799,990 bars already stored replaced with the file's values; 3 duplicate timestamps in the file, 6 bad rows skipped.",
    );
  });

  it('names a price tick taken from the file, not one given or kept', () => {
    expect(importOutcomeText(report({ symbol: 'EURUSD', timeframe: '1h', rowsRead: 5000, barsWritten: { inserted: 5000, replaced: 0 }, priceTick: 0.00001, priceTickSource: 'inferred' }))).toBe(
      "Imported EURUSD 1h: 5,000 rows read; 5,000 new bars stored; price tick 0.00001 (from the file's prices).",
    );
    expect(importOutcomeText(report({ priceTick: 0.01, priceTickSource: 'given' }))).not.toContain('tick');
  });

  it('reads the price tick field: empty or auto is the file, else a positive number', () => {
    expect(parsePriceTick('')).toEqual({});
    expect(parsePriceTick(' Auto ')).toEqual({});
    expect(parsePriceTick('0.00001')).toEqual({ tick: 0.00001 });
    expect(parsePriceTick('0').error).toMatch(/positive number/);
    expect(parsePriceTick('abc').error).toMatch(/positive number/);
  });

  it('words progress rows with thousands separators', () => {
    expect(importProgressText(786_432)).toBe('786,432 rows read');
    expect(importProgressText(undefined)).toBeUndefined();
  });
});
