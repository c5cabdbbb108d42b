import { canonicalJson } from '../../domain/engine/run-hash.js';
import { strategyId, type StrategyId } from '../../domain/market/ids.js';
import { upgradeSpec } from '../../domain/strategy/spec-version.js';
import { MAX_CHART_POINTS } from '../contract/common.js';
import { CancelledError, NotFoundError, ValidationError } from '../errors.js';
import type { HandlerDeps } from '../handler-deps.js';
import type { ThroughputLog } from '../system/throughput-log.js';
import type { BacktestJobHandle } from './backtest-executor.js';
import type { BacktestHandlers, BacktestInterim, BacktestJobResult, SignalPreview } from './contract.js';
import { backtestRequest, previewRequest, type BacktestRequest } from './request.js';
import { runBacktest } from './run-backtest.js';

const DEFAULT_PREVIEW_SIGNALS = 5_000;

/**
 * The strategy a run is of and the spec it runs (its name included: the run hash is keyed
 * by it): the saved spec, or `shown`, the builder's spec with its unsaved edits. `edited`
 * when the spec run is not the saved one.
 */
function strategySpec(deps: HandlerDeps, id: string, shown: unknown): { id: StrategyId; name: string; spec: unknown; edited: boolean } {
  const stored = deps.strategyStore.get(strategyId(id));
  if (!stored) throw new NotFoundError(`No strategy ${id}`, { id });
  const saved = { ...stored.spec, name: stored.name };
  if (shown === undefined) return { id: stored.id, name: stored.name, spec: saved, edited: false };
  const edited = canonicalJson(upgradeSpec(shown)) !== canonicalJson(saved);
  const name = typeof (shown as { name?: unknown }).name === 'string' ? (shown as { name: string }).name : stored.name;
  return { id: stored.id, name, spec: shown, edited };
}

/** 'DEMO-BTC', or '10 instruments (demo-basket)' for a portfolio. */
function universeWords(request: BacktestRequest): string {
  const u = request.universe;
  if (!u) return request.instrument.symbol;
  return `${u.instruments.length} instrument${u.instruments.length === 1 ? '' : 's'}${u.tag === undefined ? '' : ` (${u.tag})`}`;
}

export function backtestHandlers(deps: HandlerDeps, throughput: ThroughputLog): BacktestHandlers {
  // The builder asks for a preview on every edit; only the newest one matters.
  let previewInFlight: BacktestJobHandle | null = null;
  // Likewise the Run screen's prepare, on every change of series or range.
  let prepareInFlight: BacktestJobHandle<{ readonly barCount: number }> | null = null;

  return {
    'backtest/start': async (args) => {
      const { spec: _shown, ...target } = args;
      const stored = strategySpec(deps, args.strategyId, args.spec);
      // Checked once, here: the UI hears of a spec that cannot run next to the button.
      const request = backtestRequest(deps.barStore, { ...target, spec: stored.spec });
      const job = deps.jobs.start({
        kind: 'backtest',
        title: `Backtest ${stored.name}${stored.edited ? ' (unsaved edits)' : ''} on ${universeWords(request)} ${args.timeframe}`,
        run: async (context) => {
          const startedAt = deps.clock();
          const result = await runBacktest(
            deps.backtests,
            request,
            { strategyId: stored.id, ...(stored.edited ? { extras: { unsavedEdits: true } } : {}) },
            {
              progress: (p) => context.progress({ done: p.done, total: p.total }),
              computed: ({ metrics, barCount, warmUp, tradeCount, firstTs, lastTs }) =>
                context.interim({ metrics, barCount, warmUp, tradeCount, firstTs, lastTs } satisfies BacktestInterim),
              onCancel: (listener) => context.onCancel(listener),
              priority: args.priority ?? 'background',
            },
          );
          throughput.recordBacktest(deps.clock(), result.barCount, deps.clock() - startedAt);
          deps.events.emit('data/changed', { kind: 'runs', ids: [result.run.id] });
          return result;
        },
        toResult: ({ run, barCount, warmUp, timings, computedInAdvance }): BacktestJobResult => ({ runId: run.id, hash: run.hash, barCount, warmUp, computedInAdvance, timings }),
        // A cancel that arrives while the run is being saved is too late: the run exists.
        doneWhenCompletedAfterCancel: true,
      });
      return { jobId: job.id };
    },

    'backtest/prepare': async (args) => {
      const { spec: _shown, ...target } = args;
      const stored = strategySpec(deps, args.strategyId, args.spec);
      let request;
      try {
        // As backtest/start checks it.
        request = backtestRequest(deps.barStore, { ...target, spec: stored.spec });
      } catch (error) {
        // A spec that would not run prepares nothing (Run says why); an unknown symbol is an error.
        if (error instanceof ValidationError) return { prepared: false, barCount: null };
        throw error;
      }
      prepareInFlight?.cancel();
      const handle = deps.backtests.prepare(request);
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
      const { maxPoints, ...target } = args;
      const request = previewRequest(deps.barStore, target);
      previewInFlight?.cancel();
      // The builder's chart waits on it while the user edits.
      const handle = deps.backtests.submit(request, { priority: 'interactive' });
      previewInFlight = handle;
      try {
        const outcome = await handle.result;
        const limit = Math.min(maxPoints ?? DEFAULT_PREVIEW_SIGNALS, MAX_CHART_POINTS);
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
