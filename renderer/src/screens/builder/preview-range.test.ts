import { describe, expect, it } from 'vitest';
import { PREVIEW_BARS, previewRange } from './preview-range.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

describe('previewRange', () => {
  it('spans PREVIEW_BARS bars of the timeframe, not a fixed number of days', () => {
    const lastTs = Date.UTC(2025, 0, 1);
    const daily = previewRange({ timeframe: '1d', firstTs: lastTs - 5_000 * DAY_MS, lastTs })!;
    // Bar opens from fromTs to lastTs inclusive: PREVIEW_BARS of them (30 days held 22 daily bars).
    expect((daily.toTs - daily.fromTs) / DAY_MS + 1).toBe(PREVIEW_BARS);
    const minutes = previewRange({ timeframe: '1m', firstTs: lastTs - 100 * DAY_MS, lastTs })!;
    expect((minutes.toTs - minutes.fromTs) / MINUTE_MS + 1).toBe(PREVIEW_BARS);
  });

  it('starts no earlier than the first stored bar', () => {
    const firstTs = Date.UTC(2024, 11, 1);
    const lastTs = Date.UTC(2025, 0, 1);
    expect(previewRange({ timeframe: '1d', firstTs, lastTs })).toEqual({ fromTs: firstTs, toTs: lastTs });
  });

  it('has no range for a series without bars', () => {
    expect(previewRange({ timeframe: '1h', firstTs: null, lastTs: null })).toBeNull();
  });
});
