import { ENGINE_VERSION, runBacktest } from '../../domain/engine/backtest.js';
import type { PortfolioResult } from '../../domain/engine/portfolio.js';
import { canonicalJson, hashRunInputs } from '../../domain/engine/run-hash.js';
import type { BacktestResult } from '../../domain/engine/types.js';
import { warmUpBarsFor } from '../../domain/engine/warm-up.js';
import type { BarColumns } from '../../domain/market/bars.js';
import type { Instrument } from '../../domain/market/instrument.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import { NotFoundError } from '../errors.js';
import type { NewRun, RunStore, RunWarmUp } from '../runs/run-store.js';
import type { ComputedRun, RunRecord, SavedBacktest } from './backtest-executor.js';
import type { IndicatorCache } from './indicator-cache.js';
import { executePortfolioRun } from './execute-portfolio.js';
import { cancellable } from './feed-windows.js';
import { executeStreamedRun, STREAM_ABOVE_BARS, streamedFeed, streams } from './execute-streamed-run.js';
import type { BacktestRequest } from './request.js';

/**
 * The run use case where a backtest executes (a worker of the pool, or the caller's own
 * thread when a pool buys nothing): read the bars, compute the indicators, run the
 * engine, hash the inputs, save the run. The executing side keeps its caches in one
 * BacktestState between runs; the adapters around this (workers/backtest-worker.ts,
 * infrastructure/backtest/in-process-executor.ts) only carry requests, progress,
 * cancel and results across their boundary.
 */

/** A series to read: the bars of [fromTs, toTs), and up to `warmUpBars` stored bars before fromTs. */
export interface RunSeriesRequest {
  readonly instrument: Instrument;
  readonly timeframe: Timeframe;
  readonly fromTs?: number | undefined;
  readonly toTs?: number | undefined;
  readonly warmUpBars?: number | undefined;
}

export interface LoadedSeries {
  readonly bars: BarColumns;
  /** 'stored': the series of that timeframe; 'resampled': built from the 1m series. */
  readonly origin: 'stored' | 'resampled';
  readonly fromCache: boolean;
  /** Identifies this exact bar set (file, series, range, data version): a key for derived caches. */
  readonly key: string;
  /** Leading bars before the request's fromTs (read for warm-up); the requested range's bars follow them. */
  readonly warmUpBars: number;
}

/** The bars of a portfolio's instruments to read: each one's range and warm-up, and whether 1-minute bars come along. */
export interface PortfolioSeriesRequest {
  /** In the order the feed answers them. */
  readonly instruments: readonly Instrument[];
  readonly timeframe: Timeframe;
  readonly fromTs?: number | undefined;
  readonly toTs?: number | undefined;
  /** Stored bars before fromTs each instrument's indicators warm up on (at most). */
  readonly warmUpBars: number;
  /** Read each window's 1-minute bars too (the bar magnifier, above 1m). */
  readonly magnifier: boolean;
}

/**
 * A portfolio's bars, streamed window by window: every instrument's bars of one time span
 * at a time, so a run over ten years of minutes holds a few MB of bars, not GBs. The
 * engine's clock runs over each window as it arrives. How the windows are read (their
 * size, any cache) is the feed's business: this is the seam to swap it.
 */
export interface PortfolioBarFeed {
  /** Each instrument's stored bars before fromTs (its indicators' warm-up), in request order; fed before the windows. */
  readonly warmUp: readonly BarColumns[];
  /** Each instrument's series identity (file, series, version, range): a key for its cached hash. */
  readonly keys: readonly string[];
  /** 'resampled' when any instrument's bars were built from its 1m series. */
  readonly origin: 'stored' | 'resampled';
  /** Bars of the instrument with the most in the range (the clock has at least as many): a progress total. */
  readonly barsEstimate: number;
  /**
   * The windows in time order; each holds every instrument's bars of its span (and 1-minute
   * bars when asked). `reuse`: each window's arrays are overwritten by the next one (for a
   * caller done with a window before it asks for the next: no allocation per window).
   */
  windows(options?: { readonly reuse?: boolean }): Iterable<PortfolioWindow>;
}

