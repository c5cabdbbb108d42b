// The one composition root, for the desktop app's main process, the local web server,
// the CLI and the tests: opens the store, the job registry and the backtest and sweep
// executors, and builds the one handler table every transport dispatches through.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import type { BacktestExecutor } from '../application/backtest/backtest-executor.js';
import { createDispatcher, type Dispatcher, type Logger } from '../application/contract/dispatcher.js';
import { createEventBus, type EventBus } from '../application/contract/events.js';
import { createHandlers } from '../application/create-handlers.js';
import { SeriesDeletions, type Scheduler } from '../application/data/series-deletions.js';
import { seedDemoDataIfEmpty, type DemoSeedReport } from '../application/data/seed-demo.js';
import { generateDemoSeriesOnThreads } from './demo/demo-threads.js';
import { JobRegistry } from '../application/jobs/job-registry.js';
import type { RunStore } from '../application/runs/run-store.js';
import { primeArgsort } from '../application/runs/stable-argsort.js';
import type { VariantEvaluator } from '../application/sweeps/ports.js';
import type { SystemInfo } from '../application/system/contract.js';
import { LatencyRecorder } from '../application/system/latency.js';
import type { PerformanceProbe, PoolSnapshot, WorkerFigures } from '../application/system/performance-probe.js';
import { WorkerAnalysisRunner } from './analysis/worker-analysis-runner.js';
import { InProcessBacktestExecutor } from './backtest/in-process-executor.js';
import { csvBarExporter, workerBarImporter } from './csv/bar-file-adapters.js';
import { workerBarDownloader } from './exchanges/download-runner.js';
import { exchangeConnectionFromEnv, type ExchangeConnection } from './exchanges/exchange-connection.js';
import { databasePath, resolveDataDir } from './data-dir.js';
import { FilePolicy } from './files/file-policy.js';
import { describeHostFailure } from './host-failures.js';
import { SqliteJobStore } from './jobs/sqlite-job-store.js';
import { SqliteRunStore } from './runs/sqlite-run-store.js';
import { startCheckpointer } from './sqlite/checkpointer.js';
import { openStorage, type Storage } from './sqlite/storage.js';
import { SqliteStrategyStore } from './strategies/sqlite-strategy-store.js';
import { SqliteSweepStore } from './sweeps/sqlite-sweep-store.js';
import { WorkerVariantEvaluator } from './sweeps/worker-variant-evaluator.js';
import type { OpenedCluster } from './cluster/open-cluster.js';
import { TEST_FAULTS_ENV } from './workers/backtest-protocol.js';
import { createForegroundSignal, ForegroundActivity } from './workers/foreground-signal.js';
import { WorkerBacktestExecutor } from './workers/worker-backtest-executor.js';
import type { PoolStats } from './workers/worker-pool.js';

/** Node's timers for the core's Scheduler: unref'd, so a pending purge never holds a CLI process open. */
const hostScheduler: Scheduler = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
  yield: () => new Promise((resolve) => setImmediate(resolve)),
};

