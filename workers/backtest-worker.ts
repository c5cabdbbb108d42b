// Backtest worker: reads bars through its own read-only SQLite connection (cached per
// file), runs the engine, and either returns the result with its big arrays transferred
// or saves it as a run through its own write connection and returns the summary.
// Started by WorkerPool (core/infrastructure/workers); RPC with comlink's node adapter.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { ComputedRun, RunRecord } from '../core/application/backtest/backtest-executor.js';
import type { RunSummary, RunWarmUp } from '../core/application/runs/run-store.js';
import { CancelledError, NotFoundError, ValidationError } from '../core/application/errors.js';
import { DEMO_INSTRUMENTS, generateDemoBars } from '../core/domain/demo/synthetic-bars.js';
import { ENGINE_VERSION, runBacktest } from '../core/domain/engine/backtest.js';
import { canonicalJson, hashRunInputs } from '../core/domain/engine/run-hash.js';
import { warmUpBarsFor } from '../core/domain/engine/warm-up.js';
import { isBacktestCancelled, type BacktestResult } from '../core/domain/engine/types.js';
import { instrumentId } from '../core/domain/market/ids.js';
import type { BarColumns } from '../core/domain/market/bars.js';
import type { Instrument } from '../core/domain/market/instrument.js';
import { isTimeframe } from '../core/domain/market/timeframe.js';
import { buildTemplate, listTemplates } from '../core/domain/strategy/templates.js';
import {
  CACHE_MB_ENV,
  TEST_FAULTS,
  type BacktestJob,
  type BacktestWorkerApi,
  type BacktestWorkerStats,
  type PreparedRun,
  type WorkerBacktestWire,
  type WarmUpFigures,
  type WorkerMemory,
  type WorkerSavedRun,
} from '../core/infrastructure/workers/backtest-protocol.js';
import { SqliteRunStore } from '../core/infrastructure/runs/sqlite-run-store.js';
import { openWorkerWriter, type Connection } from '../core/infrastructure/sqlite/database.js';
import { migrate } from '../core/infrastructure/sqlite/migrations.js';
import { cancelPoller, duringWrite } from '../core/infrastructure/workers/cancel-flag.js';
import { fillBuffers, packMarkers, packTrades } from '../core/infrastructure/runs/fill-columns.js';
import type { InterimMessage } from '../core/infrastructure/workers/interim-message.js';
import type { PoolWorkerData } from '../core/infrastructure/workers/worker-pool.js';
import { BarSource, type LoadedSeries } from './lib/bar-source.js';
import { IndicatorCache } from './lib/indicator-cache.js';
import { foregroundPauses, type ForegroundPauses } from './lib/foreground.js';
import { lowerThreadPriority } from './lib/thread-priority.js';
import { progressReporter } from './lib/progress-reporter.js';
import { assertFaultsEnabled, commitFault, defaultJobFault, failSaveAfter, holdFor } from './lib/test-faults.js';
import { warmUpInBackground, type WarmUpPlan } from './lib/warm-up.js';

lowerThreadPriority();
const MB = 1024 * 1024;
const cacheMb = Number(process.env[CACHE_MB_ENV] ?? 512);
const budget = (Number.isFinite(cacheMb) && cacheMb >= 0 ? cacheMb : 512) * MB;
// Bars get three quarters of the budget; indicator arrays (one Float64Array per operand) the rest.
const bars = new BarSource(Math.floor(budget * 0.75));
const indicators = new IndicatorCache(Math.floor(budget * 0.25));
let jobsRun = 0;
// Run hashes read every byte of the bars (tens of ms for a year of minutes); a repeated
// run of the same spec on the same cached bar set reuses the answer.
const hashes = new Map<string, string>();
const MAX_HASHES = 256;