export interface PortfolioWindow {
  readonly bars: readonly BarColumns[];
  /** Each instrument's 1-minute bars of the span (null: none stored); null when the request did not ask for them. */
  readonly magnifierBars: readonly (BarColumns | null)[] | null;
}

/**
 * Columns of numbers written once and read back once, outside the process's memory (a
 * streamed run keeps the bars it read here for its hash, which reads them column after
 * column: infrastructure/backtest/file-column-scratch.ts).
 */
export interface ColumnScratch {
  append(column: number, values: Float64Array): void;
  /** The column's values in the order appended, in pieces; each piece is valid until the next. */
  read(column: number): Iterable<Float64Array>;
  /** Removes what was written. */
  close(): void;
}

/** Where a run's bars come from: the stored series on the executing side's own connection (infrastructure/sqlite/bar-source.ts). */
export interface RunBarSource {
  /** The stored series of the timeframe when there is one, else (above 1m) the 1m bars resampled. */
  series(request: RunSeriesRequest): LoadedSeries;
  /** The stored 1m bars covering the same whole buckets as `series(request)`, or null when there are none. */
  minuteBarsFor(request: RunSeriesRequest): BarColumns | null;
  /** A portfolio's bars, window by window. */
  portfolio(request: PortfolioSeriesRequest): PortfolioBarFeed;
  /**
   * The stored bars reading `request` whole would touch, counted without reading them (an
   * upper bound: whole chunks): its series, or the 1m bars it is resampled from, and the
   * 1m bars of the magnifier when asked for.
   */
  barsToRead(request: RunSeriesRequest, magnifier: boolean): number;
  /** An empty scratch of `columns` columns, for a streamed run's bars. */
  scratch(columns: number): ColumnScratch;
}

/** Run hashes kept per executing side: enough for every spec the user flips between. */
const MAX_HASHES = 256;

/**
 * What the executing side keeps between runs, in one place: indicator arrays of recent
 * bar sets, run hashes (a hash reads every byte of the bars: tens of ms for a year of
 * minutes) and the engine's result of the last run computed ahead (`prepareRun`).
 */
export class BacktestState {
  /** Run hashes by inputsKey; a portfolio's instruments' series hashes by their feed keys. */
  readonly hashes = new Map<string, string>();
  /**
   * The engine's result of the last run prepared here, by its inputs' key, until a run of
   * those inputs takes it. Equal inputs give bit-identical results (the engine is
   * deterministic; tests check it), so a Run of what `prepare` computed while the user
   * looked at the form only has to save it. One entry, dropped when taken: a year of
   * minutes is 10 MB and more with many trades.
   */
  prepared: { readonly inputs: string; readonly result: BacktestResult } | null = null;

  /** Single runs of more bars than this stream window by window (execute-streamed-run.ts); tests lower it. */
  streamAboveBars = STREAM_ABOVE_BARS;

  constructor(readonly indicators: IndicatorCache) {}

  /** Keeps a run hash by its inputs' key, the oldest dropped past MAX_HASHES. */
  rememberHash(key: string, hash: string): void {
    if (this.hashes.size >= MAX_HASHES) this.hashes.delete(this.hashes.keys().next().value!);
    this.hashes.set(key, hash);
  }
}

/** How the executing side steers one run. */
export interface RunControl {
  /** Monotonic milliseconds, for the run's timings. */
  readonly now: () => number;
  /**
   * Between steps (after reading bars, before the engine): where a background run gives
   * way to the user; throws CancelledError once the run is cancelled.
   */
  readonly checkpoint: () => void;
  /** The engine's poll, every ~64K bars: true stops the run (CancelledError). */
  readonly shouldCancel: () => boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Wraps the engine call (a test fault keeps the real engine busy through it). */
  readonly engine?: (run: () => BacktestResult) => BacktestResult;
}

