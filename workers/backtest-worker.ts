// Backtest worker: an adapter around the run use case (core/application/backtest/
// execute-run.ts). It carries jobs in from the pool and results out (big arrays
// transferred, trades and markers in the fill codec), reads the pool's cancel flag,
// posts progress, gives way to the user, and keeps its caches in one state object.
// Started by WorkerPool (core/infrastructure/workers); RPC with comlink's node adapter.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { ComputedRun, RunRecord } from '../core/application/backtest/backtest-executor.js';
import { BacktestState, executeRun, portfolioResult, prepareRun, saveRun, type ExecutedRun, type RunBarSource, type RunControl } from '../core/application/backtest/execute-run.js';
import { IndicatorCache } from '../core/application/backtest/indicator-cache.js';
import { CancelledError, ValidationError } from '../core/application/errors.js';
import { DEMO_INSTRUMENTS, generateDemoBars } from '../core/domain/demo/synthetic-bars.js';
import { ENGINE_VERSION } from '../core/domain/engine/backtest.js';
import type { BacktestResult } from '../core/domain/engine/types.js';
import { instrumentId } from '../core/domain/market/ids.js';
import { isTimeframe } from '../core/domain/market/timeframe.js';
import { buildTemplate, listTemplates } from '../core/domain/strategy/templates.js';
import { fillBuffers, packMarkers, packTrades } from '../core/infrastructure/runs/fill-columns.js';
import { SqliteRunStore } from '../core/infrastructure/runs/sqlite-run-store.js';
import { BarSource } from '../core/infrastructure/sqlite/bar-source.js';
import { openWorkerWriter, type Connection } from '../core/infrastructure/sqlite/database.js';
import { migrate } from '../core/infrastructure/sqlite/migrations.js';
import {
  CACHE_MB_ENV,
  TEST_FAULTS,
  type BacktestJob,
  type BacktestWorkerApi,
  type BacktestWorkerStats,
  type PrimingFigures,
  type WorkerBacktestWire,
  type WorkerMemory,
  type WorkerSavedRun,
} from '../core/infrastructure/workers/backtest-protocol.js';
import { cancelPoller, duringWrite } from '../core/infrastructure/workers/cancel-flag.js';
import { installErrorCodec } from '../core/infrastructure/workers/error-codec.js';
import type { InterimMessage } from '../core/infrastructure/workers/interim-message.js';
import type { PoolWorkerData } from '../core/infrastructure/workers/worker-pool.js';
import { foregroundPauses, type ForegroundPauses } from './lib/foreground.js';
import { primeInBackground, type PrimingPlan } from './lib/jit-priming.js';
import { progressReporter } from './lib/progress-reporter.js';
import { assertFaultsEnabled, commitFault, defaultJobFault, failSaveAfter, holdFor } from './lib/test-faults.js';
import { lowerThreadPriority } from './lib/thread-priority.js';

lowerThreadPriority();
installErrorCodec();
const MB = 1024 * 1024;
const cacheMb = Number(process.env[CACHE_MB_ENV] ?? 512);
const budget = (Number.isFinite(cacheMb) && cacheMb >= 0 ? cacheMb : 512) * MB;

/** Everything this worker keeps between jobs. */
const worker = {
  // Bars get three quarters of the budget; indicator arrays (one Float64Array per operand) the rest.
  bars: new BarSource(Math.floor(budget * 0.75)),
  run: new BacktestState(new IndicatorCache(Math.floor(budget * 0.25))),
  /** Run stores on this worker's own write connection, one per database file. */
  runStores: new Map<string, { store: SqliteRunStore; db: Connection }>(),
  jobsRun: 0,
};

const api: BacktestWorkerApi = {
  async runBacktest(job, progress, cancelFlag) {
    try {
      return toWire(await execute(job, progress, cancelFlag));
    } finally {
      worker.jobsRun++;
      progress.close();
    }
  },
  async runAndSave(job, record, progress, cancelFlag) {
    try {
      const saved = save(await execute(job, progress, cancelFlag, true), record, cancelFlag, progress);
      checkpointAfterReply(job.dbFile);
      return saved;
    } finally {
      worker.jobsRun++;
      progress.close();
    }
  },
  prepare(job, cancelFlag) {
    if (!isTimeframe(job.request.timeframe)) throw new ValidationError(`Unknown timeframe "${String(job.request.timeframe)}"`);
    return prepareRun(worker.run, worker.bars.forFile(job.dbFile), job.request, control(job, cancelFlag, foregroundPauses(false)));
  },
  stats(): BacktestWorkerStats {
    return { bars: worker.bars.stats(), indicators: worker.run.indicators.stats(), memory: memory(), jobsRun: worker.jobsRun, priming: priming?.() ?? null };
  },
};