const api: BacktestWorkerApi = {
  async runBacktest(job: BacktestJob, progress: MessagePort, cancelFlag: SharedArrayBuffer): Promise<WorkerBacktestWire> {
    try {
      return toWire(await execute(job, progress, cancelFlag));
    } finally {
      jobsRun++;
      progress.close();
    }
  },
  async runAndSave(job: BacktestJob, record: RunRecord, progress: MessagePort, cancelFlag: SharedArrayBuffer): Promise<WorkerSavedRun> {
    try {
      const saved = save(await execute(job, progress, cancelFlag, true), record, cancelFlag, progress);
      checkpointAfterReply(job.dbFile);
      return saved;
    } finally {
      jobsRun++;
      progress.close();
    }
  },
  prepare(job: BacktestJob, cancelFlag: SharedArrayBuffer): PreparedRun {
    return prepare(job, cancelFlag);
  },
  stats(): BacktestWorkerStats {
    return { bars: bars.stats(), indicators: indicators.stats(), memory: memory(), jobsRun, warmUp: warmUp?.() ?? null };
  },
};

/** One executed job before it is shaped for the wire or saved. */
interface Executed {
  readonly job: BacktestJob;
  readonly instrument: Instrument;
  readonly series: LoadedSeries;
  readonly runTs: Float64Array;
  readonly warmUp: RunWarmUp;
  readonly result: BacktestResult;
  /** The run hash, computed on first call (a year of minutes: ~35 ms, so after the results are out). */
  readonly hash: () => string;
  readonly magnifierUsed: boolean;
  readonly indicatorsFromCache: number;
  readonly started: number;
  readonly loadMs: number;
  readonly engineMs: number;
  /** The result was computed ahead (by `prepare`): engineMs is 0. */
  readonly computedInAdvance: boolean;
}

/** An executed user job, with its pauses for the UI (the save pauses there too). */
interface ExecutedJob extends Executed {
  readonly foreground: ForegroundPauses;
}

/** `reuseResult`: take the prepared result of these inputs if there is one (not for results whose arrays are transferred away). */
async function execute(requested: BacktestJob, progress: MessagePort, cancelFlag: SharedArrayBuffer, reuseResult = false): Promise<ExecutedJob> {
  const started = performance.now();
  const envFault = requested.fault === undefined ? defaultJobFault() : null;
  const job: BacktestJob = envFault ? { ...requested, ...envFault } : requested;
  if (!isTimeframe(job.timeframe)) throw new ValidationError(`Unknown timeframe "${String(job.timeframe)}"`);
  const cancelled = cancelPoller(cancelFlag);
  const foreground = foregroundPauses(job.interactive === true);
  // The engine's poll: cancel, and a pause while the user interacts.
  const shouldCancel = foreground.yieldingPoll(cancelled);
  const report = progressReporter(progress);

  if (job.fault !== undefined) {
    if (!(TEST_FAULTS as readonly string[]).includes(job.fault)) throw new ValidationError(`Unknown test fault "${job.fault}"`);
    assertFaultsEnabled(job.fault);
    if (commitFault(job.fault, job.faultMs ?? 1000) === 'pending') return new Promise<never>(() => {});
  }

  const loaded = load(job, started, cancelled, foreground);
  foreground.pause(cancelled);
  return { ...compute(loaded, indicators, shouldCancel, report, hashes, reuseResult && job.fault === undefined), foreground };
}

/** Reads the job's instrument and bars (through the bar cache). */
function load(job: BacktestJob, started: number, cancelled: () => boolean, foreground: ForegroundPauses): LoadedJob {
  const stored = bars.instrument(job.dbFile, {
    symbol: job.symbol,
    instrumentId: job.instrumentId === undefined ? undefined : instrumentId(job.instrumentId),
  });
  if (job.quantityStep !== undefined && !(job.quantityStep > 0 && Number.isFinite(job.quantityStep))) {
    throw new ValidationError(`quantityStep must be a positive number, got ${job.quantityStep}`);
  }
  const instrument = job.quantityStep === undefined ? stored : { ...stored, quantityStep: job.quantityStep };
  const request = { dbFile: job.dbFile, instrument, timeframe: job.timeframe, fromTs: job.fromTs, toTs: job.toTs };
  foreground.pause(cancelled);
  // The indicators warm up on stored bars before fromTs; the magnifier covers the run's bars only.
  const warmUpNeeded = warmUpBarsFor(job.spec, job.timeframe);
  const series = bars.series({ ...request, warmUpBars: warmUpNeeded });
  const magnifierBars = job.magnifier === false ? null : bars.minuteBarsFor(request);
  return { job, instrument, series, runTs: series.bars.ts.subarray(series.warmUpBars), warmUpNeeded, magnifierBars, started };
}