/** A run's bars as read, before the engine runs. */
export interface LoadedRun {
  readonly request: BacktestRequest;
  /** The bars read: the warm-up (series.warmUpBars of them) and the requested range. */
  readonly series: LoadedSeries;
  /** Open times of the run's own bars (after the warm-up): the equity curve's x axis. */
  readonly runTs: Float64Array;
  /** Warm-up bars the spec asks for (warmUpBarsFor); series.warmUpBars were stored. */
  readonly warmUpNeeded: number;
  readonly magnifierBars: BarColumns | null;
}

/** A run the engine has finished (or taken from `prepareRun`), not saved yet: a single run or a portfolio's. */
export interface ExecutedRun {
  readonly request: BacktestRequest;
  /** A PortfolioResult when request.universe is set (see `portfolioResult`). */
  readonly result: BacktestResult;
  /** Open time of each bar of the run (a portfolio's clock), warm-up excluded: the equity curve's x axis. */
  readonly runTs: Float64Array;
  readonly barsOrigin: 'stored' | 'resampled';
  readonly magnifierUsed: boolean;
  readonly barsFromCache: boolean;
  readonly warmUp: RunWarmUp;
  /** The run hash, computed on first call (a year of minutes: ~35 ms, so after the results are out). */
  readonly hash: () => string;
  readonly indicatorsFromCache: number;
  /** The result was computed ahead (by `prepareRun`): engineMs is 0. */
  readonly computedInAdvance: boolean;
  /** When the run started (RunControl.now), reading bars and indicators, and the engine. */
  readonly started: number;
  readonly loadMs: number;
  readonly engineMs: number;
}

/** What `prepareRun` found: the bar count, and what was cached already. */
export interface PreparedRun {
  readonly barCount: number;
  readonly barsFromCache: boolean;
  readonly indicatorsFromCache: number;
}

/** Reads a request's bars: the indicators' warm-up before its range, its range, and 1m bars for the magnifier. */
export function loadRun(bars: RunBarSource, request: BacktestRequest, checkpoint: () => void): LoadedRun {
  const range: RunSeriesRequest = { instrument: request.instrument, timeframe: request.timeframe, fromTs: request.fromTs, toTs: request.toTs };
  // The indicators warm up on stored bars before fromTs; the magnifier covers the run's bars only.
  const warmUpNeeded = warmUpBarsFor(request.spec, request.timeframe);
  const series = bars.series({ ...range, warmUpBars: warmUpNeeded });
  checkpoint();
  const magnifierBars = request.magnifier === false ? null : bars.minuteBarsFor(range);
  return { request, series, runTs: series.bars.ts.subarray(series.warmUpBars), warmUpNeeded, magnifierBars };
}

/**
 * Identifies a loaded run's inputs: everything the run hash covers (the series key names
 * the bars read, warm-up included, and their version; warmUpBars where the run starts).
 */
export function inputsKey({ request, series, magnifierBars }: LoadedRun): string {
  const { instrument, spec } = request;
  return `${series.key}|${series.warmUpBars}|${instrument.priceTick}|${instrument.quantityStep}|${magnifierBars !== null}|${canonicalJson(spec)}`;
}

/** The run hash of a loaded run, from the state's cache when this spec already ran on these bars. */
export function runHash(state: BacktestState, loaded: LoadedRun): string {
  const key = inputsKey(loaded);
  let hash = state.hashes.get(key);
  if (hash === undefined) {
    const { request, series, magnifierBars } = loaded;
    hash = hashRunInputs({
      spec: request.spec,
      instrument: { priceTick: request.instrument.priceTick, quantityStep: request.instrument.quantityStep },
      timeframe: request.timeframe,
      bars: series.bars,
      warmUpBars: series.warmUpBars,
      magnifier: magnifierBars !== null,
      ...(magnifierBars ? { magnifierBars } : {}),
    });
    state.rememberHash(key, hash);
  }
  return hash;
}

