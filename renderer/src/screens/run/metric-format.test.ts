import { describe, expect, it } from 'vitest';
import { formatMetric } from './metric-format.js';

describe('formatMetric', () => {
  it('keeps two decimals on every ratio and percent, whole or not; counts are whole', () => {
    expect(formatMetric('winRatePct', 25)).toBe('25.00');
    expect(formatMetric('winRatePct', 15.2222)).toBe('15.22');
    expect(formatMetric('finalEquity', 10_000)).toBe('10,000.00');
    expect(formatMetric('tradeCount', 4874)).toBe('4,874');
  });

  it('writes durations in days or hours and bar times in UTC', () => {
    expect(formatMetric('maxDrawdownDurationMs', 3 * 86_400_000)).toBe('3.0 d');
    expect(formatMetric('avgTradeDurationMs', 5_400_000)).toBe('1.5 h');
    expect(formatMetric('start', Date.UTC(2025, 0, 1, 0, 38))).toBe('2025-01-01 00:38');
    expect(formatMetric('sharpe', null)).toBe('—');
  });
});