/**
 * The engine's result of the last run prepared here, by its inputs' key (what the run
 * hash covers), until a run of those inputs takes it. Equal inputs give bit-identical
 * results (the engine is deterministic; tests check it), so a Run of what `prepare`
 * computed while the user looked at the form only has to save it. One entry, dropped
 * when taken: a year of minutes is 10 MB and more with many trades.
 */
let prepared: { readonly inputs: string; readonly result: BacktestResult } | null = null;

/**
 * Computes a run of `job` ahead, as background work (pausing while the user interacts),
 * so the user's Run only saves it: its bars, indicator arrays, run hash and the engine's
 * result (for a year of minutes 100+ ms before the engine, whose first run of a spec in a
 * worker then took 85-120 ms more, where a warm one takes 12-20).
 */
function prepare(job: BacktestJob, cancelFlag: SharedArrayBuffer): PreparedRun {
  if (!isTimeframe(job.timeframe)) throw new ValidationError(`Unknown timeframe "${String(job.timeframe)}"`);
  const cancelled = cancelPoller(cancelFlag);
  const foreground = foregroundPauses(false);
  const loaded = load(job, performance.now(), cancelled, foreground);
  const stop = () => {
    foreground.pause(cancelled);
    if (cancelled()) throw new CancelledError();
  };
  stop();
  const precomputed = indicators.seriesFor(job.spec, job.timeframe, loaded.series.bars, loaded.series.key);
  stop();
  runHash(loaded, hashes);
  const inputs = inputsKey(loaded);
  if (prepared?.inputs !== inputs) {
    const result = runEngine(loaded, precomputed.series, foreground.yieldingPoll(cancelled), () => undefined);
    prepared = { inputs, result };
  }
  return { barCount: loaded.runTs.length, barsFromCache: loaded.series.fromCache, indicatorsFromCache: precomputed.hits };
}

/**
 * Identifies a loaded job's inputs: everything the run hash covers (the series key names
 * the bars read, warm-up included, and their version; warmUpBars where the run starts).
 */
function inputsKey({ job, instrument, series, magnifierBars }: LoadedJob): string {
  return `${series.key}|${series.warmUpBars}|${instrument.priceTick}|${instrument.quantityStep}|${magnifierBars !== null}|${canonicalJson(job.spec)}`;
}

/** The run hash of a loaded job, from `hashCache` when this spec already ran on these bars. */
function runHash(loaded: LoadedJob, hashCache: Map<string, string> | null): string {
  const { job, instrument, series, magnifierBars } = loaded;
  const hashKey = inputsKey(loaded);
  let hash = hashCache?.get(hashKey);
  if (hash === undefined) {
    hash = hashRunInputs({
      spec: job.spec,
      instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep },
      timeframe: job.timeframe,
      bars: series.bars,
      warmUpBars: series.warmUpBars,
      magnifier: magnifierBars !== null,
      ...(magnifierBars ? { magnifierBars } : {}),
    });
    if (hashCache && hashCache.size >= MAX_HASHES) hashCache.delete(hashCache.keys().next().value!);
    hashCache?.set(hashKey, hash);
  }
  return hash;
}