/** The engine over a loaded run and its indicator arrays; a cancel surfaces as CancelledError. */
function runEngine(loaded: LoadedRun, series: ReadonlyMap<string, Float64Array>, control: Pick<RunControl, 'shouldCancel' | 'onProgress' | 'engine'>): BacktestResult {
  const { request, magnifierBars } = loaded;
  const input = {
    spec: request.spec,
    instrument: { priceTick: request.instrument.priceTick, quantityStep: request.instrument.quantityStep },
    timeframe: request.timeframe,
    bars: loaded.series.bars,
    warmUpBars: loaded.series.warmUpBars,
    magnifier: magnifierBars !== null,
    series,
    // What a run stores: its drawdown is derived from the equity where it is shown.
    keep: 'equity' as const,
    shouldCancel: control.shouldCancel,
    ...(control.onProgress ? { onProgress: control.onProgress } : {}),
    ...(magnifierBars ? { magnifierBars } : {}),
  };
  return cancellable(() => (control.engine ? control.engine(() => runBacktest(input)) : runBacktest(input)));
}

/**
 * Executes a run: its bars (through the bar cache), its indicators (through the indicator
 * cache), and the engine, or the result `prepareRun` computed for the same inputs when
 * `reusePrepared` (not for results whose arrays are handed away).
 */
export function executeRun(state: BacktestState, bars: RunBarSource, request: BacktestRequest, control: RunControl, reusePrepared = false): ExecutedRun {
  if (request.universe) return executePortfolioRun(state, bars, request, control);
  const started = control.now();
  const feed = streamedFeed(bars, request, state.streamAboveBars);
  if (feed) return executeStreamedRun(state, bars, feed, request, control, started);
  const loaded = loadRun(bars, request, control.checkpoint);
  control.checkpoint();
  const indicators = state.indicators.seriesFor(request.spec, request.timeframe, loaded.series.bars, loaded.series.key);
  const loadedAt = control.now();
  const inputs = reusePrepared ? inputsKey(loaded) : null;
  const reused = inputs !== null && state.prepared?.inputs === inputs ? state.prepared.result : null;
  if (reused) state.prepared = null;
  const result = reused ?? runEngine(loaded, indicators.series, control);
  let hash: string | undefined;
  return {
    request,
    result,
    runTs: loaded.runTs,
    barsOrigin: loaded.series.origin,
    magnifierUsed: loaded.magnifierBars !== null,
    barsFromCache: loaded.series.fromCache,
    warmUp: { bars: loaded.series.warmUpBars, needed: loaded.warmUpNeeded },
    hash: () => (hash ??= runHash(state, loaded)),
    indicatorsFromCache: indicators.hits,
    computedInAdvance: reused !== null,
    started,
    loadMs: loadedAt - started,
    engineMs: control.now() - loadedAt,
  };
}

/**
 * Computes a run ahead, as background work, without saving it: its bars, indicator
 * arrays, run hash and the engine's result go into the state, so the user's Run of it
 * only saves (for a year of minutes 100+ ms before the engine, whose first run of a spec
 * then took 85-120 ms more, where a warm one takes 12-20).
 */
export function prepareRun(state: BacktestState, bars: RunBarSource, request: BacktestRequest, control: RunControl): PreparedRun {
  // A portfolio streams its bars through the engine (nothing cached to warm), and its
  // result is not kept for a later Run: computing it here would only spend the worker.
  // Nor is a run long enough to stream: its result is most of its memory.
  if (request.universe || streams(bars, request, state.streamAboveBars)) return { barCount: 0, barsFromCache: false, indicatorsFromCache: 0 };
  const loaded = loadRun(bars, request, control.checkpoint);
  control.checkpoint();
  const indicators = state.indicators.seriesFor(request.spec, request.timeframe, loaded.series.bars, loaded.series.key);
  control.checkpoint();
  runHash(state, loaded);
  const inputs = inputsKey(loaded);
  if (state.prepared?.inputs !== inputs) state.prepared = { inputs, result: runEngine(loaded, indicators.series, { shouldCancel: control.shouldCancel }) };
  return { barCount: loaded.runTs.length, barsFromCache: loaded.series.fromCache, indicatorsFromCache: indicators.hits };
}

/** What the results view needs first, while the run is saved. */
export function computedRun({ result, runTs, warmUp }: ExecutedRun): ComputedRun {
  const ts = runTs;
  return {
    metrics: result.metrics,
    openPosition: result.openPosition,
    barCount: ts.length,
    warmUp,
    tradeCount: result.trades.length,
    firstTs: ts.length > 0 ? ts[0]! : null,
    lastTs: ts.length > 0 ? ts[ts.length - 1]! : null,
  };
}

