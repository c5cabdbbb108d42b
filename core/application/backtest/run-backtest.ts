import type { StrategyId } from '../../domain/market/ids.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import type { Trade } from '../../domain/engine/types.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import { NotFoundError } from '../errors.js';
import type { BarStore } from '../ports/bar-store.js';
import type { RunStore, RunSummary } from '../ports/run-store.js';
import { requireRunnableSpec } from '../strategy/strategy-service.js';
import type { BacktestExecutor, BacktestProgress } from './backtest-executor.js';

export interface RunBacktestDeps {
  readonly bars: Pick<BarStore, 'findInstrument'>;
  readonly executor: BacktestExecutor;
  readonly runs: RunStore;
}

export interface RunBacktestArgs {
  /** The spec as JSON (parsed and validated here) or an already typed spec. */
  readonly spec: unknown;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly magnifier?: boolean;
  /** Overrides the instrument's quantity step for this run. */
  readonly quantityStep?: number;
  readonly strategyId?: StrategyId | null;
}

/** Cancel and progress hooks, shaped like the job registry's JobContext. */
export interface RunBacktestControl {
  progress?(progress: BacktestProgress): void;
  /** Registers a listener called once on cancel; returns an unsubscribe. */
  onCancel?(listener: () => void): () => void;
  readonly timeoutMs?: number;
}

export interface BacktestRunResult {
  readonly run: RunSummary;
  readonly runId: RunSummary['id'];
  readonly hash: string;
  readonly metrics: BacktestMetrics;
  readonly trades: readonly Trade[];
  readonly equity: Float64Array;
  readonly ts: Float64Array;
  readonly openPosition: unknown;
}

/**
 * Runs a backtest and persists it: validates the spec (errors and unaccepted warnings
 * block with a ValidationError listing them), resolves the instrument, executes on the
 * executor (a worker pool) and saves the run with its hash, metrics, trades and equity.
 */
export async function runBacktest(deps: RunBacktestDeps, args: RunBacktestArgs, control: RunBacktestControl = {}): Promise<BacktestRunResult> {
  const spec: StrategySpec = requireRunnableSpec(args.spec, args.timeframe);
  const instrument = deps.bars.findInstrument(args.symbol);
  if (!instrument) throw new NotFoundError(`No instrument with symbol "${args.symbol}"; import its bars first`);
  const job = deps.executor.submit(
    {
      instrumentId: instrument.id,
      timeframe: args.timeframe,
      spec,
      ...(args.fromTs === undefined ? {} : { fromTs: args.fromTs }),
      ...(args.toTs === undefined ? {} : { toTs: args.toTs }),
      ...(args.magnifier === undefined ? {} : { magnifier: args.magnifier }),
      ...(args.quantityStep === undefined ? {} : { quantityStep: args.quantityStep }),
    },
    {
      ...(control.progress ? { onProgress: (p: BacktestProgress) => control.progress?.(p) } : {}),
      ...(control.timeoutMs === undefined ? {} : { timeoutMs: control.timeoutMs }),
    },
  );
  const unsubscribe = control.onCancel?.(() => job.cancel());
  try {
    const outcome = await job.result;
    if (outcome.barCount === 0) {
      throw new NotFoundError(`No ${args.timeframe} bars of ${args.symbol} in the requested range`);
    }
    const { result } = outcome;
    const run = deps.runs.save({
      name: spec.name,
      strategyId: args.strategyId ?? null,
      spec,
      instrumentId: instrument.id,
      symbol: instrument.symbol,
      timeframe: args.timeframe,
      fromTs: args.fromTs ?? null,
      toTs: args.toTs ?? null,
      barCount: outcome.barCount,
      engineVersion: outcome.engineVersion,
      hash: outcome.hash,
      metrics: result.metrics as unknown as Readonly<Record<string, number | null>>,
      trades: result.trades as unknown as readonly Readonly<Record<string, unknown>>[],
      equity: { ts: outcome.ts, equity: result.equity },
      status: 'completed',
      extras: {
        openPosition: result.openPosition,
        barsOrigin: outcome.barsOrigin,
        magnifierUsed: outcome.magnifierUsed,
        firstTs: outcome.firstTs,
        lastTs: outcome.lastTs,
      },
    });
    return {
      run,
      runId: run.id,
      hash: outcome.hash,
      metrics: result.metrics,
      trades: result.trades,
      equity: result.equity,
      ts: outcome.ts,
      openPosition: result.openPosition,
    };
  } finally {
    unsubscribe?.();
  }
}
