// Sweep worker: runs batches of strategy variants on one bar set, in lockstep groups
// (runLockstep), and returns only their metrics. Bars are read once per pool, by the
// first worker to need them (through its own read-only connection, into shared memory),
// and kept in every worker's bar cache; indicator arrays are computed once per (bars,
// variable, params, timeframe) and shared by every variant that uses them, and with the
// pool's other workers, as many as the worker's memory budget leaves room for (the others
// stream in the engine). Started by WorkerVariantEvaluator (core/infrastructure/sweeps).
import { performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { CancelledError, ValidationError } from '../core/application/errors.js';
import { BacktestState } from '../core/application/backtest/execute-run.js';
import { executePortfolioRun } from '../core/application/backtest/execute-portfolio.js';
import type { BacktestRequest } from '../core/application/backtest/request.js';
import { runBacktest } from '../core/domain/engine/backtest.js';
import { runLockstep, type LockstepRun } from '../core/domain/engine/lockstep.js';
import { warmUpBarsFor } from '../core/domain/engine/warm-up.js';
import { barBytes, sliceBars, type BarColumns } from '../core/domain/market/bars.js';
import { isBacktestCancelled, type BacktestConfig, type BacktestResult } from '../core/domain/engine/types.js';
import { instrumentId } from '../core/domain/market/ids.js';
import { isTimeframe } from '../core/domain/market/timeframe.js';
import {
  SWEEP_BAR_CACHE_MB_DEFAULT,
  SWEEP_BAR_CACHE_MB_ENV,
  SWEEP_INDICATOR_CACHE_MB_ENV,
  SWEEP_LOCKSTEP_GROUP,
  SWEEP_WORKER_MB_DEFAULT,
  SWEEP_WORKER_MB_ENV,
  type SweepWorkerApi,
  type SweepWorkerStats,
  type VariantBatchItem,
  type VariantBatchJob,
  type VariantBatchResult,
} from '../core/infrastructure/sweeps/sweep-protocol.js';
import type { WorkerMemory } from '../core/infrastructure/workers/backtest-protocol.js';
import { cancelPoller } from '../core/infrastructure/workers/cancel-flag.js';
import { installErrorCodec } from '../core/infrastructure/workers/error-codec.js';
import { BarSource } from '../core/infrastructure/sqlite/bar-source.js';
import { setWorkerMmapDefault } from '../core/infrastructure/sqlite/database.js';
import { IndicatorCache } from '../core/application/backtest/indicator-cache.js';
import { SweepIndicatorCache } from '../core/application/sweeps/sweep-indicator-cache.js';
import type { PoolWorkerData } from '../core/infrastructure/workers/worker-pool.js';
import { foregroundPauses } from './lib/foreground.js';
import { inboxBarPeers } from './lib/bar-peers.js';
import { inboxIndicatorPeers } from './lib/indicator-peers.js';
import { PeerInbox } from './lib/peer-inbox.js';
import { lowerThreadPriority } from './lib/thread-priority.js';

lowerThreadPriority();
// Each series is read once into the bar cache: no mapped file pages held beside it.
setWorkerMmapDefault(false);
const MB = 1024 * 1024;
const PROGRESS_MS = 100;
function budgetMb(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  return (Number.isFinite(v) && v >= 0 ? v : fallback) * MB;
}
installErrorCodec();
const pool = workerData as PoolWorkerData | undefined;
// The pool's other workers get the bars this one reads and the arrays it computes (shared
// memory), and it theirs.
const peers = pool?.peerPort ? new PeerInbox(pool.peerPort) : null;
const bars = new BarSource(budgetMb(SWEEP_BAR_CACHE_MB_ENV, SWEEP_BAR_CACHE_MB_DEFAULT), peers ? inboxBarPeers(peers) : null);
// One budget for what a sweep holds (SWEEP_WORKER_MB_DEFAULT): the indicator arrays get
// what the bars leave; operands past it stream in the engine.
const workerBytes = budgetMb(SWEEP_WORKER_MB_ENV, SWEEP_WORKER_MB_DEFAULT);
const indicators = new SweepIndicatorCache(budgetMb(SWEEP_INDICATOR_CACHE_MB_ENV, workerBytes / MB), peers ? inboxIndicatorPeers(peers) : null);
// Every other worker runs its batches last variant first: at a sweep's start the workers'
// batches need the same arrays (a grid's slow SMAs), and from opposite ends each computes
// about half of them and takes the rest from the other.
const backwards = (pool?.workerIndex ?? 1) % 2 === 0;
// A portfolio variant runs the backtest's own streamed portfolio path (its indicators
// stream in the engine); the state keeps each instrument's series hash, so a variant's
// run hash costs a hash of the spec.
const portfolioState = new BacktestState(new IndicatorCache(0));
let variantsRun = 0;
// A worker idle this long drops its indicator arrays (up to the worker budget beside the
// bars): an app keeps its pool between sweeps, and recomputing them
// for the next sweep costs ~5 ms an array over a year of minutes. Back-to-back batches
// and sweeps keep them.
const RELEASE_AFTER_IDLE_MS = 30_000;
let release: ReturnType<typeof setTimeout> | null = null;

const api: SweepWorkerApi = {
  runVariants(job: VariantBatchJob, progress: MessagePort, sweepCancel: SharedArrayBuffer): Promise<VariantBatchResult> {
    if (release) clearTimeout(release);
    try {
      return Promise.resolve(execute(job, progress, sweepCancel));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      progress.close();
      // Offers from the other workers wait in the port until read (each holding its shared
      // memory): take them into the caches now, within their budgets.
      indicators.adoptFromPeers();
      bars.adoptFromPeers();
      release = setTimeout(() => indicators.clear(), RELEASE_AFTER_IDLE_MS);
      release.unref();
    }
  },
  stats(): SweepWorkerStats {
    const cpu = process.threadCpuUsage();
    return { bars: bars.stats(), indicators: indicators.stats(), memory: memory(), variantsRun, cpuMs: (cpu.user + cpu.system) / 1000 };
  },
};

function execute(job: VariantBatchJob, progress: MessagePort, sweepCancel: SharedArrayBuffer): VariantBatchResult {
  const started = performance.now();
  if (!isTimeframe(job.timeframe)) throw new ValidationError(`Unknown timeframe "${String(job.timeframe)}"`);
  // Cancel, and a pause while the user interacts (also between variants): sweeps are
  // background work and always give way.
  const shouldCancel = foregroundPauses(false).yieldingPoll(cancelPoller(sweepCancel));
  if (job.universe) return executePortfolio(job, job.universe, progress, shouldCancel, started);
  const stored = bars.instrument(job.dbFile, { instrumentId: instrumentId(job.instrumentId) });
  const instrument = job.quantityStep === undefined ? stored : { ...stored, quantityStep: job.quantityStep };
  const request = { dbFile: job.dbFile, instrument, timeframe: job.timeframe, fromTs: job.fromTs, toTs: job.toTs };
  // Bars before fromTs for the indicators' warm-up: as many as the most demanding variant
  // of the sweep needs (the same read in every batch and worker: one cached and shared bar
  // set); each variant warms up on the last of them it needs, as its own run would.
  const warmUpNeeded = job.variants.reduce((most, v) => Math.max(most, warmUpBarsFor(v.spec, job.timeframe)), job.warmUpBars ?? 0);
  const series = bars.series({ ...request, warmUpBars: warmUpNeeded });
  const magnifierBars = job.magnifier === false ? null : bars.minuteBarsFor(request);
  // The bars are in (and offered to the other workers): the pool's other batches may start.
  progress.postMessage(0);
  const read = series.bars.ts.length;
  const runStart = series.warmUpBars;
  const n = read - runStart;
  const held = barBytes(series.bars) + (magnifierBars ? barBytes(magnifierBars) : 0);
  const indicatorBudget = Math.max(0, workerBytes - held);
  const loaded = performance.now();
  const items: VariantBatchItem[] = [];
  let cancelled = false;
  /** A variant's run over series.bars[from..]: the last of the warm-up bars it needs, then the range. */
  const prepare = (variant: VariantBatchJob['variants'][number]): LockstepRun => {
    const warmUpBars = Math.min(runStart, warmUpBarsFor(variant.spec, job.timeframe));
    const skip = runStart - warmUpBars;
    const variantBars = skip === 0 ? series.bars : sliceBars(series.bars, skip, read);
    // Indicator arrays are keyed by the bar set they were computed on.
    const precomputed = indicators.seriesFor(variant.spec, job.timeframe, variantBars, skip === 0 ? series.key : `${series.key}|from ${skip}`, indicatorBudget);
    const config: BacktestConfig = {
      spec: variant.spec,
      instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep },
      timeframe: job.timeframe,
      warmUpBars,
      magnifier: magnifierBars !== null,
      series: precomputed,
      // Only the metrics leave the worker: no trades, fills or curve are kept.
      keep: 'metrics',
      shouldCancel,
    };
    return { config, from: skip };
  };
  // Without a magnifier the variants run in lockstep groups (runLockstep: each chunk of the
  // bars and shared indicator arrays read from memory once a group); with one, one by one
  // over the whole arrays (the magnifier's minutes would have to be cut per chunk too).
  const group = magnifierBars ? 1 : SWEEP_LOCKSTEP_GROUP;
  const order = backwards ? [...job.variants].reverse() : job.variants;
  for (let g = 0; g < order.length; g += group) {
    if (shouldCancel()) {
      cancelled = true;
      break;
    }
    const runs: LockstepRun[] = [];
    const members: number[] = [];
    for (const variant of order.slice(g, g + group)) {
      try {
        runs.push(prepare(variant));
        members.push(variant.index);
      } catch (error) {
        items.push({ index: variant.index, error: error instanceof Error ? error.message : String(error) });
        variantsRun++;
      }
    }
    try {
      const outcomes = magnifierBars
        ? runs.map((run) => runOne(run, series.bars, read, magnifierBars))
        : runLockstep(series.bars, runs);
      outcomes.forEach((outcome, k) => {
        const index = members[k]!;
        items.push(outcome instanceof Error ? { index, error: outcome.message } : { index, metrics: outcome.metrics });
      });
      variantsRun += outcomes.length;
    } catch (error) {
      if (!isBacktestCancelled(error)) throw error;
      cancelled = true;
      break;
    }
    postProgress(progress, items.length);
  }
  const mTs = magnifierBars?.ts;
  return {
    items,
    cancelled,
    barsRead: {
      count: n,
      warmUpBars: runStart,
      firstTs: n > 0 ? series.bars.ts[runStart]! : null,
      lastTs: n > 0 ? series.bars.ts[read - 1]! : null,
      magnifierFirstTs: mTs && mTs.length > 0 ? mTs[0]! : null,
      magnifierLastTs: mTs && mTs.length > 0 ? mTs[mTs.length - 1]! : null,
    },
    timings: { loadMs: loaded - started, engineMs: performance.now() - loaded },
    memory: memory(),
  };
}