/** What a job reads before the engine runs. */
interface LoadedJob {
  readonly job: BacktestJob;
  readonly instrument: Instrument;
  /** The bars read: the warm-up (series.warmUpBars of them) and the requested range. */
  readonly series: LoadedSeries;
  /** Open times of the run's own bars (after the warm-up): the equity curve's x axis. */
  readonly runTs: Float64Array;
  /** Warm-up bars the spec asks for (warmUpBarsFor); series.warmUpBars were stored. */
  readonly warmUpNeeded: number;
  readonly magnifierBars: BarColumns | null;
  readonly started: number;
}

/**
 * Indicators and the engine over loaded bars, the run hash on demand (the warm-up runs
 * this too). `reuseResult`: take the prepared result when the inputs match.
 */
function compute(
  loadedJob: LoadedJob,
  indicatorCache: IndicatorCache,
  shouldCancel: () => boolean,
  report: (done: number, total: number) => void,
  hashCache: Map<string, string> | null = hashes,
  reuseResult = false,
): Executed {
  const { job, instrument, series, runTs, magnifierBars, started } = loadedJob;
  const precomputed = indicatorCache.seriesFor(job.spec, job.timeframe, series.bars, series.key);
  const loaded = performance.now();
  const inputs = reuseResult ? inputsKey(loadedJob) : null;
  const reused = inputs !== null && prepared?.inputs === inputs ? prepared.result : null;
  if (reused) prepared = null;
  const result = reused ?? runEngine(loadedJob, precomputed.series, shouldCancel, report);
  let hash: string | undefined;
  return {
    job,
    instrument,
    series,
    runTs,
    warmUp: { bars: series.warmUpBars, needed: loadedJob.warmUpNeeded },
    result,
    hash: () => (hash ??= runHash(loadedJob, hashCache)),
    magnifierUsed: magnifierBars !== null,
    indicatorsFromCache: precomputed.hits,
    started,
    loadMs: loaded - started,
    engineMs: performance.now() - loaded,
    computedInAdvance: reused !== null,
  };
}

/** The engine over a loaded job and its indicator arrays; a cancel surfaces as CancelledError. */
function runEngine(
  loadedJob: LoadedJob,
  series: ReturnType<IndicatorCache['seriesFor']>['series'],
  shouldCancel: () => boolean,
  report: (done: number, total: number) => void,
): BacktestResult {
  const { job, instrument, magnifierBars, started } = loadedJob;
  const input = {
    spec: job.spec,
    instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep },
    timeframe: job.timeframe,
    bars: loadedJob.series.bars,
    warmUpBars: loadedJob.series.warmUpBars,
    magnifier: magnifierBars !== null,
    series,
    shouldCancel,
    onProgress: report,
    ...(magnifierBars ? { magnifierBars } : {}),
  };
  let result: BacktestResult;
  try {
    result = runBacktest(input);
    if (job.fault === 'busy') {
      // Test fault: keep the worker in the real engine loop (with its real cancel poll)
      // for faultMs, as a long run would.
      const end = started + (job.faultMs ?? 1000);
      while (performance.now() < end) result = runBacktest(input);
    }
  } catch (error) {
    if (isBacktestCancelled(error)) throw new CancelledError((error as Error).message);
    throw error;
  }
  return result;
}

function toWire(done: ExecutedJob): WorkerBacktestWire {
  const { result, series } = done;
  const ts = done.runTs.slice();
  const { trades, markers, ...rest } = result;
  const packedTrades = packTrades(trades);
  const packedMarkers = packMarkers(markers);
  const out: WorkerBacktestWire = {
    instrument: done.instrument,
    result: rest,
    trades: packedTrades,
    markers: packedMarkers,
    hash: done.hash(),
    engineVersion: ENGINE_VERSION,
    ts,
    barCount: ts.length,
    warmUp: done.warmUp,
    barsOrigin: series.origin,
    magnifierUsed: done.magnifierUsed,
    barsFromCache: series.fromCache,
    indicatorsFromCache: done.indicatorsFromCache,
    timings: { loadMs: done.loadMs, engineMs: done.engineMs, pausedMs: done.foreground.pausedMs(), totalMs: performance.now() - done.started },
    memory: memory(),
  };
  // The engine allocates equity and drawdown per run, so they can move without a copy;
  // the ts column is our own copy (the cached bars must stay usable here); trades and
  // markers go as columns (cloning ~27k objects cost more than the whole engine run).
  // A Set: equity and drawdown may share one buffer, and a buffer listed twice fails to clone.
  return Comlink.transfer(out, [...new Set([result.equity.buffer, result.drawdownPct.buffer, ts.buffer]), ...fillBuffers(packedTrades), ...fillBuffers(packedMarkers)]);
}

