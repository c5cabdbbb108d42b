import { jobId as toJobId, runId as toRunId } from '../../domain/market/ids.js';
import type { Distribution } from '../../domain/optimize/monte-carlo.js';
import type { Histogram, MonteCarloDistribution, SweepHandlers, WalkForwardReport } from './contract.js';
import { MAX_WALK_FORWARD_POINTS } from './contract.js';
import { runMonteCarlo } from './monte-carlo.js';
import { runWalkForward, type WalkForwardResult } from './walk-forward.js';
import { minMaxIndices } from '../charts/downsample.js';
import { requireInstrument } from '../data/instruments.js';
import type { HandlerDeps } from '../handler-deps.js';
import { toRunSweepArgs } from './sweep-args.js';

const DEFAULT_BINS = 40;
const DEFAULT_SIMULATIONS = 1000;

/** Equal-width histogram of ascending values over [first, last]; all in one bin when they are equal. */
export function histogram(sorted: ArrayLike<number>, bins: number): Histogram {
  const n = sorted.length;
  if (n === 0) return { edges: [], counts: [] };
  const lo = sorted[0]!;
  const hi = sorted[n - 1]!;
  const width = (hi - lo) / bins;
  const edges: number[] = [];
  for (let b = 0; b <= bins; b++) edges.push(b === bins ? hi : lo + b * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const b = width > 0 ? Math.min(bins - 1, Math.floor((sorted[i]! - lo) / width)) : bins - 1;
    counts[b]!++;
  }
  return { edges, counts };
}

function toDistribution(d: Distribution, bins: number): MonteCarloDistribution {
  return { mean: d.mean, min: d.min, max: d.max, percentiles: { ...d.percentiles }, histogram: histogram(d.sorted, bins) };
}

/** The walk-forward result on the wire: metrics as records, stitched equity min/max-downsampled. */
export function toWalkForwardReport(result: WalkForwardResult, symbol: string, timeframe: WalkForwardReport['timeframe'], maxPoints: number): WalkForwardReport {
  const { ts, equity } = result.equity;
  const picked = minMaxIndices(equity, 0, equity.length, maxPoints);
  return {
    symbol,
    timeframe,
    windows: result.windows.map((w) => ({
      index: w.index,
      inSample: w.inSample,
      outOfSample: w.outOfSample,
      bestParams: w.bestParams,
      bestEligible: w.bestEligible,
      fallback: w.fallback,
      outOfSampleOpenPosition: w.outOfSampleOpenPosition,
      inSampleMetrics: w.inSampleMetrics,
      outOfSampleMetrics: w.outOfSampleMetrics,
      efficiency: w.efficiency,
      counts: w.counts,
      outOfSampleBars: w.outOfSampleBars.count,
    })),
    equity: { ts: picked.map((i) => ts[i]!), equity: picked.map((i) => equity[i]!), sourcePoints: equity.length, downsampled: picked.length < equity.length },
    metrics: result.metrics,
    inSampleAnnualizedReturnPct: result.inSampleAnnualizedReturnPct,
    efficiency: result.efficiency,
    cancelled: result.cancelled,
  };
}

/** Walk-forward (a job on the sweep workers) and Monte Carlo (seeded, on a stored run). */
export function analysisHandlers(deps: HandlerDeps): Pick<SweepHandlers, 'walkforward/start' | 'montecarlo/run'> {
  return {
    'walkforward/start': async (args) => {
      const { schedule, maxPoints, ...sweepArgs } = args;
      const runArgs = toRunSweepArgs(sweepArgs);
      requireInstrument(deps.barStore, args.symbol);
      const job = deps.jobs.start({
        kind: 'sweep',
        title: `Walk-forward ${runArgs.source.kind === 'template' ? runArgs.source.templateId : runArgs.source.spec.name} on ${args.symbol} ${args.timeframe}`,
        run: (context) =>
          runWalkForward(
            { bars: deps.barStore, evaluator: deps.evaluator, executor: deps.backtests, clock: deps.clock },
            {
              ...runArgs,
              schedule: {
                inSampleMs: schedule.inSampleMs,
                outOfSampleMs: schedule.outOfSampleMs,
                anchored: schedule.anchored,
                ...(schedule.stepMs === undefined ? {} : { stepMs: schedule.stepMs }),
              },
            },
            {
              // Windows run one after another: done/total count windows, the message the variants of this one.
              progress: (p) => context.progress({ done: p.window, total: p.windows, message: `window ${p.window + 1} of ${p.windows}: ${p.done}/${p.total} variants` }),
              cancel: { isCancelled: () => context.isCancelled(), onCancel: (listener) => context.onCancel(listener) },
            },
          ),
        toResult: (result) => toWalkForwardReport(result, args.symbol, args.timeframe, maxPoints ?? MAX_WALK_FORWARD_POINTS),
      });
      return { jobId: toJobId(job.id) };
    },

    'montecarlo/run': async (args) => {
      const bins = args.bins ?? DEFAULT_BINS;
      const result = runMonteCarlo(deps.runStore, {
        runId: toRunId(args.runId),
        simulations: args.simulations ?? DEFAULT_SIMULATIONS,
        ...(args.seed === undefined ? {} : { seed: args.seed }),
        ...(args.method === undefined ? {} : { method: args.method }),
        ...(args.drawdownThresholdsPct === undefined ? {} : { drawdownThresholdsPct: args.drawdownThresholdsPct }),
      });
      return {
        runId: result.runId,
        method: result.method,
        simulations: result.simulations,
        seed: result.seed,
        trades: result.trades,
        original: result.original,
        openPositionPnl: result.openPositionPnl,
        runFinalEquity: result.runFinalEquity,
        finalEquity: toDistribution(result.finalEquity, bins),
        maxDrawdownPct: toDistribution(result.maxDrawdownPct, bins),
        probabilityOfLossPct: result.probabilityOfLossPct,
        drawdownExceedance: result.drawdownExceedance,
      };
    },
  };
}
