import { describe, expect, it } from 'vitest';
import { barsInRange, calibrate, DEFAULT_NS_PER_VARIANT_BAR, durationText, estimateMs, needsConfirmation, plannedVariants, sweepBars, type PastSweep, type SeriesLike } from './sweep-estimate.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_BARS = 365 * 1440;

const btc: SeriesLike = { instrument: { symbol: 'BTC' }, timeframe: '1m', barCount: YEAR_BARS, firstTs: YEAR_START, lastTs: YEAR_START + (YEAR_BARS - 1) * MINUTE };
const goog: SeriesLike = { instrument: { symbol: 'GOOG' }, timeframe: '1d', barCount: 2148, firstTs: Date.UTC(2004, 7, 19), lastTs: Date.UTC(2013, 0, 1) };
const series = [btc, goog];

const sweep = (patch: Partial<PastSweep>): PastSweep => ({
  status: 'completed',
  symbol: 'BTC',
  universe: null,
  timeframe: '1m',
  fromTs: null,
  toTs: null,
  createdAt: 1,
  finishedAt: 1 + 4_452,
  counts: { done: 575 },
  runsOn: null,
  ...patch,
});

describe('sweep estimate', () => {
  it('counts the bars of a range from the stored series, resampled for a coarser timeframe', () => {
    expect(barsInRange(series, 'BTC', '1m', undefined, undefined)).toBe(YEAR_BARS);
    expect(barsInRange(series, 'BTC', '1m', YEAR_START, YEAR_START + 31 * DAY)).toBeCloseTo(31 * 1440, 6);
    expect(barsInRange(series, 'BTC', '1h', undefined, undefined)).toBeCloseTo(365 * 24, 6);
    // Outside the stored bars: none. No series (or only coarser ones): unknown.
    expect(barsInRange(series, 'BTC', '1m', Date.UTC(2030, 0, 1), undefined)).toBe(0);
    expect(barsInRange(series, 'GOOG', '1h', undefined, undefined)).toBeNull();
    expect(barsInRange(series, 'NOPE', '1d', undefined, undefined)).toBeNull();
    expect(sweepBars(series, ['BTC', 'GOOG'], '1d', undefined, undefined)).toBeCloseTo(365 + 2148, 6);
  });

  it('takes the rate from past sweeps of the same target, their overhead off, and the measured default without any', () => {
    const measured = calibrate([sweep({})], series, false);
    expect(measured.from).toBe('past');
    // (4452 - 500) ms over 575 x 525,600 variant-bars.
    expect(measured.nsPerVariantBar).toBeCloseTo((3_952 * 1e6) / (575 * YEAR_BARS), 6);
    // Too small to tell (GOOG's 2,148 daily bars, 9 variants), not completed, or on a cluster: the default.
    const ignored = [sweep({ symbol: 'GOOG', timeframe: '1d', counts: { done: 9 } }), sweep({ status: 'cancelled' }), sweep({ runsOn: 'redis:6379' }), sweep({ finishedAt: null })];
    expect(calibrate(ignored, series, false)).toEqual({ nsPerVariantBar: DEFAULT_NS_PER_VARIANT_BAR, from: 'default' });
    expect(calibrate(ignored, series, true).from).toBe('past');
  });

  it('estimates a 999,000-point grid over a year of minutes at hours and asks before starting it; a small one starts at once', () => {
    const rate = { nsPerVariantBar: DEFAULT_NS_PER_VARIANT_BAR, from: 'default' } as const;
    const ms = estimateMs(999_000, YEAR_BARS, rate);
    // 999,000 x 525,600 x 15 ns.
    expect(durationText(ms)).toBe('about 2 h 11 min');
    expect(needsConfirmation(999_000, ms)).toBe(true);
    expect(durationText(estimateMs(160_000, YEAR_BARS, rate))).toBe('about 21 min');
    expect(needsConfirmation(150_000, 60_000)).toBe(true);
    expect(needsConfirmation(50_000, 11 * 60_000)).toBe(true);
    expect(needsConfirmation(9, 600)).toBe(false);
    expect(needsConfirmation(9, null)).toBe(false);
  });

  it('counts the variants a method runs at most', () => {
    expect(plannedVariants(999_000, { kind: 'grid' })).toBe(999_000);
    expect(plannedVariants(999_000, { kind: 'random', samples: 500 })).toBe(500);
    expect(plannedVariants(20, { kind: 'genetic', population: 30, generations: 10 })).toBe(20);
  });

  it('says durations in words', () => {
    expect(durationText(400)).toBe('under a second');
    expect(durationText(12_400)).toBe('about 12 s');
    expect(durationText(4 * 60_000)).toBe('about 4 min');
    expect(durationText(490 * 60_000)).toBe('about 8 h 10 min');
    expect(durationText(3 * 24 * 3_600_000)).toBe('about 3 days');
  });
});
