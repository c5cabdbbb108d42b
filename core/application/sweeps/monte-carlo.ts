import type { RunId } from '../../domain/market/ids.js';
import { DomainError } from '../../domain/errors.js';
import { monteCarlo, type MonteCarloMethod, type MonteCarloResult } from '../../domain/optimize/monte-carlo.js';
import { MAX_MONTE_CARLO_STEPS } from './contract.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { RunStore } from '../runs/run-store.js';

export interface MonteCarloArgs {
  readonly runId: RunId;
  /** Default 1000. */
  readonly simulations?: number;
  /** Default 1. */
  readonly seed?: number;
  /** Default 'bootstrap'. */
  readonly method?: MonteCarloMethod;
  /** Drawdown depths (percent) to report the probability of exceeding; default 10, 20, 30, 50. */
  readonly drawdownThresholdsPct?: readonly number[];
}

/** What a Monte Carlo says beside the simulations: the run it resampled, and what it left out. */
export interface MonteCarloRunContext {
  readonly runId: RunId;
  /**
   * Unrealized PnL of the position the run left open after its last bar (null: flat at the
   * end). It is no closed trade, so it is not resampled; it is in the run's final equity.
   */
  readonly openPositionPnl: number | null;
  /** The run's own final equity (its metrics): closed trades + the open position, if any. */
  readonly runFinalEquity: number | null;
}

/**
 * Runs a seeded Monte Carlo over a stored run's closed trades (their PnL in exit order).
 * `original` compounds the same per-trade returns as the simulations in the run's order,
 * so it ends at initial cash + closed-trade PnL; the open position is reported apart.
 */
export function runMonteCarlo(runs: Pick<RunStore, 'get'>, args: MonteCarloArgs): MonteCarloResult & MonteCarloRunContext {
  const run = runs.get(args.runId);
  if (!run) throw new NotFoundError(`No run with id ${args.runId}`);
  const open = run.extras.openPosition;
  const openPositionPnl = open && Number.isFinite(open.unrealizedPnl) ? open.unrealizedPnl : null;
  const finalEquity = run.metrics['finalEquity'];
  const runFinalEquity = typeof finalEquity === 'number' && Number.isFinite(finalEquity) ? finalEquity : null;
  const simulations = args.simulations ?? 1000;
  if (simulations * run.trades.length > MAX_MONTE_CARLO_STEPS) {
    const most = Math.floor(MAX_MONTE_CARLO_STEPS / run.trades.length);
    throw new ValidationError(
      `${simulations.toLocaleString('en-US')} simulations of ${run.trades.length.toLocaleString('en-US')} trades is more than one Monte Carlo does ` +
        `(${MAX_MONTE_CARLO_STEPS.toLocaleString('en-US')} trade steps); run at most ${most.toLocaleString('en-US')} simulations on this run`,
      { simulations, trades: run.trades.length, maxSimulations: most },
    );
  }
  const pnls = run.trades.map((t, i) => {
    const pnl = t['pnl'];
    if (typeof pnl !== 'number' || !Number.isFinite(pnl)) throw new ValidationError(`Trade ${i} of run ${args.runId} has no numeric pnl`);
    return pnl;
  });
  try {
    const result = monteCarlo(pnls, {
      simulations,
      seed: args.seed ?? 1,
      method: args.method ?? 'bootstrap',
      initialCash: run.spec.initialCash,
      ...(args.drawdownThresholdsPct ? { drawdownThresholdsPct: args.drawdownThresholdsPct } : {}),
    });
    return { ...result, runId: args.runId, openPositionPnl, runFinalEquity };
  } catch (error) {
    if (error instanceof DomainError) {
      const openNote = pnls.length === 0 && open ? ': its one position is still open at the end of the data, and an open position is not a closed trade' : '';
      throw new ValidationError(`${error.message}${openNote}`);
    }
    throw error;
  }
}
