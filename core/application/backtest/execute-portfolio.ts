import { createPortfolioBacktest, type PortfolioResult } from '../../domain/engine/portfolio.js';
import { hashPortfolioInputs, SeriesHasher, type PortfolioHashMember } from '../../domain/engine/run-hash.js';
import { warmUpBarsFor } from '../../domain/engine/warm-up.js';
import type { BacktestState, ExecutedRun, RunBarSource, RunControl } from './execute-run.js';
import { cancellable, eachWindow } from './feed-windows.js';
import type { BacktestRequest } from './request.js';

/** Series hashes kept per executing side (one per instrument of recent universes). */
const MAX_SERIES_HASHES = 2048;

/**
 * The run use case of a portfolio (request.universe): the feed streams every
 * instrument's bars window by window through the portfolio engine (memory stays flat
 * however long the run), each instrument's series is hashed as it passes (or its hash
 * taken from the state, when those bars were hashed before), and the run hash covers
 * every series used. The indicators stream in the engine (no whole-run arrays).
 */
export function executePortfolioRun(state: BacktestState, bars: RunBarSource, request: BacktestRequest, control: RunControl): ExecutedRun {
  const started = control.now();
  const universe = request.universe!;
  const { spec, timeframe } = request;
  const warmUpNeeded = warmUpBarsFor(spec, timeframe);
  const magnifier = request.magnifier !== false && timeframe !== '1m';
  const feed = bars.portfolio({ instruments: universe.instruments, timeframe, fromTs: request.fromTs, toTs: request.toTs, warmUpBars: warmUpNeeded, magnifier });
  control.checkpoint();
  const count = universe.instruments.length;
  const warmUpBars = feed.warmUp.map((b) => b.ts.length);
  // An instrument's series hash, cached by what identifies its bars (with its warm-up and the magnifier switch).
  const hashKeys = feed.keys.map((key, k) => `series|${key}|${warmUpBars[k]}|${magnifier}`);
  const cached = hashKeys.map((key) => state.hashes.get(key));
  const barHashers = cached.map((hit) => (hit === undefined ? new SeriesHasher() : null));
  const minuteHashers = cached.map((hit) => (hit === undefined && magnifier ? new SeriesHasher() : null));
  const session = createPortfolioBacktest(
    {
      spec,
      timeframe,
      magnifier,
      members: universe.instruments.map((instrument, k) => ({
        symbol: instrument.symbol,
        instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep },
        warmUpBars: warmUpBars[k]!,
      })),
      shouldCancel: control.shouldCancel,
      ...(control.onProgress ? { onProgress: control.onProgress } : {}),
    },
    feed.barsEstimate,
  );
  let readMs = 0;
  let minuteBarsSeen = false;
  const result = cancellable((): PortfolioResult => {
    for (let k = 0; k < count; k++) barHashers[k]?.add(feed.warmUp[k]!);
    session.onWindow(feed.warmUp);
    // Each window is hashed and run before the next is read: the feed reuses its arrays.
    readMs = eachWindow(feed, control.now, (window) => {
      for (let k = 0; k < count; k++) {
        barHashers[k]?.add(window.bars[k]!);
        const minutes = window.magnifierBars?.[k] ?? null;
        if (minutes) {
          minuteHashers[k]?.add(minutes);
          if (minutes.ts.length > 0) minuteBarsSeen = true;
        }
      }
      session.onWindow(window.bars, window.magnifierBars ?? undefined);
    });
    return session.finish();
  });
  const memberHashes = cached.map((hit, k) => {
    if (hit !== undefined) return hit;
    const minutes = minuteHashers[k];
    const hex = `${barHashers[k]!.hex()}${minutes ? `:${minutes.hex()}` : ''}`;
    if (state.hashes.size >= MAX_SERIES_HASHES) state.hashes.delete(state.hashes.keys().next().value!);
    state.hashes.set(hashKeys[k]!, hex);
    return hex;
  });
  const members: PortfolioHashMember[] = universe.instruments.map((instrument, k) => {
    const [barsHash, minutesHash] = memberHashes[k]!.split(':');
    return {
      symbol: instrument.symbol,
      instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep },
      warmUpBars: warmUpBars[k]!,
      bars: barsHash!,
      ...(minutesHash ? { magnifierBars: minutesHash } : {}),
    };
  });
  const hash = hashPortfolioInputs({ spec, timeframe, magnifier, members });
  const finished = control.now();
  return {
    request,
    result,
    runTs: result.ts,
    barsOrigin: feed.origin,
    magnifierUsed: minuteBarsSeen,
    barsFromCache: false,
    // The least-warmed instrument is what the warning is about.
    warmUp: { bars: count > 0 ? Math.min(...warmUpBars) : 0, needed: warmUpNeeded },
    hash: () => hash,
    indicatorsFromCache: 0,
    computedInAdvance: false,
    started,
    loadMs: readMs,
    engineMs: finished - started - readMs,
  };
}
