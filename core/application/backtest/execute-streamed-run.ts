import { createBacktest } from '../../domain/engine/backtest.js';
import { canonicalJson, hashRunInputsByColumn, type HashedColumns } from '../../domain/engine/run-hash.js';
import { isBacktestCancelled, type BacktestResult } from '../../domain/engine/types.js';
import { warmUpBarsFor } from '../../domain/engine/warm-up.js';
import type { BarColumns } from '../../domain/market/bars.js';
import { CancelledError } from '../errors.js';
import type { BacktestState, ExecutedRun, PortfolioBarFeed, PortfolioWindow, RunBarSource, RunControl } from './execute-run.js';
import type { BacktestRequest } from './request.js';

/**
 * Runs of more bars than this stream (about two years of minutes); shorter ones are read
 * whole, through the bar and indicator caches that make a trader's next run of the same
 * range take milliseconds. The whole path holds ~150 bytes a bar (bars, indicator arrays,
 * equity and drawdown), so this caps it near 150 MB; past it a run holds one window of
 * bars and the outputs that are its result (equity, drawdown, bar times: 24 bytes a bar).
 */
export const STREAM_ABOVE_BARS = 1_000_000;

/** A single run's bars as a feed of windows (a portfolio of one), or null when the run is short enough to read whole. */
export function streamedFeed(bars: RunBarSource, request: BacktestRequest, streamAbove = STREAM_ABOVE_BARS): PortfolioBarFeed | null {
  const { instrument, timeframe, spec } = request;
  const feed = bars.portfolio({
    instruments: [instrument],
    timeframe,
    fromTs: request.fromTs,
    toTs: request.toTs,
    warmUpBars: warmUpBarsFor(spec, timeframe),
    magnifier: request.magnifier !== false && timeframe !== '1m',
  });
  return feed.barsEstimate > streamAbove ? feed : null;
}

/**
 * The run use case of a single long run: the feed's windows go through the engine one
 * at a time (indicators computed by the engine's streaming kernels, no whole-run arrays),
 * the bars' times are copied into one array that the engine's chunks view (it is the
 * equity curve's x axis), and the run hash re-reads the series column by column after
 * the run (its hash chains the columns, see hashRunInputsByColumn). The same result, bit
 * for bit, and the same hash as the whole path (tests check both).
 */
export function executeStreamedRun(state: BacktestState, feed: PortfolioBarFeed, request: BacktestRequest, control: RunControl, started: number): ExecutedRun {
  const { spec, timeframe } = request;
  const instrument = { priceTick: request.instrument.priceTick, quantityStep: request.instrument.quantityStep };
  const magnifier = request.magnifier !== false && timeframe !== '1m';
  const warmUp = feed.warmUp[0]!;
  control.checkpoint();
  // barsEstimate counts whole chunks overlapping the range: at least the run's bars, so the outputs are not regrown.
  const capacity = feed.barsEstimate;
  let runTs: Float64Array = new Float64Array(capacity);
  const session = createBacktest(
    {
      spec,
      instrument,
      timeframe,
      magnifier,
      warmUpBars: warmUp.ts.length,
      outputs: { equity: new Float64Array(capacity), drawdownPct: new Float64Array(capacity) },
      shouldCancel: control.shouldCancel,
      ...(control.onProgress ? { onProgress: control.onProgress } : {}),
    },
    capacity,
  );
  let n = 0;
  let minuteBars = 0;
  let readMs = 0;
  let result: BacktestResult;
  const engineStarted = control.now();
  try {
    const run = (): BacktestResult => {
      session.onChunk(warmUp);
      const windows = feed.windows({ reuse: true })[Symbol.iterator]();
      try {
        for (;;) {
          const before = control.now();
          const next = windows.next();
          readMs += control.now() - before;
          if (next.done) break;
          const bars = next.value.bars[0]!;
          const minutes = next.value.magnifierBars?.[0] ?? null;
          const len = bars.ts.length;
          if (len === 0) continue;
          if (n + len > runTs.length) runTs = regrow(runTs, n, n + len);
          runTs.set(bars.ts, n);
          if (minutes) minuteBars += minutes.ts.length;
          // The window's arrays are reused by the next one; its times live on in runTs.
          session.onChunk({ ...bars, ts: runTs.subarray(n, n + len) }, minutes ?? undefined);
          n += len;
        }
      } finally {
        // Ends the feed's read when the engine stopped early.
        windows.return?.();
      }
      return session.finish();
    };
    result = control.engine ? control.engine(run) : run();
  } catch (error) {
    if (isBacktestCancelled(error)) throw new CancelledError(error instanceof Error ? error.message : 'Cancelled');
    throw error;
  }
  const finished = control.now();
  const magnifierUsed = minuteBars > 0;
  const warmUpBars = warmUp.ts.length;
  const key = `stream|${feed.keys[0]}|${warmUpBars}|${instrument.priceTick}|${instrument.quantityStep}|${magnifierUsed}|${canonicalJson(spec)}`;
  let hash: string | undefined;
  return {
    request,
    result,
    runTs: runTs.subarray(0, n),
    barsOrigin: feed.origin,
    magnifierUsed,
    barsFromCache: false,
    warmUp: { bars: warmUpBars, needed: warmUpBarsFor(spec, timeframe) },
    hash: () => {
      hash ??= state.hashes.get(key);
      if (hash === undefined) {
        const bars = feedColumns(feed, warmUpBars + n, (w) => w.bars[0]!, warmUp);
        const minutes = magnifierUsed ? feedColumns(feed, minuteBars, (w) => w.magnifierBars?.[0] ?? null, null) : null;
        hash = hashRunInputsByColumn({ spec, instrument, timeframe, warmUpBars, magnifier: magnifierUsed }, bars, minutes);
        state.rememberHash(key, hash);
      }
      return hash;
    },
    indicatorsFromCache: 0,
    computedInAdvance: false,
    started,
    loadMs: engineStarted - started + readMs,
    engineMs: finished - engineStarted - readMs,
  };
}

/** One series of the feed as the run hash reads it: a pass over the windows per column (each read again; nothing held). */
function feedColumns(feed: PortfolioBarFeed, count: number, pick: (window: PortfolioWindow) => BarColumns | null, first: BarColumns | null): HashedColumns {
  return {
    count,
    *column(field) {
      if (first) yield first[field];
      for (const window of feed.windows({ reuse: true })) {
        const bars = pick(window);
        if (bars) yield bars[field];
      }
    },
  };
}

function regrow(a: Float64Array, used: number, needed: number): Float64Array {
  const out = new Float64Array(Math.max(needed, Math.ceil(a.length * 1.25)));
  out.set(a.subarray(0, used));
  return out;
}
