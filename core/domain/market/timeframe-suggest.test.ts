import { describe, expect, it } from 'vitest';
import { barLengthMs, nearestTimeframes } from './timeframe-suggest.js';

describe('nearest timeframes', () => {
  it('reads bar lengths the way exchanges write them', () => {
    expect([barLengthMs('2m'), barLengthMs('90s'), barLengthMs('3h'), barLengthMs('1w'), barLengthMs('10 minutes'), barLengthMs('1M')]).toEqual([
      120_000, 90_000, 10_800_000, 604_800_000, 600_000, 2_592_000_000,
    ]);
    expect([barLengthMs('x'), barLengthMs('0m'), barLengthMs('1y')]).toEqual([null, null, null]);
  });

  it('names the stored timeframes on either side of an unknown one', () => {
    expect(nearestTimeframes('2m')).toEqual(['1m', '5m']);
    expect(nearestTimeframes('30m')).toEqual(['15m', '1h']);
    expect(nearestTimeframes('2h')).toEqual(['1h', '4h']);
    expect(nearestTimeframes('1w')).toEqual(['4h', '1d']);
    expect(nearestTimeframes('hourly')).toEqual(['1m', '5m', '15m', '1h', '4h', '1d']);
  });
});
