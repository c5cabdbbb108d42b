import { describe, expect, it } from 'vitest';
import { equityCsv, htmlReport, instrumentsCsv, tradesCsv, type ReportPortfolio, type ReportRun, type ReportTrade } from './report.js';

// An exit reason the engine never writes, to see the CSV quote it.
const oddReason = (text: string) => text as ReportTrade['exitReason'];
const trade: ReportTrade = { index: 0, side: 'long', entryTs: Date.UTC(2024, 0, 2), entryBar: 1440, entryPrice: 100, exitTs: Date.UTC(2024, 0, 3), exitBar: 2880, exitPrice: 110, quantity: 2, pnl: 20, returnPct: 10, fees: 0.4, barsHeld: 1440, exitReason: oddReason('signal, "manual"') };
const cross = (operator: 'crossesAbove' | 'crossesBelow') => ({
  kind: 'group' as const,
  mode: 'all' as const,
  children: [{ kind: 'trigger' as const, left: { kind: 'variable' as const, variable: 'close' }, operator, right: { kind: 'variable' as const, variable: 'sma', params: { period: 10 } } }],
});
const run: ReportRun = {
  name: 'SMA <cross>',
  symbol: 'DEMO',
  timeframe: '1m',
  fromTs: Date.UTC(2024, 0, 1),
  toTs: Date.UTC(2024, 1, 1),
  barCount: 44_640,
  hash: 'abc123',
  engineVersion: '1',
  createdAt: Date.UTC(2024, 2, 5, 14, 30),
  // A few of the engine's metrics (the report shows those a run has).
  metrics: { totalReturnPct: 12.5, profitFactor: null, start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 31, 23, 59), durationMs: 31 * 86_400_000 } as ReportRun['metrics'],
  spec: {
    version: 2,
    name: 'SMA <cross>',
    direction: 'long',
    entry: { long: cross('crossesAbove') },
    exit: { long: cross('crossesBelow') },
    management: { stopLoss: { kind: 'percent', value: 2 } },
    sizing: { kind: 'percentEquity', percent: 100 },
    costs: { commissionPct: 0.1, commissionFixed: 0, slippageBps: 1 },
    initialCash: 10_000,
  },
  extras: { sweepVariant: { sweepId: 's1', sweepName: 'SMA sweep', index: 3, params: { fast: 10, slow: 50 } } },
};
const equity = { ts: [0, 1, 2], equity: [1, 2, 1.5], drawdown: [0, 0, -25] };
const context = { generatedAt: new Date(Date.UTC(2024, 2, 6, 9, 5)) };
const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
/** The report's text with tags dropped, entities decoded and whitespace collapsed: what a reader sees. */
const visible = (html: string): string =>
  html
    .replace(/<style>[^]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity]!)
    .replace(/\s+/g, ' ');

/** Two instruments' figures, PnL curves and positions, as runs/instruments answers them. */
const figuresOf = (symbol: string, tradeCount: number, contributionPct: number, winRatePct: number | null) => ({
  symbol,
  bars: 500,
  warmUpBars: 10,
  tradeCount,
  winRatePct,
  realizedPnl: contributionPct * 100,
  unrealizedPnl: 12.5,
  contributionPct,
  exposurePct: 33.3,
  fees: 4.25,
  buyAndHoldReturnPct: null,
  openPosition: null,
});
const portfolio: ReportPortfolio = {
  figures: [figuresOf('DEMO-ALFA', 3, 1.25, 66.67), figuresOf('DEMO-<GOLF>', 0, -0.5, null)],
  curves: { ts: [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)], pnl: [[0, 50, 125], [0, -20, -50]], downsampled: false },
  positions: { ts: [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)], count: [0, 2, 1], downsampled: false },
};
const portfolioRun: ReportRun = { ...run, universe: { symbols: ['DEMO-ALFA', 'DEMO-<GOLF>'], instrumentIds: [], tag: 'basket' } };

