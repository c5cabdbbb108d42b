import { describe, expect, it } from 'vitest';
import { moneyTick, percentTick, svgChart, timeTicks, valueTicks } from './report-chart.js';

const t = (iso: string): number => Date.parse(iso);

describe('report chart axes', () => {
  it('puts time ticks on whole UTC units and labels them as the app charts do', () => {
    const hours = timeTicks(t('2025-01-01T21:10:00Z'), t('2025-01-02T02:00:00Z'), 6);
    expect(hours.ticks.map((x) => new Date(x).toISOString().slice(11, 16))).toEqual(['22:00', '23:00', '00:00', '01:00', '02:00']);
    expect(hours.labels).toEqual(['22:00\n2025-01-01', '23:00', '00:00\n2025-01-02', '01:00', '02:00']);
    const days = timeTicks(t('2024-12-30T00:00:00Z'), t('2025-01-02T12:00:00Z'), 6);
    expect(days.labels).toEqual(['12-30\n2024', '12-31', '01-01\n2025', '01-02']);
    const months = timeTicks(t('2024-01-15T00:00:00Z'), t('2024-07-01T00:00:00Z'), 8);
    expect(months.labels).toEqual(['2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07']);
    const years = timeTicks(t('2015-06-01T00:00:00Z'), t('2025-06-01T00:00:00Z'), 6);
    expect(years.labels).toEqual(['2016', '2018', '2020', '2022', '2024']);
  });

  it('keeps to the tick budget and inside the range', () => {
    for (const [from, to] of [
      ['2025-01-01T00:00:00Z', '2025-01-01T00:03:00Z'],
      ['2025-01-01T00:00:00Z', '2025-01-09T00:00:00Z'],
      ['2024-03-01T00:00:00Z', '2025-02-15T00:00:00Z'],
    ] as const) {
      const { ticks } = timeTicks(t(from), t(to), 7);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(7);
      for (const x of ticks) expect(x >= t(from) && x <= t(to)).toBe(true);
    }
  });

  it('steps values by 1, 2 or 5 x 10^k and widens the bounds to whole steps', () => {
    expect(valueTicks(9_830, 10_470, 5)).toEqual({ ticks: [9_800, 10_000, 10_200, 10_400, 10_600], lo: 9_800, hi: 10_600, decimals: 0 });
    expect(valueTicks(-4.46, 0, 5)).toEqual({ ticks: [-6, -4, -2, 0], lo: -6, hi: 0, decimals: 0 });
    expect(valueTicks(-0.37, 0, 5).ticks).toEqual([-0.4, -0.3, -0.2, -0.1, 0]);
    expect(valueTicks(-0.37, 0, 5).decimals).toBe(1);
    // Flat: a band around the value; no drawdown at all: 0 on top.
    expect(valueTicks(10_000, 10_000, 5).ticks).toEqual([9_900, 9_950, 10_000, 10_050, 10_100]);
    expect(valueTicks(0, 0, 5).ticks).toEqual([-1, -0.5, 0]);
  });

  it('writes money and percent ticks, never "-0"', () => {
    expect(moneyTick(10_600, 0)).toBe('10,600');
    expect(percentTick(-2.5, 1)).toBe('-2.5 %');
    expect(valueTicks(-1, 1, 3).ticks.map((v) => percentTick(v, 0))).toEqual(['-1 %', '0 %', '1 %']);
  });

  it('draws both axes with their labels in the SVG', () => {
    const xs = [t('2025-01-01T00:00:00Z'), t('2025-01-02T00:00:00Z'), t('2025-01-03T00:00:00Z'), t('2025-01-04T00:00:00Z')];
    const svg = svgChart(xs, [10_000, 10_400, 9_900, 10_250], { width: 1000, height: 200, color: '#000', formatValue: moneyTick });
    expect(svg).toContain('>10,000<');
    // Three days across 890 units: ticks every 12 hours, the date under each midnight.
    expect(svg).toContain('>12:00<');
    expect(svg).toMatch(/>00:00<tspan[^>]*>2025-01-02<\/tspan>/);
    expect(svg).toContain('<polyline');
    expect(svgChart([1], [1], { width: 1000, height: 200, color: '#000', formatValue: moneyTick })).toBe('');
  });
});