/** The run as the store saves it: the request, the engine's outputs and the caller's record. */
export function runToSave(executed: ExecutedRun, record: RunRecord): NewRun {
  const { request, result, runTs } = executed;
  const portfolio = portfolioResult(executed);
  return {
    name: record.name,
    strategyId: record.strategyId,
    spec: request.spec,
    instrumentId: request.instrument.id,
    symbol: request.instrument.symbol,
    timeframe: request.timeframe,
    fromTs: record.fromTs,
    toTs: record.toTs,
    barCount: runTs.length,
    engineVersion: ENGINE_VERSION,
    hash: executed.hash(),
    metrics: result.metrics,
    trades: result.trades,
    markers: result.markers,
    // The bars' ts column is only read by the save, so no copy is needed.
    equity: { ts: runTs, equity: result.equity },
    status: 'completed',
    ...(portfolio
      ? {
          universe: {
            symbols: portfolio.symbols,
            instrumentIds: portfolio.symbols.map((symbol) => request.universe!.instruments.find((i) => i.symbol === symbol)!.id),
            ...(request.universe!.tag === undefined ? {} : { tag: request.universe!.tag }),
          },
          portfolio: {
            figures: portfolio.figures,
            curves: portfolio.memberCurves,
            positions: portfolio.openPositions,
            tradeInstruments: portfolio.tradeInstruments,
            markerInstruments: portfolio.markerInstruments,
          },
        }
      : {}),
    extras: {
      // The caller's context first: the engine's own keys are never overridden by it.
      ...record.extras,
      openPosition: result.openPosition,
      barsOrigin: executed.barsOrigin,
      magnifierUsed: executed.magnifierUsed,
      warmUp: executed.warmUp,
      firstTs: runTs[0]!,
      lastTs: runTs[runTs.length - 1]!,
    },
  };
}

/** How the executing side steers the save. */
export interface SaveControl {
  readonly now: () => number;
  /** Gives way to the user and throws CancelledError when cancelled: past it, the run is kept. */
  readonly checkpoint: () => void;
  /** Called once the run is sure to be kept, before the write (a waiting user sees its results first). */
  readonly onComputed?: (run: ComputedRun) => void;
  /** Runs the write (a worker marks it so the pool never kills it inside the transaction). */
  readonly write: <T>(save: () => T) => T;
  /** Time the run gave way to the user so far. */
  readonly pausedMs: () => number;
}

/**
 * Saves an executed run: NotFoundError when the range had no bars (nothing is saved),
 * nothing saved when cancelled before the write; else its results go out first
 * (onComputed), then the hash (tens of ms for a year of minutes, outside the write),
 * then the write.
 */
export function saveRun(store: RunStore, executed: ExecutedRun, record: RunRecord, control: SaveControl): SavedBacktest {
  const { request, result } = executed;
  const barCount = executed.runTs.length;
  if (barCount === 0) {
    const what = request.universe ? `any of the ${request.universe.instruments.length} instruments of the universe` : request.instrument.symbol;
    throw new NotFoundError(`No ${request.timeframe} bars of ${what} in the requested range`);
  }
  control.checkpoint();
  control.onComputed?.(computedRun(executed));
  executed.hash();
  const saveStarted = control.now();
  const run = control.write(() => store.save(runToSave(executed, record)));
  const now = control.now();
  return {
    run,
    metrics: result.metrics,
    openPosition: result.openPosition,
    barCount,
    warmUp: executed.warmUp,
    computedInAdvance: executed.computedInAdvance,
    timings: { loadMs: executed.loadMs, engineMs: executed.engineMs, saveMs: now - saveStarted, pausedMs: control.pausedMs(), totalMs: now - executed.started },
  };
}

/** The portfolio result of an executed portfolio run; null for a single run. */
export function portfolioResult(executed: Pick<ExecutedRun, 'request' | 'result'>): PortfolioResult | null {
  return executed.request.universe ? (executed.result as PortfolioResult) : null;
}