export interface WorkstationOptions {
  /** --data-dir; BWS_DATA_DIR and the platform default otherwise. */
  readonly dataDir?: string;
  /** The database file itself (tests: one in a temp folder); default the data dir's. */
  readonly databaseFile?: string;
  readonly transport: SystemInfo['transport'];
  /** Seed the synthetic demo data set when the store is empty (default true). */
  readonly seedDemo?: boolean;
  /**
   * Worker threads for backtests, and for sweeps. Default: one core is left to the UI's
   * process when a UI is served (web, electron), all cores for the CLI.
   */
  readonly workers?: number;
  /** Worker threads for sweeps; default `workers`. */
  readonly sweepWorkers?: number;
  /**
   * 'pool' (the default): backtests run on a pool of worker threads, started at once, so
   * the UI's thread stays free. 'in-process': on this thread, when the process runs one
   * backtest and exits (a CLI command), where a pool buys only its start-up and copies.
   */
  readonly backtests?: 'pool' | 'in-process';
  /** Mark jobs a previous process left running as interrupted (default true); a CLI query beside a running app must not. */
  readonly recoverJobs?: boolean;
  readonly logger?: Logger;
  /** New unique ids for strategies and jobs (default random UUIDs). */
  readonly newId?: () => string;
  /**
   * A cluster of `bws agent` processes sweeps may run on: its Redis URL (`--cluster`,
   * docs/CLUSTER.md). Cluster sweeps a stopped app left running are resumed on open.
   */
  readonly cluster?: string;
  /** Undo the deletes of bars an earlier session left undoable and finish its final ones (default true; the CLI passes false). */
  readonly recoverDeletions?: boolean;
  /** How long a delete of bars can be undone (default UNDO_DELETE_MS); tests shorten it. */
  readonly undoDeleteMs?: number;
  /**
   * Web mode: paths a caller names are confined to the uploads folder and these folders
   * (`bws serve --files DIR`). Absent: any path the process can reach (desktop, CLI).
   */
  readonly fileFolders?: readonly string[];
  /** How downloads reach exchanges; default from BWS_EXCHANGE_API / BWS_EXCHANGE_RATE_LIMIT_MS, else the exchanges themselves. */
  readonly exchange?: ExchangeConnection;
}

export interface Workstation {
  readonly dataDir: string;
  /** Where web mode keeps uploads (and stages downloads): inside the data dir. */
  readonly uploadDir: string;
  readonly storage: Storage;
  readonly dispatcher: Dispatcher;
  readonly events: EventBus;
  readonly jobs: JobRegistry;
  readonly runStore: RunStore;
  /** Where backtests run: the worker pool (started on first use in a CLI process), or this thread. */
  readonly backtests: BacktestExecutor;
  /** Deletes of stored bars (the CLI makes its own final and purges them at once: it offers no undo). */
  readonly deletions: SeriesDeletions;
  /** The backtest worker pool, once started (never with backtests: 'in-process'). */
  backtestPool(): WorkerBacktestExecutor | null;
  /** The sweep worker pool, once the first sweep or walk-forward created it. */
  sweepEvaluator(): WorkerVariantEvaluator | null;
  /** The cluster sweeps may run on, when one is configured. */
  readonly cluster: OpenedCluster | null;
  readonly demo: DemoSeedReport;
  close(): Promise<void>;
}

/** Logs unexpected errors to stderr with their stack (the UI only ever sees a message). */
export const stderrLogger: Logger = {
  error: (message, fields) => process.stderr.write(`[error] ${message}${fields ? ` ${safeJson(fields)}` : ''}\n`),
  warn: (message, fields) => process.stderr.write(`[warn] ${message}${fields ? ` ${safeJson(fields)}` : ''}\n`),
};

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v));
  } catch {
    return String(value);
  }
}

function appVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '0.0.0';
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/** How long `system/performance` waits for idle workers to report their caches. */
const PROBE_TIMEOUT_MS = 250;