/**
 * Saves the executed job as a run on this worker's own write connection. Once the run is
 * sure to be kept, posts its results on the progress port first: the user waiting on the
 * run sees them without waiting on the write (15-60 ms for a year of minutes).
 */
function save(done: ExecutedJob, record: RunRecord, cancelFlag: SharedArrayBuffer, progress: MessagePort): WorkerSavedRun {
  const { job, instrument, series, result } = done;
  const barCount = done.runTs.length;
  if (barCount === 0) throw new NotFoundError(`No ${job.timeframe} bars of ${instrument.symbol} in the requested range`);
  const cancelled = cancelPoller(cancelFlag);
  done.foreground.pause(cancelled);
  // Cancelled while the engine finished: nothing is saved. Past this point the run is kept.
  if (cancelled()) throw new CancelledError();
  progress.postMessage({ interim: computedRun(done) } satisfies InterimMessage<ComputedRun>);
  // The hash (tens of ms for a year of minutes) once the results are out, and outside the write.
  done.hash();
  const saveStarted = performance.now();
  const store = runStoreFor(job.dbFile);
  const run = duringWrite(cancelFlag, () => {
    if (job.fault === 'slowSave') holdFor(job.faultMs ?? 1000);
    if (job.fault === 'failSave') failSaveAfter(job.faultMs ?? 1000);
    return saveRun(store, done, record);
  });
  if (job.fault === 'slowReply') holdFor(job.faultMs ?? 1000);
  const now = performance.now();
  return {
    run,
    metrics: result.metrics,
    openPosition: result.openPosition,
    barCount,
    warmUp: done.warmUp,
    barsFromCache: series.fromCache,
    computedInAdvance: done.computedInAdvance,
    timings: { loadMs: done.loadMs, engineMs: done.engineMs, saveMs: now - saveStarted, pausedMs: done.foreground.pausedMs(), totalMs: now - done.started },
    memory: memory(),
  };
}

function computedRun({ result, runTs: ts, warmUp }: Executed): ComputedRun {
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

function saveRun(store: SqliteRunStore, done: Executed, record: RunRecord): RunSummary {
  const { job, instrument, series, runTs, result } = done;
  const barCount = runTs.length;
  return store.save({
    name: record.name,
    strategyId: record.strategyId,
    spec: job.spec,
    instrumentId: instrument.id,
    symbol: instrument.symbol,
    timeframe: job.timeframe,
    fromTs: record.fromTs,
    toTs: record.toTs,
    barCount,
    engineVersion: ENGINE_VERSION,
    hash: done.hash(),
    metrics: result.metrics,
    trades: result.trades,
    markers: result.markers,
    // The cached bars' ts column is only read by the save, so no copy is needed.
    equity: { ts: runTs, equity: result.equity },
    status: 'completed',
    extras: {
      // The caller's context first: the engine's own keys are never overridden by it.
      ...record.extras,
      openPosition: result.openPosition,
      barsOrigin: series.origin,
      magnifierUsed: done.magnifierUsed,
      warmUp: done.warmUp,
      firstTs: runTs[0]!,
      lastTs: runTs[barCount - 1]!,
    },
  });
}

/** Run stores on this worker's own write connection, one per database file. */
const runStores = new Map<string, { store: SqliteRunStore; db: Connection }>();
function runStoreFor(dbFile: string): SqliteRunStore {
  let entry = runStores.get(dbFile);
  if (!entry) {
    const db = openWorkerWriter(dbFile);
    // Its commits do not checkpoint on the spot (the checkpoint writes the run a second
    // time, into the main file, with an fsync): checkpointAfterReply does it once the
    // run's summary is on its way.
    db.pragma('wal_autocheckpoint = 0');
    entry = { store: new SqliteRunStore(db), db };
    runStores.set(dbFile, entry);
  }
  return entry.store;
}

/**
 * Checkpoints the WAL after the current job has answered: setImmediate runs once the
 * reply is posted and before the next job's message is read. PASSIVE never waits on the
 * app's readers or writer; what it cannot copy now, the next one does.
 */
function checkpointAfterReply(dbFile: string): void {
  setImmediate(() => {
    try {
      runStores.get(dbFile)?.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or closed: the next save's checkpoint (or the app's close) catches up.
    }
  });
}

