import { describe, expect, it } from 'vitest';
import { isRunChoice, NO_RUN_CHOICE, shownRange, shownTimeframe } from './run-choice.js';

describe('run choice', () => {
  it('shows the remembered timeframe when the instrument gives it, else the stored one', () => {
    expect(shownTimeframe('4h', ['1m', '5m', '1h', '4h', '1d'], '1m')).toBe('4h');
    // A daily series gives no 4h bars: its stored timeframe.
    expect(shownTimeframe('4h', ['1d'], '1d')).toBe('1d');
    expect(shownTimeframe(null, ['1m', '1h'], '1m')).toBe('1m');
    expect(shownTimeframe('1h', [], undefined)).toBeUndefined();
  });

  it('shows the remembered range only on the series it was typed for', () => {
    const whole = { from: '2025-01-01', to: '2025-12-31' };
    const range = { series: 'DEMO-BTC/1m', from: '2025-02-01', to: '2025-02-28' };
    expect(shownRange(range, 'DEMO-BTC/1m', whole)).toEqual({ from: '2025-02-01', to: '2025-02-28' });
    expect(shownRange(range, 'GOOG/1d', whole)).toEqual(whole);
    expect(shownRange(null, 'DEMO-BTC/1m', whole)).toEqual(whole);
  });

  it('drops an old or foreign stored value', () => {
    expect(isRunChoice(NO_RUN_CHOICE)).toBe(true);
    expect(isRunChoice({ timeframe: '1h', range: { series: 'X/1m', from: '', to: '2025-01-02' } })).toBe(true);
    expect(isRunChoice({ timeframe: '2h', range: null })).toBe(false);
    expect(isRunChoice({ timeframe: null, range: { series: 'X/1m', from: 1, to: '' } })).toBe(false);
    expect(isRunChoice('1h')).toBe(false);
    expect(isRunChoice(null)).toBe(false);
  });
});
