import { describe, expect, it } from 'vitest';
import { describeSpacing, timeframeOfLength, typicalSpacing } from './bar-spacing.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('typicalSpacing', () => {
  it('finds the day in exchange-day bars despite weekend and holiday steps', () => {
    // Mon..Fri, Mon..Thu (Friday holiday), Mon: steps of 1, 3 and 4 days.
    const days = [0, 1, 2, 3, 4, 7, 8, 9, 10, 14];
    const spacing = typicalSpacing(days.map((d) => Date.UTC(2024, 0, 1) + d * DAY));
    expect(spacing).toMatchObject({ spacingMs: DAY, timeframe: '1d', sampleSize: 10 });
  });

  it('does not depend on row order and ignores repeated timestamps', () => {
    const ts = [5, 1, 3, 2, 4, 4, 0].map((m) => m * 5 * MINUTE);
    expect(typicalSpacing(ts)).toMatchObject({ spacingMs: 5 * MINUTE, timeframe: '5m', share: 1 });
  });

  it('reads only the first `count` values and takes the smaller step on a tie', () => {
    expect(typicalSpacing([0, MINUTE, 3 * MINUTE, 99 * DAY], 3)?.spacingMs).toBe(MINUTE);
  });

  it('reports a spacing no timeframe has, and null for fewer than two distinct timestamps', () => {
    expect(typicalSpacing([0, 2 * 3_600_000, 4 * 3_600_000])).toMatchObject({ spacingMs: 7_200_000, timeframe: null });
    expect(typicalSpacing([1000])).toBeNull();
    expect(typicalSpacing([1000, 1000])).toBeNull();
  });
});

describe('words', () => {
  it('maps bar lengths to timeframes and spacings to short text', () => {
    expect(timeframeOfLength(4 * 3_600_000)).toBe('4h');
    expect(timeframeOfLength(7 * MINUTE)).toBeNull();
    expect([DAY, 3 * 3_600_000, 90 * MINUTE, 30_000, 1500].map(describeSpacing)).toEqual(['1d', '3h', '90m', '30s', '1500 ms']);
  });
});