/** Resolves with the probe's answer, or [] when the workers do not answer in time. */
async function probeWithin<T>(probe: () => Promise<T[]>): Promise<T[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T[]>((resolve) => (timer = setTimeout(() => resolve([]), PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([probe().catch(() => []), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function snapshot(pool: PoolSnapshot['pool'], stats: PoolStats, workers: readonly { workerId: number; value: WorkerFigures }[]): PoolSnapshot {
  return {
    pool,
    stats,
    workers: workers.map((w) => ({ workerId: w.workerId, bars: w.value.bars, indicators: w.value.indicators, memory: w.value.memory })),
  };
}

/** Opens the whole workstation on one data directory (or database file). */
export async function openWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const dataDir = options.databaseFile ? path.dirname(options.databaseFile) : resolveDataDir(options.dataDir);
  const logger = options.logger ?? stderrLogger;
  const newId = options.newId ?? randomUUID;
  const uploadDir = path.join(realpathSync(dataDir), 'uploads');
  // Read before the store opens: a malformed setting is a clear error, not a half-started app.
  const exchange = options.exchange ?? exchangeConnectionFromEnv(process.env);
  const storage = openStorage({ file: options.databaseFile ?? databasePath(dataDir) });
  let cluster: OpenedCluster | null = null;
  try {
    // Loaded only with a cluster: BullMQ and ioredis add most of a second to every start on this machine.
    cluster = options.cluster === undefined ? null : await (await import('./cluster/open-cluster.js')).openCluster(options.cluster, storage.barStore);
  } catch (error) {
    storage.close();
    throw error;
  }
  const serving = options.transport !== 'cli';
  // The thread that serves a UI never checkpoints: a worker does, every 2 s (a one-shot CLI
  // process keeps checkpointing on commit, and starts no thread for it).
  let stopCheckpointer: (() => Promise<void>) | null = null;
  if (serving) {
    storage.writer.pragma('wal_autocheckpoint = 0');
    stopCheckpointer = startCheckpointer(storage.file);
  }
  // A first start generates the demo set's bars over two threads, then writes them in one transaction.
  const demo = options.seedDemo === false ? { seeded: false, instruments: [] } : await seedDemoDataIfEmpty(storage.barStore, generateDemoSeriesOnThreads());
  const reader = () => storage.database.reader();
  const events = createEventBus((error) => logger.error('Event listener failed', { error }));
  const latency = new LatencyRecorder();
  const clock = () => Date.now();
  const jobs = new JobRegistry({ store: new SqliteJobStore(storage.writer), events, clock, newId, logger, translateError: describeHostFailure });
  const sweepStore = new SqliteSweepStore(storage.writer, reader, clock);
  if (options.recoverJobs !== false) {
    // Everything long-running a dead process left unfinished: its jobs (a walk-forward keeps
    // the windows it checkpointed) and its sweeps (their variants kept); its staged imports
    // were dropped when the store opened. A sweep on a cluster is not interrupted: the next
    // process started with that cluster resumes it (sweepHandlers).
    const interrupted = jobs.recoverInterrupted();
    if (interrupted > 0) logger.warn?.(`${interrupted} job(s) left unfinished by a previous run were marked interrupted`);
    const interruptedSweeps = sweepStore.interruptRunning(clock());
    if (interruptedSweeps > 0) logger.warn?.(`${interruptedSweeps} sweep(s) left running by a previous run were marked interrupted; their finished variants are kept`);
  }
  // The app's main thread sorts big trade tables on a header click; have that code optimised
  // before the first one (a one-shot CLI command never sorts).
  if (serving) primeArgsort();
  // Under load the main thread still answers the UI and saves finished runs: keep a core for it.
  const workers = options.workers ?? (serving ? Math.max(1, os.availableParallelism() - 1) : os.availableParallelism());
  // Marked by the UI while the user interacts; the workers of both pools pause meanwhile.
  const foreground = new ForegroundActivity(createForegroundSignal());
  const runStore = new SqliteRunStore(storage.writer, reader);
  let closed = false;
  const whenOpen = () => {
    if (closed) throw new Error('The workstation is closed');
  };
  // A served UI starts its pool at once (workers ready, JIT primed, before the first run);
  // a CLI process only when a command runs a backtest, or never (in-process).
  let pool: WorkerBacktestExecutor | null = null;
  const startPool = (): WorkerBacktestExecutor =>
    (pool ??= new WorkerBacktestExecutor({
      dbFile: storage.file,
      size: workers,
      foreground: foreground.signal,
      primeJit: serving,
      // End-to-end tests drive long runs through BWS_TEST_JOB_FAULT (backtest-protocol.ts).
      testFaults: process.env[TEST_FAULTS_ENV] === '1',
    }));
  if (serving && options.backtests !== 'in-process') startPool();
  let inProcess: InProcessBacktestExecutor | null = null;
  const local = (): InProcessBacktestExecutor => (inProcess ??= new InProcessBacktestExecutor({ dbFile: storage.file, runs: runStore }));
  const backtests: BacktestExecutor =
    options.backtests === 'in-process'
      ? {
          submit: (request, control) => local().submit(request, control),
          submitAndSave: (request, record, control) => local().submitAndSave(request, record, control),
          prepare: (request) => local().prepare(request),
        }
      : {
          submit: (request, control) => (whenOpen(), startPool().submit(request, control)),
          submitAndSave: (request, record, control) => (whenOpen(), startPool().submitAndSave(request, record, control)),
          prepare: (request) => (whenOpen(), startPool().prepare(request)),
        };
  // The sweep pool is started by the first sweep: a session that never optimizes spends
  // no threads or memory on it. Same size as the backtest pool.
  let sweepPool: WorkerVariantEvaluator | null = null;
  const evaluator: VariantEvaluator = {
    evaluate: (request, control) => {
      if (closed) return Promise.reject(new Error('The workstation is closed'));
      sweepPool ??= new WorkerVariantEvaluator({ dbFile: storage.file, size: options.sweepWorkers ?? workers, foreground: foreground.signal });
      return sweepPool.evaluate(request, control);
    },
  };
  // Monte Carlo and whole-sweep views run on a worker of their own, started by the first one.
  const analysis = new WorkerAnalysisRunner({ dbFile: storage.file });
  const performanceProbe: PerformanceProbe = {
    pools: async () => {
      const backtestPool = pool;
      const sweeps = sweepPool;
      const [backtestWorkers, sweepWorkers] = await Promise.all([
        backtestPool ? probeWithin(() => backtestPool.workerStats()) : Promise.resolve([]),
        sweeps ? probeWithin(() => sweeps.workerStats()) : Promise.resolve([]),
      ]);
      const out: PoolSnapshot[] = [];
      if (backtestPool) out.push(snapshot('backtest', backtestPool.stats(), backtestWorkers));
      if (sweeps) out.push(snapshot('sweep', sweeps.stats(), sweepWorkers));
      return out;
    },
    processMemory: () => {
      const m = process.memoryUsage();
      return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers };
    },
  };
  const deletions = new SeriesDeletions(storage.barStore, {
    now: clock,
    newId,
    scheduler: hostScheduler,
    ...(options.undoDeleteMs === undefined ? {} : { undoMs: options.undoDeleteMs }),
  });
  // Deletes an earlier session left: undoable ones (it was killed within their window) come
  // back, final ones are finished. A CLI command leaves those of an app running beside it alone.
  if (options.recoverDeletions !== false) {
    const { restored } = deletions.recover();
    if (restored > 0) logger.warn?.(`${restored} delete(s) of bars left undoable by a previous run were undone`);
  }
  const handlers = createHandlers({
    barStore: storage.barStore,
    deletions,
    strategyStore: new SqliteStrategyStore(storage.writer, reader),
    runStore,
    jobs,
    events,
    importer: workerBarImporter(storage.file),
    downloader: workerBarDownloader(storage.file, exchange),
    exporter: csvBarExporter(storage.barStore),
    files: new FilePolicy({ dataDir, uploadDir, roots: options.fileFolders ? [uploadDir, ...options.fileFolders] : null }),
    backtests,
    clock,
    yieldNow: () => new Promise((resolve) => setImmediate(resolve)),
    newId,
    systemInfo: {
      appVersion: appVersion(),
      transport: options.transport,
      dataDir,
      databaseFile: storage.file,
      platform: `${os.platform()} ${os.release()}`,
      runtimeVersion: `Node ${process.version}`,
      workerThreads: options.backtests === 'in-process' ? 0 : workers,
      fileFolders: options.fileFolders ? [...options.fileFolders] : null,
    },
    slowStatements: () => storage.slowLog.list(100),
    latency,
    sweeps: sweepStore,
    evaluator,
    cluster,
    analysis,
    performance: performanceProbe,
    foreground: { noteActivity: (forMs) => foreground.note(forMs) },
  });
  const dispatcher = createDispatcher(handlers, { logger, now: () => performance.now(), latency, translateError: describeHostFailure });
  return {
    dataDir,
    uploadDir,
    storage,
    dispatcher,
    events,
    jobs,
    runStore,
    backtests,
    deletions,
    backtestPool: () => pool,
    sweepEvaluator: () => sweepPool,
    cluster,
    demo,
    async close() {
      closed = true;
      await Promise.all([pool?.close(), sweepPool?.close(), cluster?.close(), analysis.close(), deletions.close(), stopCheckpointer?.()]);
      inProcess?.close();
      storage.close();
    },
  };
}
