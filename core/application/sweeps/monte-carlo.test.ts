import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../domain/engine/types.js';
import { randomWalkBars } from '../../domain/indicators/random-walk.js';
import { runId } from '../../domain/market/ids.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { backtest } from '../../domain/test-kit/engine.js';
import { all, specOf, trig, v } from '../../domain/test-kit/specs.js';
import { ValidationError } from '../errors.js';
import type { RunDetail, RunStore } from '../runs/run-store.js';
import { MAX_MONTE_CARLO_STEPS } from './contract.js';
import { runMonteCarlo } from './monte-carlo.js';

const ID = runId('run-1');

/** A store holding one run made of an engine result, as the backtest worker saves it. */
function storeOf(spec: StrategySpec, result: BacktestResult): Pick<RunStore, 'get'> {
  const run = {
    id: ID,
    spec,
    trades: result.trades as unknown as RunDetail['trades'],
    metrics: result.metrics as unknown as RunDetail['metrics'],
    extras: { openPosition: result.openPosition },
  } as Partial<RunDetail> as RunDetail;
  return { get: (id) => (id === ID ? run : null) };
}

const fast = v('sma', { period: 5 });
const slow = v('sma', { period: 20 });
// Long and short on the cross, no exit: every cross reverses, so the run ends in a position.
const reversing = specOf({
  direction: 'both',
  entry: { long: all(trig(fast, 'crossesAbove', slow)), short: all(trig(fast, 'crossesBelow', slow)) },
  sizing: { kind: 'percentEquity', percent: 100 },
});

describe('Monte Carlo of a stored run', () => {
  const bars = randomWalkBars(3_000, 7);
  const result = backtest(reversing, bars, { instrument: { priceTick: 0.01, quantityStep: 0.0001 } });

  it('replays the closed trades in their order like the simulations, and states the open position it leaves out', () => {
    expect(result.trades.length).toBeGreaterThan(10);
    expect(result.openPosition).not.toBeNull();
    const closed = result.trades.reduce((sum, t) => sum + t.pnl, 0);
    const open = result.openPosition!.unrealizedPnl;

    const report = runMonteCarlo(storeOf(reversing, result), { runId: ID, simulations: 200, method: 'shuffle' });
    // The run's own order compounds the same per-trade returns as the simulations: every
    // shuffle of the same trades ends where it does (only the order differs).
    expect(report.original.finalEquity).toBeCloseTo(reversing.initialCash + closed, 6);
    expect(report.finalEquity.min).toBeCloseTo(report.original.finalEquity, 6);
    expect(report.finalEquity.max).toBeCloseTo(report.original.finalEquity, 6);
    // What it leaves out is said: the open position, and the run's own final equity with it.
    expect(report.openPositionPnl).toBe(open);
    expect(report.runFinalEquity).toBe(result.metrics.finalEquity);
    expect(report.original.finalEquity + report.openPositionPnl!).toBeCloseTo(report.runFinalEquity!, 6);
  });

  it('says why a run with only an open position has nothing to resample', () => {
    const hold = specOf({ entry: { long: all(trig(v('close'), '>', 0)) }, sizing: { kind: 'percentEquity', percent: 100 } });
    const held = backtest(hold, bars, { instrument: { priceTick: 0.01, quantityStep: 0.0001 } });
    expect(held.trades).toHaveLength(0);
    expect(held.openPosition).not.toBeNull();
    expect(() => runMonteCarlo(storeOf(hold, held), { runId: ID })).toThrow(ValidationError);
    expect(() => runMonteCarlo(storeOf(hold, held), { runId: ID })).toThrow(/no closed trades to resample: its one position is still open at the end of the data/);
  });

  it('refuses more trade steps than one Monte Carlo does, saying how many simulations this run may have', () => {
    const trades = result.trades.length;
    const most = Math.floor(MAX_MONTE_CARLO_STEPS / trades);
    const store = storeOf(reversing, result);
    expect(() => runMonteCarlo(store, { runId: ID, simulations: most + 1 })).toThrow(
      new RegExp(`${(most + 1).toLocaleString('en-US')} simulations of ${trades} trades is more than one Monte Carlo does \\(500,000,000 trade steps\\); run at most ${most.toLocaleString('en-US')} simulations on this run`),
    );
  });
});
