import { describe, expect, it } from 'vitest';
import type { InstrumentFigures, RunComparison } from '../../api/contract.js';
import { compareInstrumentRows } from './compare-instruments.js';

type Run = RunComparison['runs'][number];

const figures = (symbol: string, tradeCount: number, contributionPct: number): InstrumentFigures => ({
  symbol,
  bars: 100,
  warmUpBars: 0,
  tradeCount,
  winRatePct: tradeCount === 0 ? null : 50,
  realizedPnl: contributionPct * 100,
  unrealizedPnl: 0,
  contributionPct,
  exposurePct: 20,
  fees: 1,
  buyAndHoldReturnPct: 3,
  openPosition: null,
});
const run = (symbol: string, metrics: Partial<Run['metrics']> = {}): Run => ({ symbol, metrics: { tradeCount: 7, winRatePct: 40, totalReturnPct: -2, exposurePct: 60, ...metrics } }) as Run;

describe('compareInstrumentRows', () => {
  it('lists every instrument of the portfolio runs once, in first-seen order, with each run its figures or nothing', () => {
    const rows = compareInstrumentRows({
      runs: [run('A'), run('B')],
      instruments: [
        [figures('A', 3, 1.5), figures('B', 0, 0)],
        [figures('B', 4, -0.5), figures('C', 2, 2)],
      ],
    });
    expect(rows.map((r) => r.symbol)).toEqual(['A', 'B', 'C']);
    expect(rows[0]!.cells).toEqual([{ trades: 3, winRatePct: 50, contributionPct: 1.5, exposurePct: 20 }, null]);
    expect(rows[1]!.cells.map((c) => c?.trades)).toEqual([0, 4]);
    expect(rows[2]!.cells[0]).toBeNull();
  });

  it("puts a run of one instrument on its symbol's row with its own metrics", () => {
    const rows = compareInstrumentRows({ runs: [run('X'), run('B')], instruments: [[figures('B', 1, 1)], null] });
    expect(rows.map((r) => r.symbol)).toEqual(['B']);
    expect(rows[0]!.cells[1]).toEqual({ trades: 7, winRatePct: 40, contributionPct: -2, exposurePct: 60 });
  });

  it('is empty when no run is a portfolio run', () => {
    expect(compareInstrumentRows({ runs: [run('A'), run('B')], instruments: [null, null] })).toEqual([]);
  });
});
