import { describe, expect, it } from 'vitest';
import type { DownloadJobResult } from '../../api/contract.js';
import { downloadOutcomeText, downloadProgressText, parseDay, timeLeftText } from './download-outcome.js';

const report = (over: Partial<DownloadJobResult>): DownloadJobResult => ({
  symbol: 'BTC/USDT',
  exchange: 'binance',
  venue: 'Binance',
  market: 'BTC/USDT',
  timeframe: '1m',
  fromTs: Date.UTC(2024, 0, 1),
  toTs: Date.UTC(2025, 0, 1),
  fetched: [{ fromTs: Date.UTC(2024, 0, 1), toTs: Date.UTC(2025, 0, 1) }],
  alreadyStored: null,
  barsWritten: { inserted: 527_040, replaced: 0 },
  firstTs: Date.UTC(2024, 0, 1),
  lastTs: Date.UTC(2024, 11, 31, 23, 59),
  dataEndsTs: null,
  requests: 528,
  retries: 0,
  slices: 27,
  priceTick: 0.01,
  quantityStep: 0.00001,
  quoteCurrency: 'USDT',
  durationMs: 60_000,
  ...over,
});

describe('download outcome', () => {
  it('says what a download stored', () => {
    expect(downloadOutcomeText(report({}))).toBe('Downloaded BTC/USDT 1m from Binance: 527,040 new bars (2024-01-01 00:00 → 2024-12-31 23:59 UTC).');
  });

  it('says what a resumed download left alone, where the data ends and what was retried', () => {
    expect(
      downloadOutcomeText(
        report({ symbol: 'BTC', alreadyStored: { fromTs: Date.UTC(2024, 0, 1), toTs: Date.UTC(2024, 6, 1) }, dataEndsTs: Date.UTC(2024, 11, 31, 23, 59), retries: 2 }),
      ),
    ).toBe(
      'Downloaded BTC/USDT 1m from Binance into BTC: 527,040 new bars (2024-01-01 00:00 → 2024-12-31 23:59 UTC); already stored from 2024-01-01 00:00, not fetched again; ' +
        'Binance has nothing newer than 2024-12-31 23:59; 2 requests retried.',
    );
    expect(downloadOutcomeText(report({ firstTs: null, lastTs: null, barsWritten: { inserted: 0, replaced: 0 } }))).toBe('Downloaded BTC/USDT 1m from Binance: nothing new to download.');
  });

  it('words progress with the time left', () => {
    expect(downloadProgressText({ done: 1, total: 2, items: 262_080, message: 'up to 2024-06-30 23:59 UTC', etaMs: 150_000 })).toBe(
      '262,080 bars fetched · up to 2024-06-30 23:59 UTC · about 3 min left',
    );
    expect([timeLeftText(40_000), timeLeftText(200), timeLeftText(2 * 3_600_000)]).toEqual(['about 40 s left', 'about 1 s left', 'about 2 h left']);
  });

  it('reads a day field', () => {
    expect([parseDay(''), parseDay('2024-02-29'), parseDay('29.02.2024'), parseDay('2024-13-01')]).toEqual([undefined, Date.UTC(2024, 1, 29), null, null]);
  });
});