/** How the use case is steered from here: the pool's cancel flag, pauses for the UI, progress on the port. */
function control(job: BacktestJob, cancelFlag: SharedArrayBuffer, foreground: ForegroundPauses, progress?: MessagePort): RunControl {
  const cancelled = cancelPoller(cancelFlag);
  return {
    now: () => performance.now(),
    checkpoint: () => {
      foreground.pause(cancelled);
      if (cancelled()) throw new CancelledError();
    },
    // The engine's poll: cancel, and a pause while the user interacts.
    shouldCancel: foreground.yieldingPoll(cancelled),
    onProgress: progressReporter(progress),
    ...(job.fault === 'busy'
      ? {
          // Test fault: keep the worker in the real engine loop (with its real cancel poll)
          // for faultMs, as a long run would.
          engine: (run: () => BacktestResult) => {
            const end = performance.now() + (job.faultMs ?? 1000);
            let result = run();
            while (performance.now() < end) result = run();
            return result;
          },
        }
      : {}),
  };
}

/** An executed job with its pauses for the UI (the save pauses there too). */
interface ExecutedJob extends ExecutedRun {
  readonly job: BacktestJob;
  readonly foreground: ForegroundPauses;
}

/** `reusePrepared`: take the prepared result of these inputs if there is one (not for results whose arrays are transferred away). */
async function execute(requested: BacktestJob, progress: MessagePort, cancelFlag: SharedArrayBuffer, reusePrepared = false): Promise<ExecutedJob> {
  const envFault = requested.fault === undefined ? defaultJobFault() : null;
  const job: BacktestJob = envFault ? { ...requested, ...envFault } : requested;
  if (!isTimeframe(job.request.timeframe)) throw new ValidationError(`Unknown timeframe "${String(job.request.timeframe)}"`);
  if (job.fault !== undefined) {
    if (!(TEST_FAULTS as readonly string[]).includes(job.fault)) throw new ValidationError(`Unknown test fault "${job.fault}"`);
    assertFaultsEnabled(job.fault);
    if (commitFault(job.fault, job.faultMs ?? 1000) === 'pending') return new Promise<never>(() => {});
  }
  const foreground = foregroundPauses(job.interactive === true);
  const executed = executeRun(worker.run, worker.bars.forFile(job.dbFile), job.request, control(job, cancelFlag, foreground, progress), reusePrepared && job.fault === undefined);
  return { ...executed, job, foreground };
}

function toWire(done: ExecutedJob): WorkerBacktestWire {
  const { result, request } = done;
  const ts = done.runTs.slice();
  const { trades, markers, ...rest } = result;
  const portfolio = portfolioResult(done);
  const packedTrades = packTrades(trades, portfolio?.tradeInstruments);
  const packedMarkers = packMarkers(markers, portfolio?.markerInstruments);
  const out: WorkerBacktestWire = {
    instrument: request.instrument,
    result: rest,
    trades: packedTrades,
    markers: packedMarkers,
    hash: done.hash(),
    engineVersion: ENGINE_VERSION,
    ts,
    barCount: ts.length,
    warmUp: done.warmUp,
    barsOrigin: done.barsOrigin,
    magnifierUsed: done.magnifierUsed,
    barsFromCache: done.barsFromCache,
    indicatorsFromCache: done.indicatorsFromCache,
    timings: { loadMs: done.loadMs, engineMs: done.engineMs, pausedMs: done.foreground.pausedMs(), totalMs: performance.now() - done.started },
    memory: memory(),
  };
  // The engine allocates the equity (and an empty drawdown: runs keep none) per run, so they can move without a copy;
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
  const { job, foreground } = done;
  const cancelled = cancelPoller(cancelFlag);
  const saved = saveRun(runStoreFor(job.dbFile), done, record, {
    now: () => performance.now(),
    // Cancelled while the engine finished: nothing is saved. Past this point the run is kept.
    checkpoint: () => {
      foreground.pause(cancelled);
      if (cancelled()) throw new CancelledError();
    },
    onComputed: (run) => progress.postMessage({ interim: run } satisfies InterimMessage<ComputedRun>),
    write: (write) =>
      duringWrite(cancelFlag, () => {
        if (job.fault === 'slowSave') holdFor(job.faultMs ?? 1000);
        if (job.fault === 'failSave') failSaveAfter(job.faultMs ?? 1000);
        return write();
      }),
    pausedMs: () => foreground.pausedMs(),
  });
  if (job.fault === 'slowReply') holdFor(job.faultMs ?? 1000);
  return { ...saved, barsFromCache: done.barsFromCache, memory: memory() };
}

