import type { RunId } from '../../domain/market/ids.js';
import { DomainError } from '../../domain/errors.js';
import { monteCarlo, type MonteCarloMethod, type MonteCarloResult } from '../../domain/optimize/monte-carlo.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { RunStore } from '../ports/run-store.js';

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

/** Runs a seeded Monte Carlo over a stored run's closed trades (their PnL in exit order). */
export function runMonteCarlo(runs: RunStore, args: MonteCarloArgs): MonteCarloResult & { readonly runId: RunId } {
  const run = runs.get(args.runId);
  if (!run) throw new NotFoundError(`No run with id ${args.runId}`);
  const pnls = run.trades.map((t, i) => {
    const pnl = t['pnl'];
    if (typeof pnl !== 'number' || !Number.isFinite(pnl)) throw new ValidationError(`Trade ${i} of run ${args.runId} has no numeric pnl`);
    return pnl;
  });
  try {
    const result = monteCarlo(pnls, {
      simulations: args.simulations ?? 1000,
      seed: args.seed ?? 1,
      method: args.method ?? 'bootstrap',
      initialCash: run.spec.initialCash,
      ...(args.drawdownThresholdsPct ? { drawdownThresholdsPct: args.drawdownThresholdsPct } : {}),
    });
    return { ...result, runId: args.runId };
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message);
    throw error;
  }
}