describe('run exports', () => {
  it("writes a portfolio run's instruments as CSV, one row per instrument, no float noise, empty for no value", () => {
    const lines = instrumentsCsv(portfolio.figures).trim().split('\n');
    expect(lines[0]).toBe('symbol,bars,trades,win_rate_pct,contribution_pct,exposure_pct,realized_pnl,unrealized_pnl,fees,buy_and_hold_return_pct');
    expect(lines.slice(1)).toEqual(['DEMO-ALFA,500,3,66.67,1.25,33.3,125,12.5,4.25,', 'DEMO-<GOLF>,500,0,,-0.5,33.3,-50,12.5,4.25,']);
  });

  it("puts a portfolio run's instruments table, positions and per-instrument PnL in the HTML report, and each trade's instrument", () => {
    const html = htmlReport(portfolioRun, equity, [{ ...trade, symbol: 'DEMO-ALFA' }], context, portfolio);
    const text = visible(html);
    expect(text).toContain('Instruments 2 instruments tagged basket: DEMO-ALFA, DEMO-<GOLF>');
    expect(text).toContain('Instruments (2; at most 2 positions open at once)');
    // One position at most: singular.
    const oneAtMost = visible(htmlReport(portfolioRun, equity, [], context, { ...portfolio, positions: { ...portfolio.positions, count: [0, 1, 1] } }));
    expect(oneAtMost).toContain('Instruments (2; at most 1 position open at once)');
    expect(text).toMatch(/Instrument Trades Win rate Contribution Exposure Realized PnL Open PnL Fees Buy and hold DEMO-ALFA 3 66\.67 % 1\.25 % 33\.30 % 125\.00 12\.50 4\.25 n\/a DEMO-<GOLF> 0 n\/a -0\.50 %/);
    expect(text).toContain('Open positions');
    expect(text).toContain('PnL per instrument');
    // Four charts (equity, drawdown, positions, PnL), the PnL chart with a line per instrument.
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html.match(/<polyline /g)).toHaveLength(5);
    // The trades table names each trade's instrument after its number.
    expect(text).toMatch(/# Instrument Side .* 1 DEMO-ALFA long/);
    expect(html).not.toContain('<GOLF>');
    // A run of one instrument has none of it.
    const single = visible(htmlReport(run, equity, [trade], context));
    expect(single).not.toContain('PnL per instrument');
    expect(single).not.toContain('# Instrument');
  });


  it('writes trades as CSV with ISO times, fees and quoted text', () => {
    const lines = tradesCsv([trade]).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('index,side,entry_time,entry_price,exit_time,exit_price,quantity,pnl,return_pct,fees,bars_held,exit_reason');
    expect(lines[1]).toBe('1,long,2024-01-02T00:00:00.000Z,100,2024-01-03T00:00:00.000Z,110,2,20,10,0.4,1440,"signal, ""manual"""');
  });

  it("writes a portfolio run's trades with their instrument", () => {
    const lines = tradesCsv([{ ...trade, symbol: 'DEMO-ALFA' }, { ...trade, index: 1, symbol: 'DEMO-GOLF' }]).trim().split('\n');
    expect(lines[0]).toBe('index,symbol,side,entry_time,entry_price,exit_time,exit_price,quantity,pnl,return_pct,fees,bars_held,exit_reason');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['1,DEMO-ALFA,long', '2,DEMO-GOLF,long']);
  });

  it('writes prices as quoted and money without float noise', () => {
    const fx: ReportTrade = { ...trade, entryPrice: 1.08977, exitPrice: 1.09012, quantity: 9176, pnl: 368.8799999999987, returnPct: 0.1 + 0.2, fees: 19.999999999999996 };
    expect(tradesCsv([fx]).trim().split('\n')[1]).toBe('1,long,2024-01-02T00:00:00.000Z,1.08977,2024-01-03T00:00:00.000Z,1.09012,9176,368.88,0.3,20,1440,"signal, ""manual"""');
  });

  it('shows trade prices in the report with the decimals they have, whole quantities without decimals', () => {
    const text = visible(htmlReport(run, equity, [{ ...trade, entryPrice: 1.08977, exitPrice: 1.0901, quantity: 53 }], context));
    expect(text).toContain('1 long 2024-01-02 00:00 1.08977 2024-01-03 00:00 1.0901 53 20.00');
  });

  it('writes the position still open at the end as a last CSV row marked open, with no exit', () => {
    const open = { side: 'long' as const, entryTs: Date.UTC(2024, 0, 5), entryBar: 4, entryPrice: 100, quantity: 2, markPrice: 105, unrealizedPnl: 9.8, fees: 0.2, barsHeld: 3 };
    const lines = tradesCsv([trade], open).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('open,long,2024-01-05T00:00:00.000Z,100,,,2,9.8,4.9,0.2,3,open (unrealized at the last close 105)');
    // Flat at the end: the closed trades only.
    expect(tradesCsv([trade], null)).toBe(tradesCsv([trade]));
  });

  it('shows the open position in the metrics and as a marked last trades row of the HTML report', () => {
    const open = { side: 'short' as const, entryTs: Date.UTC(2024, 0, 5), entryBar: 4, entryPrice: 100, quantity: 2, markPrice: 95, unrealizedPnl: 9.8, fees: 0.2, barsHeld: 3 };
    const text = visible(htmlReport({ ...run, extras: { openPosition: open } }, equity, [], context));
    expect(text).toContain('Open position (unrealized) 9.80 short 2 since 2024-01-05 00:00 at 100.00, marked at 95.00 (last close)');
    expect(text).toContain('Trades (0 closed + 1 open)');
    expect(text).toContain('Open short 2024-01-05 00:00 100.00 still open — 2 9.80 4.90 3 unrealized @ 95.00');
    expect(text).toContain('The last row is the position still open at the end of the data');
    const flat = visible(htmlReport({ ...run, extras: { openPosition: null } }, equity, [trade], context));
    expect(flat).toContain('Trades (1)');
    expect(flat).not.toMatch(/Open position|still open/);
  });

  it('writes the equity curve as CSV', () => {
    expect(equityCsv({ ts: [0], equity: [1000], drawdown: [-1.5] })).toBe('time,equity,drawdown_pct\n1970-01-01T00:00:00.000Z,1000,-1.5\n');
  });

  it('makes a self-contained HTML report with escaped names and no scripts or links', () => {
    const html = htmlReport(run, equity, [trade], context);
    expect(html).toContain('SMA &lt;cross&gt;');
    expect(html).toContain('abc123');
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  });

  it('reads like the app: metric labels and formats, UTC dates, no raw keys or epoch numbers', () => {
    const text = visible(htmlReport(run, equity, [trade], context));
    expect(text).toContain('Total return % 12.50');
    expect(text).toContain('Profit factor —');
    expect(text).toContain('Duration 31 d');
    expect(text).toContain('First bar (UTC) 2024-01-01 00:00');
    expect(text).toContain('Range 2024-01-01 → 2024-01-31'); // the days included, as on screen
    expect(text).toContain('Run created 2024-03-05 14:30 UTC');
    expect(text).toContain('Generated 2024-03-06 09:05 UTC');
    expect(text).toContain('Bars 44,640');
    expect(text).toContain('Engine version 1');
    // The trades as the trades table shows them.
    expect(text).toContain('Entry (UTC)');
    expect(text).toContain('1 long 2024-01-02 00:00 100.00 2024-01-03 00:00 110.00 2 20.00 10.00 1440 signal, "manual"');
    expect(text).not.toMatch(/totalReturnPct|durationMs|profitFactor/);
    expect(text).not.toMatch(/\d{12,}/);
  });

  it('says how annualized metrics were annualized when the run covers less than a year', () => {
    const metrics = { ...run.metrics, cagrPct: 20, sharpe: 1.5, totalReturnPct: -4.46 };
    const month = visible(htmlReport({ ...run, metrics }, equity, [trade], context));
    expect(month).toContain('CAGR % 20.00 annualized from 31 days');
    expect(month).toContain('Sharpe 1.50 annualized from 31 days');
    expect(month).toContain('Total return % -4.46 CAGR'); // not annualized: no note
    // The QA case: one day that lost 4.46 % is a CAGR of -100 %, left out with the reason in a tooltip.
    const day = htmlReport({ ...run, metrics: { ...metrics, cagrPct: -99.99999, durationMs: 86_400_000 } }, equity, [trade], context);
    expect(visible(day)).toContain('CAGR % — under 30 days');
    expect(day).toMatch(/<td class="n" title="Not shown: annualized from 1 day of data \(stored value -100\.00\)[^"]*">—<div class="note">under 30 days<\/div><\/td>/);
  });

  it('draws equity and drawdown with a UTC time axis and a value axis (money, %)', () => {
    const days = [0, 1, 2, 3, 4, 5, 6].map((d) => Date.UTC(2024, 0, 1 + d));
    const html = htmlReport(run, { ts: days, equity: [10_000, 10_400, 9_900, 10_250, 10_100, 10_300, 10_350], drawdown: [0, 0, -4.81, -1.44, -2.88, -0.96, -0.48] }, [trade], context);
    const charts = html.slice(html.indexOf('<h2>Equity</h2>'), html.indexOf('<h2>Trades'));
    const equityText = visible(charts.slice(0, charts.indexOf('<h2>Drawdown')));
    const drawdownText = visible(charts.slice(charts.indexOf('<h2>Drawdown')));
    for (const text of [equityText, drawdownText]) expect(text).toContain('01-01 2024 01-02 01-03 01-04 01-05 01-06 01-07');
    expect(equityText).toMatch(/9,800 .*10,000 .*10,400/);
    expect(drawdownText).toContain('-6 % -4 % -2 % 0 %');
    expect(html).not.toMatch(/<script|<link|src=|href=|@font-face|url\(/);
  });

  it('includes the strategy in words and the sweep parameters of the run', () => {
    const text = visible(htmlReport(run, equity, [trade], context));
    expect(text).toContain('Long entry Close crosses above SMA(10)');
    expect(text).toContain('Long exit Close crosses below SMA(10)');
    expect(text).toContain('Stop loss 2 % from entry');
    expect(text).toContain('Sizing 100 % of equity');
    expect(text).toContain('Commission 0.1 % per side');
    expect(text).toContain('Slippage 1 bps per fill');
    expect(text).toContain('Initial cash 10,000');
    expect(text).toContain('Direction Long only');
    expect(text).toContain('Parameters fast=10, slow=50');
    expect(text).toContain('Sweep variant #3 of SMA sweep');
    const { sweepVariant: _variant, ...plain } = run.extras;
    expect(visible(htmlReport({ ...run, extras: plain }, equity, [trade], context))).not.toContain('Parameters');
  });

  it('escapes every text that comes from the run, so none of it can add markup', () => {
    const hostile = '<script>alert(1)</script>';
    const html = htmlReport(
      {
        ...run,
        name: hostile,
        symbol: '<b>X</b>',
        spec: { ...run.spec, name: hostile, entry: { long: { ...cross('crossesAbove'), children: [{ ...cross('crossesAbove').children[0]!, left: { kind: 'variable', variable: '<img src=x onerror=alert(1)>' } }] } } },
        extras: { sweepVariant: { sweepId: 's', sweepName: '</table><script>x()</script>', index: 1, params: { '"><svg onload=alert(1)>': 5 } } },
      },
      equity,
      [{ ...trade, exitReason: oddReason('<iframe src="x">') }],
      context,
    );
    // Only the markup the report writes itself: no tag or attribute from the run's texts.
    expect(html).not.toMatch(/<script|<img|<iframe|<svg onload|<b>|<\/b>/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/table&gt;&lt;script&gt;x()&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;=5');
    expect(html.match(/<table/g)).toHaveLength(html.match(/<\/table>/g)!.length);
  });
});