/** One variant over the whole arrays with the magnifier's minutes: its result, or the error it threw (a cancel is thrown). */
function runOne(run: LockstepRun, all: BarColumns, read: number, magnifierBars: BarColumns): BacktestResult | Error {
  try {
    return runBacktest({ ...run.config, bars: run.from === 0 ? all : sliceBars(all, run.from, read), magnifierBars });
  } catch (error) {
    if (isBacktestCancelled(error)) throw error;
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * A portfolio sweep's batch: each variant is the whole universe through the same streamed
 * run as `bws backtest --symbols ...` (executePortfolioRun), so its metrics and run hash
 * are those of its run alone.
 */
function executePortfolio(job: VariantBatchJob, universe: readonly number[], progress: MessagePort, shouldCancel: () => boolean, started: number): VariantBatchResult {
  const instruments = universe.map((id) => {
    const stored = bars.instrument(job.dbFile, { instrumentId: instrumentId(id) });
    return job.quantityStep === undefined ? stored : { ...stored, quantityStep: job.quantityStep };
  });
  const source = bars.forFile(job.dbFile);
  const control = {
    now: () => performance.now(),
    checkpoint: () => {
      if (shouldCancel()) throw new CancelledError();
    },
    shouldCancel,
  };
  const items: VariantBatchItem[] = [];
  let cancelled = false;
  let read: { count: number; warmUpBars: number; firstTs: number | null; lastTs: number | null } = { count: 0, warmUpBars: 0, firstTs: null, lastTs: null };
  let readMs = 0;
  for (const variant of job.variants) {
    if (shouldCancel()) {
      cancelled = true;
      break;
    }
    const request: BacktestRequest = {
      instrument: instruments[0]!,
      universe: { instruments },
      timeframe: job.timeframe,
      spec: variant.spec,
      ...(job.fromTs === undefined ? {} : { fromTs: job.fromTs }),
      ...(job.toTs === undefined ? {} : { toTs: job.toTs }),
      ...(job.magnifier === undefined ? {} : { magnifier: job.magnifier }),
    };
    try {
      const executed = executePortfolioRun(portfolioState, source, request, control);
      readMs += executed.loadMs;
      const ts = executed.runTs;
      read = { count: ts.length, warmUpBars: executed.warmUp.bars, firstTs: ts.length > 0 ? ts[0]! : null, lastTs: ts.length > 0 ? ts[ts.length - 1]! : null };
      items.push({ index: variant.index, metrics: executed.result.metrics, hash: executed.hash() });
    } catch (error) {
      if (error instanceof CancelledError || isBacktestCancelled(error)) {
        cancelled = true;
        break;
      }
      items.push({ index: variant.index, error: error instanceof Error ? error.message : String(error) });
    }
    variantsRun++;
    postProgress(progress, items.length);
  }
  const total = performance.now() - started;
  return {
    items,
    cancelled,
    barsRead: { ...read, magnifierFirstTs: null, magnifierLastTs: null },
    timings: { loadMs: readMs, engineMs: total - readMs },
    memory: memory(),
  };
}

/** When this worker last posted progress (performance.now()). */
let lastProgress = 0;

/**
 * Posts a batch's count of finished variants, at most every PROGRESS_MS: each message
 * wakes the main thread, which shares the cores with the workers (a variant over a year
 * of minutes takes ~10 ms; the pool shows progress every 100 ms anyway). The batch's
 * result carries the final count.
 */
function postProgress(progress: MessagePort, done: number): void {
  const now = performance.now();
  if (now - lastProgress < PROGRESS_MS) return;
  lastProgress = now;
  progress.postMessage(done);
}

function memory(): WorkerMemory {
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers, rssBytes: m.rss };
}

Comlink.expose(api, nodeEndpoint(parentPort!));
