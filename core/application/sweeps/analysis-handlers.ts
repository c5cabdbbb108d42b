import { jobId as toJobId } from '../../domain/market/ids.js';
import type { SweepHandlers, WalkForwardReport } from './contract.js';
import { MAX_WALK_FORWARD_POINTS } from './contract.js';
import { runWalkForward, type WalkForwardResult } from './walk-forward.js';
import { minMaxIndices } from '../charts/downsample.js';
import type { HandlerDeps } from '../handler-deps.js';
import { toRunSweepArgs } from './sweep-args.js';
import { instrumentsWords, sweepInstruments } from './sweep-instruments.js';
import { evaluatorFor } from './sweep-target.js';

/** The walk-forward result on the wire: metrics as records, stitched equity min/max-downsampled. */
export function toWalkForwardReport(result: WalkForwardResult, timeframe: WalkForwardReport['timeframe'], maxPoints: number): WalkForwardReport {
  const { ts, equity } = result.equity;
  const picked = minMaxIndices(equity, 0, equity.length, maxPoints);
  return {
    symbol: result.symbol,
    symbols: result.symbols,
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
    windowsPlanned: result.windowsPlanned,
  };
}

/** Walk-forward (a job on the sweep workers) and Monte Carlo (seeded, on a stored run). */
export function analysisHandlers(deps: HandlerDeps): Pick<SweepHandlers, 'walkforward/start' | 'montecarlo/run'> {
  return {
    'walkforward/start': async (args) => {
      const { schedule, maxPoints, target, ...sweepArgs } = args;
      const runArgs = toRunSweepArgs(sweepArgs);
      // Checked here too: an unknown symbol or tag is answered at once, not as a failed job.
      const instruments = sweepInstruments(deps.barStore, runArgs.source, runArgs);
      const evaluator = evaluatorFor(deps, target, instruments.universe !== null);
      const job = deps.jobs.start({
        kind: 'walkforward',
        title: `Walk-forward ${runArgs.source.kind === 'template' ? runArgs.source.templateId : runArgs.source.spec.name} on ${instrumentsWords(instruments)} ${args.timeframe}`,
        run: (context) =>
          runWalkForward(
            { bars: deps.barStore, evaluator, executor: deps.backtests, clock: deps.clock, yieldNow: deps.yieldNow, key: `wf-${context.jobId}` },
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
              // The windows finished so far stay with the job if the app stops.
              onWindow: (partial) => context.checkpoint(toWalkForwardReport(partial, args.timeframe, maxPoints ?? MAX_WALK_FORWARD_POINTS)),
            },
          ),
        toResult: (result) => toWalkForwardReport(result, args.timeframe, maxPoints ?? MAX_WALK_FORWARD_POINTS),
      });
      return { jobId: toJobId(job.id) };
    },

    // Seconds of work for a big run: in the analysis worker.
    'montecarlo/run': async (args) => deps.analysis.monteCarlo(args),
  };
}
