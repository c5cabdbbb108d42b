import { describe, expect, it } from 'vitest';
import { ANNUALIZED_METRICS, formatMetric, formatSpan, METRIC_HELP, metricCell } from './metric-format.js';

describe('formatMetric', () => {
  it('keeps two decimals on every ratio and percent, whole or not; counts are whole', () => {
    expect(formatMetric('winRatePct', 25)).toBe('25.00');
    expect(formatMetric('winRatePct', 15.2222)).toBe('15.22');
    expect(formatMetric('finalEquity', 10_000)).toBe('10,000.00');
    expect(formatMetric('tradeCount', 4874)).toBe('4,874');
  });

  it('writes durations in days or hours and bar times in UTC', () => {
    // Whole days and hours without a decimal ('628.0 d' read as a measured fraction); others keep one.
    expect(formatMetric('maxDrawdownDurationMs', 3 * 86_400_000)).toBe('3 d');
    expect(formatMetric('durationMs', 3_117 * 86_400_000)).toBe('3,117 d');
    expect(formatMetric('maxDrawdownDurationMs', 3.5 * 86_400_000)).toBe('3.5 d');
    expect(formatMetric('avgTradeDurationMs', 5_400_000)).toBe('1.5 h');
    expect(formatMetric('avgTradeDurationMs', 7_200_000)).toBe('2 h');
    // Rounded to one decimal first: 2.96 days reads 3.0 d, so 3 d.
    expect(formatMetric('avgTradeDurationMs', 2.96 * 86_400_000)).toBe('3 d');
    expect(formatMetric('start', Date.UTC(2025, 0, 1, 0, 38))).toBe('2025-01-01 00:38');
    expect(formatMetric('sharpe', null)).toBe('—');
  });
});

const DAY_MS = 86_400_000;
/** Stored metrics of a run covering `days` (as the engine writes them: durationMs, start, end). */
const over = (days: number, extra: Record<string, number | null>) => ({ durationMs: days * DAY_MS, start: 0, end: days * DAY_MS, totalReturnPct: -4.46, ...extra });

describe('metricCell: annualized metrics of runs shorter than a year', () => {
  it('leaves out an annualized figure under 30 days, with the stored value and the reason in the tooltip', () => {
    // The QA case: a one-day run that lost 4.46 % has a CAGR of -100 %.
    const cell = metricCell('cagrPct', over(1, { cagrPct: -99.99999 }));
    expect(cell.text).toBe('—');
    expect(cell.note).toBe('under 30 days');
    expect(cell.title).toContain('annualized from 1 day');
    expect(cell.title).toContain('-100.00');
    for (const key of ['annualizedReturnPct', 'annualizedVolatilityPct', 'sharpe', 'sortino', 'calmar'] as const) {
      expect(metricCell(key, over(29, { [key]: 1.5 })).text).toBe('—');
    }
  });

  it('shows it from 30 days with a muted note of the span it was annualized from', () => {
    expect(metricCell('cagrPct', over(46, { cagrPct: 12.3456 }))).toEqual({ text: '12.35', note: 'annualized from 46 days', title: 'Extrapolated to a year from 46 days of data' });
    expect(metricCell('sharpe', over(30, { sharpe: 1.2 })).note).toBe('annualized from 30 days');
    // The span from start/end where durationMs is missing.
    expect(metricCell('sharpe', { start: 0, end: 100 * DAY_MS, sharpe: 1.2 }).note).toBe('annualized from 100 days');
  });

  it('adds nothing for a year or more, for metrics that are not annualized, for nulls and without a span', () => {
    expect(metricCell('cagrPct', over(365, { cagrPct: 8 }))).toEqual({ text: '8.00' });
    expect(metricCell('totalReturnPct', over(1, {}))).toEqual({ text: '-4.46' });
    expect(metricCell('maxDrawdownPct', over(1, { maxDrawdownPct: -5 }))).toEqual({ text: '-5.00' });
    expect(metricCell('sharpe', over(1, { sharpe: null }))).toEqual({ text: '—' });
    expect(metricCell('sharpe', { sharpe: 2 })).toEqual({ text: '2.00' });
  });

  it('writes spans in days, hours under a day, minutes under an hour', () => {
    expect(formatSpan(DAY_MS)).toBe('1 day');
    expect(formatSpan(46 * DAY_MS)).toBe('46 days');
    expect(formatSpan(6 * 3_600_000)).toBe('6 hours');
    expect(formatSpan(30 * 60_000)).toBe('30 minutes');
  });
});

describe('metric help', () => {
  it('explains every annualized metric, and tells CAGR (calendar) from annualized return (trading bars)', () => {
    for (const key of ANNUALIZED_METRICS) expect(METRIC_HELP[key], key).toBeTruthy();
    expect(METRIC_HELP['cagrPct']).toMatch(/calendar/);
    expect(METRIC_HELP['annualizedReturnPct']).toMatch(/trading bars/);
  });
});
