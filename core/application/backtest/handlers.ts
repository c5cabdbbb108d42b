import type { BacktestJobHandle, BacktestRequest } from './backtest-executor.js';
import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { runBacktest } from './run-backtest.js';
import { MAX_CHART_POINTS } from '../contract/common.js';
import type { BacktestHandlers, BacktestInterim, BacktestJobResult, SignalPreview } from './contract.js';
import { CancelledError, NotFoundError, ValidationError } from '../errors.js';
import { strategyId, type StrategyId } from '../../domain/market/ids.js';
import { checkSpec, requireRunnableSpec } from '../strategies/strategy-service.js';
import { requireInstrument } from '../data/handlers.js';
import type { HandlerDeps } from '../handler-deps.js';
import type { ThroughputLog } from '../system/throughput-log.js';

const DEFAULT_PREVIEW_SIGNALS = 5_000;

/** A saved strategy and the spec a run of it gets (its name included: the run hash is keyed by it). */
function savedStrategySpec(deps: HandlerDeps, id: string): { id: StrategyId; name: string; spec: unknown } {
  const stored = deps.strategyStore.get(strategyId(id));
  if (!stored) throw new NotFoundError(`No strategy ${id}`, { id });
  return { id: stored.id, name: stored.name, spec: { ...stored.spec, name: stored.name } };
}

/** The request for one instrument over the optional [fromTs, toTs) range of the call. */
function rangeRequest(instrument: Instrument, args: { timeframe: Timeframe; fromTs?: number; toTs?: number }, spec: StrategySpec): BacktestRequest {
  return {
    instrumentId: instrument.id,
    timeframe: args.timeframe,
    spec,
    ...(args.fromTs === undefined ? {} : { fromTs: args.fromTs }),
    ...(args.toTs === undefined ? {} : { toTs: args.toTs }),
  };
}

export function backtestHandlers(deps: HandlerDeps, throughput: ThroughputLog): BacktestHandlers {
  // The builder asks for a preview on every edit; only the newest one matters.
  let previewInFlight: BacktestJobHandle | null = null;
  // Likewise the Run screen's prepare, on every change of series or range.
  let prepareInFlight: BacktestJobHandle<{ readonly barCount: number }> | null = null;

  return {
    'backtest/start': async (args) => {
      const stored = savedStrategySpec(deps, args.strategyId);
      const spec = stored.spec;
      // Refuse at once what the job would refuse, so the UI shows it next to the button.
      requireRunnableSpec(spec, args.timeframe);
      requireInstrument(deps.barStore, args.symbol);
      const job = deps.jobs.start({
        kind: 'backtest',
        title: `Backtest ${stored.name} on ${args.symbol} ${args.timeframe}`,
        run: async (context) => {
          const startedAt = deps.clock();
          const result = await runBacktest(
            { bars: deps.barStore, executor: deps.backtests },
            {
              spec,
              symbol: args.symbol,
              timeframe: args.timeframe,
              strategyId: stored.id,
              ...(args.fromTs === undefined ? {} : { fromTs: args.fromTs }),
              ...(args.toTs === undefined ? {} : { toTs: args.toTs }),
            },
            {
              progress: (p) => context.progress({ done: p.done, total: p.total }),
              computed: ({ metrics, barCount, warmUp, tradeCount, firstTs, lastTs }) =>
                context.interim({ metrics, barCount, warmUp, tradeCount, firstTs, lastTs } satisfies BacktestInterim),
              onCancel: (listener) => context.onCancel(listener),
              priority: args.priority ?? 'background',
            },
          );
          throughput.recordBacktest(deps.clock(), result.barCount, deps.clock() - startedAt);
          deps.events.emit('data/changed', { kind: 'runs', ids: [result.runId] });
          return result;
        },
        toResult: ({ runId, hash, barCount, warmUp, timings, computedInAdvance }): BacktestJobResult => ({ runId, hash, barCount, warmUp, computedInAdvance, timings }),
        // A cancel that arrives while the run is being saved is too late: the run exists.
        doneWhenCompletedAfterCancel: true,
      });
      return { jobId: job.id };
    },

    'backtest/prepare': async (args) => {
      const stored = savedStrategySpec(deps, args.strategyId);
      const instrument = requireInstrument(deps.barStore, args.symbol);
      let spec;
      try {
        // As backtest/start hands it on (runBacktest checks it the same way).
        spec = requireRunnableSpec(stored.spec, args.timeframe);
      } catch (error) {
        if (error instanceof ValidationError) return { prepared: false, barCount: null };
        throw error;
      }
      prepareInFlight?.cancel();
      const handle = deps.backtests.prepare(rangeRequest(instrument, args, spec));
      prepareInFlight = handle;
      try {
        return { prepared: true, barCount: (await handle.result).barCount };
      } catch (error) {
        if (error instanceof CancelledError) return { prepared: false, barCount: null };
        throw error;
      } finally {
        if (prepareInFlight === handle) prepareInFlight = null;
      }
    },

    'backtest/preview': async (args) => {
      const check = checkSpec(args.spec, args.timeframe);
      if (!check.spec || check.errors.length > 0) {
        throw new ValidationError('The strategy has errors; fix them to see its signals', { problems: check.errors });
      }
      const instrument = requireInstrument(deps.barStore, args.symbol);
      previewInFlight?.cancel();
      // The builder's chart waits on it while the user edits.
      const handle = deps.backtests.submit(rangeRequest(instrument, args, check.spec), { priority: 'interactive' });
      previewInFlight = handle;
      try {
        const outcome = await handle.result;
        const limit = Math.min(args.maxPoints ?? DEFAULT_PREVIEW_SIGNALS, MAX_CHART_POINTS);
        const markers = outcome.result.markers;
        const shown = markers.slice(0, limit);
        const preview: SignalPreview = {
          ts: shown.map((m) => m.ts),
          price: shown.map((m) => m.price),
          kind: shown.map((m) => m.kind),
          total: markers.length,
          truncated: markers.length > shown.length,
          barsScanned: outcome.barCount,
        };
        return preview;
      } finally {
        if (previewInFlight === handle) previewInFlight = null;
      }
    },
  };
}