/**
 * The JIT warm-up (pools started with `warmUp`, i.e. the app's): a fresh worker ran its
 * first five year-long runs 2-4x slower than later ones while V8 optimised the engine,
 * indicator and save code (engine 50-140 ms vs 20-30, save 30-60 ms vs 20-25). So the
 * worker runs that code on synthetic bars, every template, saving into an in-memory
 * database, while the app is idle and before the user's first run; real jobs go first
 * (see warm-up.ts). Small bar sets keep each step short: the first steps run cold code.
 * `node dist/bench/backtest-e2e.js`: first run in a fresh worker 284-311 -> 175-219 ms,
 * runs 2-5 94-114 -> 75-96 ms, for ~0.6-1.1 s of worker CPU once.
 */
const WARM_UP_BARS = 32_768;
const WARM_UP_ROUNDS = 6;
function warmUpPlan(foreground: SharedArrayBuffer | null): WarmUpPlan {
  const templates = listTemplates();
  let synthetic: LoadedJob | null = null;
  let db: Connection | null = null;
  let store: SqliteRunStore | null = null;
  const warmCache = new IndicatorCache(16 * MB);
  const record: RunRecord = { name: 'warm-up', strategyId: null, fromTs: null, toTs: null };
  return {
    steps: templates.length * WARM_UP_ROUNDS,
    delayMs: 1_000,
    foreground,
    // Real runs warm the same code; after a few the rest would only cost CPU.
    warmAlready: () => jobsRun >= 3,
    step: (index) => {
      const demo = DEMO_INSTRUMENTS[0]!;
      const synthBars = synthetic?.series.bars ?? generateDemoBars(demo, WARM_UP_BARS);
      synthetic ??= {
        job: { jobId: 'warm-up', dbFile: ':memory:', timeframe: '1m', spec: buildTemplate(templates[0]!.id) },
        instrument: { id: instrumentId(1), ...demo.draft },
        series: { bars: synthBars, origin: 'stored', fromCache: false, key: 'warm-up', warmUpBars: 0 },
        runTs: synthBars.ts,
        warmUpNeeded: 0,
        magnifierBars: null,
        started: 0,
      };
      if (!store) {
        db = new Database(':memory:');
        migrate(db);
        db.pragma('foreign_keys = OFF'); // the synthetic instrument is not stored
        store = new SqliteRunStore(db);
      }
      const spec = buildTemplate(templates[index % templates.length]!.id);
      const job = { ...synthetic, job: { ...synthetic.job, spec }, started: performance.now() };
      const run = saveRun(store, compute(job, warmCache, () => false, () => undefined, null), record);
      store.delete(run.id);
    },
    onEnd: () => {
      db?.close();
      db = store = synthetic = null;
    },
  };
}

function memory(): WorkerMemory {
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers, rssBytes: m.rss };
}

const poolData = workerData as PoolWorkerData | undefined;
const warmUp: (() => WarmUpFigures) | null = poolData?.warmUp ? warmUpInBackground(warmUpPlan(poolData.foreground)) : null;
Comlink.expose(api, nodeEndpoint(parentPort!));