function runStoreFor(dbFile: string): SqliteRunStore {
  let entry = worker.runStores.get(dbFile);
  if (!entry) {
    const db = openWorkerWriter(dbFile);
    // Its commits do not checkpoint on the spot (the checkpoint writes the run a second
    // time, into the main file, with an fsync): checkpointAfterReply does it once the
    // run's summary is on its way.
    db.pragma('wal_autocheckpoint = 0');
    entry = { store: new SqliteRunStore(db), db };
    worker.runStores.set(dbFile, entry);
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
      worker.runStores.get(dbFile)?.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or closed: the next save's checkpoint (or the app's close) catches up.
    }
  });
}

/**
 * The JIT priming (pools started with `primeJit`, i.e. the app's): a fresh worker ran its
 * first five year-long runs 2-4x slower than later ones while V8 optimised the engine,
 * indicator and save code (engine 50-140 ms vs 20-30, save 30-60 ms vs 20-25). So the
 * worker runs that code on synthetic bars, every template, saving into an in-memory
 * database, while the app is idle and before the user's first run; real jobs go first
 * (see jit-priming.ts). Small bar sets keep each step short: the first steps run cold code.
 * `node dist/bench/backtest-e2e.js`: first run in a fresh worker 284-311 -> 175-219 ms,
 * runs 2-5 94-114 -> 75-96 ms, for ~0.6-1.1 s of worker CPU once.
 */
const PRIMING_BARS = 32_768;
const PRIMING_ROUNDS = 6;
function primingPlan(foreground: SharedArrayBuffer | null): PrimingPlan {
  const templates = listTemplates();
  const demo = DEMO_INSTRUMENTS[0]!;
  let source: RunBarSource | null = null;
  let db: Connection | null = null;
  let store: SqliteRunStore | null = null;
  // Its own caches: priming leaves the worker's bar, indicator and hash caches to real jobs.
  const state = new BacktestState(new IndicatorCache(16 * MB));
  const record: RunRecord = { name: 'priming', strategyId: null, fromTs: null, toTs: null };
  const never = () => false;
  const steer: RunControl = { now: () => performance.now(), checkpoint: () => undefined, shouldCancel: never };
  return {
    steps: templates.length * PRIMING_ROUNDS,
    delayMs: 1_000,
    foreground,
    // Real runs warm the same code; after a few the rest would only cost CPU.
    primedAlready: () => worker.jobsRun >= 3,
    step: (index) => {
      if (!source) {
        const bars = generateDemoBars(demo, PRIMING_BARS);
        source = {
          series: () => ({ bars, origin: 'stored', fromCache: false, key: 'jit-priming', warmUpBars: 0 }),
          minuteBarsFor: () => null,
          barsToRead: () => bars.ts.length,
          portfolio: () => {
            throw new Error('JIT priming runs single instruments');
          },
          scratch: () => {
            throw new Error('JIT priming runs are too short to stream');
          },
        };
      }
      if (!store) {
        db = new Database(':memory:');
        migrate(db);
        db.pragma('foreign_keys = OFF'); // the synthetic instrument is not stored
        store = new SqliteRunStore(db);
      }
      const request = { instrument: { id: instrumentId(1), ...demo.draft }, timeframe: '1m' as const, spec: buildTemplate(templates[index % templates.length]!.id) };
      state.hashes.clear(); // each step hashes, as a real first run does
      const executed = executeRun(state, source, request, steer);
      const run = saveRun(store, executed, record, { ...steer, write: (write) => write(), pausedMs: () => 0 });
      store.delete(run.run.id);
    },
    onEnd: () => {
      db?.close();
      db = store = source = null;
    },
  };
}

function memory(): WorkerMemory {
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers, rssBytes: m.rss };
}

const poolData = workerData as PoolWorkerData | undefined;
const priming: (() => PrimingFigures) | null = poolData?.primeJit ? primeInBackground(primingPlan(poolData.foreground)) : null;
Comlink.expose(api, nodeEndpoint(parentPort!));

