import { createBacktest } from '../../domain/engine/backtest.js';
import { canonicalJson, hashRunInputsByColumn, type HashedColumns } from '../../domain/engine/run-hash.js';
import type { BacktestResult } from '../../domain/engine/types.js';
import { warmUpBarsFor } from '../../domain/engine/warm-up.js';
import { BAR_FIELDS, type BarColumns } from '../../domain/market/bars.js';
import type { BacktestState, ExecutedRun, PortfolioBarFeed, RunBarSource, RunControl } from './execute-run.js';
import { cancellable, eachWindow } from './feed-windows.js';
import type { BacktestRequest } from './request.js';

/**
 * Runs that would read more stored bars than this stream (about two years of minutes,
 * counting the 1-minute bars a resampled timeframe or the magnifier reads); shorter ones
 * are read whole, through the bar and indicator caches that make a trader's next run of
 * the same range take milliseconds. The whole path holds ~140 bytes a bar (bars,
 * indicator arrays, equity), so this caps it near 140 MB; past it a run holds one window
 * of bars and the outputs that are its result (equity and bar times: 16 bytes a bar).
 */
export const STREAM_ABOVE_BARS = 1_000_000;

/** True when `request` reads more stored bars than `streamAbove` (see STREAM_ABOVE_BARS). */
export function streams(bars: RunBarSource, request: BacktestRequest, streamAbove = STREAM_ABOVE_BARS): boolean {
  const { instrument, timeframe, fromTs, toTs } = request;
  return bars.barsToRead({ instrument, timeframe, fromTs, toTs }, magnifierAsked(request)) > streamAbove;
}

/** A single run's bars as a feed of windows (a portfolio of one), or null when the run is short enough to read whole. */
export function streamedFeed(bars: RunBarSource, request: BacktestRequest, streamAbove = STREAM_ABOVE_BARS): PortfolioBarFeed | null {
  if (!streams(bars, request, streamAbove)) return null;
  const { instrument, timeframe, spec, fromTs, toTs } = request;
  return bars.portfolio({ instruments: [instrument], timeframe, fromTs, toTs, warmUpBars: warmUpBarsFor(spec, timeframe), magnifier: magnifierAsked(request) });
}

function magnifierAsked(request: BacktestRequest): boolean {
  return request.magnifier !== false && request.timeframe !== '1m';
}

/**
 * The run use case of a single long run: the feed's windows go through the engine one
 * at a time (indicators computed by the engine's streaming kernels, no whole-run arrays),
 * the bars' times are copied into one array that the engine's chunks view (it is the
 * equity curve's x axis), and every bar read is appended to a scratch outside memory for
 * the run hash, which reads the series column after column (see hashRunInputsByColumn)
 * once the run is done. The same result, bit for bit, and the same hash as the whole
 * path (tests check both).
 */
export function executeStreamedRun(state: BacktestState, bars: RunBarSource, feed: PortfolioBarFeed, request: BacktestRequest, control: RunControl, started: number): ExecutedRun {
  const { spec, timeframe } = request;
  const instrument = { priceTick: request.instrument.priceTick, quantityStep: request.instrument.quantityStep };
  const magnifier = magnifierAsked(request);
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
      // What a run stores (no drawdown array: derived from the equity where it is shown).
      keep: 'equity',
      outputs: { equity: new Float64Array(capacity) },
      shouldCancel: control.shouldCancel,
      ...(control.onProgress ? { onProgress: control.onProgress } : {}),
    },
    capacity,
  );
  // Columns 0-5: the bars (warm-up first); 6-11: the 1-minute bars of the magnifier.
  const scratch = bars.scratch(2 * BAR_FIELDS.length);
  try {
    let n = 0;
    let minuteBars = 0;
    const keep = (bars: BarColumns, first: number): void => BAR_FIELDS.forEach((field, f) => scratch.append(first + f, bars[field]));
    const engineStarted = control.now();
    let readMs = 0;
    const run = (): BacktestResult => {
      keep(warmUp, 0);
      session.onChunk(warmUp);
      readMs = eachWindow(feed, control.now, (window) => {
        const bars = window.bars[0]!;
        const minutes = window.magnifierBars?.[0] ?? null;
        const len = bars.ts.length;
        if (len === 0) return;
        if (n + len > runTs.length) runTs = regrow(runTs, n, n + len);
        runTs.set(bars.ts, n);
        keep(bars, 0);
        if (minutes) {
          keep(minutes, BAR_FIELDS.length);
          minuteBars += minutes.ts.length;
        }
        // The window's arrays are reused by the next one; its times live on in runTs.
        session.onChunk({ ...bars, ts: runTs.subarray(n, n + len) }, minutes ?? undefined);
        n += len;
      });
      return session.finish();
    };
    const result = cancellable(() => (control.engine ? control.engine(run) : run()));
    const finished = control.now();
    const magnifierUsed = minuteBars > 0;
    const warmUpBars = warmUp.ts.length;
    const key = `stream|${feed.keys[0]}|${warmUpBars}|${instrument.priceTick}|${instrument.quantityStep}|${magnifierUsed}|${canonicalJson(spec)}`;
    // Taken now, not when saved (as the whole path does): the scratch is removed on the way out.
    let hash = state.hashes.get(key);
    if (hash === undefined) {
      const columns = (count: number, first: number): HashedColumns => ({ count, column: (field) => scratch.read(first + BAR_FIELDS.indexOf(field)) });
      hash = hashRunInputsByColumn(
        { spec, instrument, timeframe, warmUpBars, magnifier: magnifierUsed },
        columns(warmUpBars + n, 0),
        magnifierUsed ? columns(minuteBars, BAR_FIELDS.length) : null,
      );
      state.rememberHash(key, hash);
    }
    const runHash = hash;
    return {
      request,
      result,
      runTs: runTs.subarray(0, n),
      barsOrigin: feed.origin,
      magnifierUsed,
      barsFromCache: false,
      warmUp: { bars: warmUpBars, needed: warmUpBarsFor(spec, timeframe) },
      hash: () => runHash,
      indicatorsFromCache: 0,
      computedInAdvance: false,
      started,
      loadMs: engineStarted - started + readMs,
      engineMs: finished - engineStarted - readMs,
    };
  } finally {
    scratch.close();
  }
}

function regrow(a: Float64Array, used: number, needed: number): Float64Array {
  const out = new Float64Array(Math.max(needed, Math.ceil(a.length * 1.25)));
  out.set(a.subarray(0, used));
  return out;
}
