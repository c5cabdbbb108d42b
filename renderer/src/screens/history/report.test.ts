import { describe, expect, it } from 'vitest';
import { equityCsv, htmlReport, tradesCsv, type ReportTrade } from './report.js';

const trade: ReportTrade = { index: 0, side: 'long', entryTs: Date.UTC(2024, 0, 2), entryPrice: 100, exitTs: Date.UTC(2024, 0, 3), exitPrice: 110, quantity: 2, pnl: 20, returnPct: 10, barsHeld: 1440, exitReason: 'signal, "manual"' };
const run = { name: 'SMA <cross>', symbol: 'DEMO', timeframe: '1m', fromTs: Date.UTC(2024, 0, 1), toTs: Date.UTC(2024, 1, 1), hash: 'abc123', engineVersion: '1', metrics: { totalReturnPct: 12.5, profitFactor: null } };

describe('run exports', () => {
  it('writes trades as CSV with ISO times and quoted text', () => {
    const lines = tradesCsv([trade]).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('1,long,2024-01-02T00:00:00.000Z,100,2024-01-03T00:00:00.000Z,110,2,20,10,1440,"signal, ""manual"""');
  });

  it('writes the equity curve as CSV', () => {
    expect(equityCsv({ ts: [0], equity: [1000], drawdown: [-1.5] })).toBe('time,equity,drawdown_pct\n1970-01-01T00:00:00.000Z,1000,-1.5\n');
  });

  it('makes a self-contained HTML report with escaped names and no scripts or links', () => {
    const html = htmlReport(run, { ts: [0, 1, 2], equity: [1, 2, 1.5], drawdown: [0, 0, -25] }, [trade], new Date(0));
    expect(html).toContain('SMA &lt;cross&gt;');
    expect(html).toContain('abc123');
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  });
});
