// Composition root shared by the CLI, the local web server and the Electron main
// process: opens the store, the worker pool and the job registry, and builds the one
// handler table both transports dispatch through.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createDispatcher, type Dispatcher, type Logger } from '../core/application/contract/dispatcher.js';
import { createEventBus, type EventBus } from '../core/application/contract/events.js';
import { LatencyRecorder } from '../core/application/contract/latency.js';
import type { SystemInfo } from '../core/application/contract/system.js';
import { seedDemoDataIfEmpty, type DemoSeedReport } from '../core/application/demo/seed-demo.js';
import { createHandlers } from '../core/application/handlers/create-handlers.js';
import { warmUpArgsort } from '../core/application/handlers/stable-argsort.js';
import { JobRegistry } from '../core/application/jobs/job-registry.js';
import { csvBarExporter, workerBarImporter } from '../core/infrastructure/csv/bar-file-adapters.js';
import { resolveDataDir } from '../core/infrastructure/data-dir.js';
import { FilePolicy } from '../core/infrastructure/files/file-policy.js';
import { describeHostFailure } from '../core/infrastructure/host-failures.js';
import { SqliteJobStore } from '../core/infrastructure/jobs/sqlite-job-store.js';
import { SqliteRunStore } from '../core/infrastructure/runs/sqlite-run-store.js';
import { startCheckpointer } from '../core/infrastructure/sqlite/checkpointer.js';
import { openStorage, type Storage } from '../core/infrastructure/sqlite/storage.js';
import { SqliteStrategyStore } from '../core/infrastructure/strategies/sqlite-strategy-store.js';
import { createForegroundSignal, ForegroundActivity } from '../core/infrastructure/workers/foreground-signal.js';
import { TEST_FAULTS_ENV } from '../core/infrastructure/workers/backtest-protocol.js';
import { WorkerBacktestExecutor } from '../core/infrastructure/workers/worker-backtest-executor.js';
import type { PerformanceProbe, PoolSnapshot } from '../core/application/handlers/handler-deps.js';
import type { VariantEvaluator } from '../core/application/optimize/ports.js';
import { SqliteSweepStore } from '../core/infrastructure/sweeps/sqlite-sweep-store.js';
import { WorkerVariantEvaluator } from '../core/infrastructure/sweeps/worker-variant-evaluator.js';
import { WorkerAnalysisRunner } from '../core/infrastructure/analysis/worker-analysis-runner.js';
import type { PoolStats } from '../core/infrastructure/workers/worker-pool.js';

export interface WorkstationOptions {
  /** --data-dir; BWS_DATA_DIR and the platform default otherwise. */
  readonly dataDir?: string;
  readonly transport: SystemInfo['transport'];
  /** Seed the synthetic demo data set when the store is empty (default true). */
  readonly seedDemo?: boolean;
  /**
   * Worker threads for backtests, and for sweeps. Default: one core is left to the UI's
   * process when a UI is served (web, electron), all cores for the CLI.
   */
  readonly workers?: number;
  readonly logger?: Logger;
  /**
   * Web mode: paths a caller names are confined to the uploads folder and these folders
   * (`bws serve --files DIR`). Absent: any path the process can reach (desktop, CLI).
   */
  readonly fileFolders?: readonly string[];
}

export interface Workstation {
  readonly dataDir: string;
  /** Where web mode keeps uploads (and stages downloads): inside the data dir. */
  readonly uploadDir: string;
  readonly storage: Storage;
  readonly dispatcher: Dispatcher;
  readonly events: EventBus;
  readonly jobs: JobRegistry;
  readonly executor: WorkerBacktestExecutor;
  /** The sweep worker pool, once the first sweep or walk-forward created it. */
  sweepEvaluator(): WorkerVariantEvaluator | null;
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

function snapshot(
  pool: PoolSnapshot['pool'],
  stats: PoolStats,
  workers: readonly { workerId: number; value: { bars: PoolSnapshot['workers'][number]['bars']; indicators: PoolSnapshot['workers'][number]['indicators']; memory: PoolSnapshot['workers'][number]['memory'] } }[],
): PoolSnapshot {
  return {
    pool,
    stats,
    workers: workers.map((w) => ({ workerId: w.workerId, bars: w.value.bars, indicators: w.value.indicators, memory: w.value.memory })),
  };
}

/** Opens the whole workstation on one data directory. */
export async function openWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const dataDir = resolveDataDir(options.dataDir);
  const uploadDir = path.join(realpathSync(dataDir), 'uploads');
  const logger = options.logger ?? stderrLogger;
  const storage = openStorage({ dataDir });
  // The thread that answers calls never checkpoints: a worker does, every 2 s.
  storage.writer.pragma('wal_autocheckpoint = 0');
  const stopCheckpointer = startCheckpointer(storage.file);
  const demo = options.seedDemo === false ? { seeded: false, instruments: [] } : seedDemoDataIfEmpty(storage.barStore);
  const reader = () => storage.database.reader();
  const events = createEventBus((error) => logger.error('Event listener failed', { error }));
  const latency = new LatencyRecorder();
  const clock = () => Date.now();
  const jobs = new JobRegistry({ store: new SqliteJobStore(storage.writer), events, clock, newId: randomUUID, logger, translateError: describeHostFailure });
  // Everything long-running a previous process left unfinished: its jobs (a walk-forward keeps
  // the windows it checkpointed), its sweeps (their variants kept); staged imports were
  // dropped when the store opened.
  const interrupted = jobs.recoverInterrupted();
  if (interrupted > 0) logger.warn?.(`${interrupted} job(s) left unfinished by a previous run were marked interrupted`);
  const sweepStore = new SqliteSweepStore(storage.writer, reader, clock);
  const interruptedSweeps = sweepStore.interruptRunning(clock());
  if (interruptedSweeps > 0) logger.warn?.(`${interruptedSweeps} sweep(s) left running by a previous run were marked interrupted; their finished variants are kept`);
  // The app's main thread sorts big trade tables on a header click; have that code optimised
  // before the first one (a one-shot CLI command never sorts).
  if (options.transport !== 'cli') warmUpArgsort();
  // Under load the main thread still answers the UI and saves finished runs: keep a core for it.
  const workers = options.workers ?? (options.transport === 'cli' ? os.availableParallelism() : Math.max(1, os.availableParallelism() - 1));
  // Marked by the UI while the user interacts; the workers of both pools pause meanwhile.
  const foreground = new ForegroundActivity(createForegroundSignal());
  const executor = new WorkerBacktestExecutor({
    dbFile: storage.file,
    size: workers,
    foreground: foreground.signal,
    warmUp: options.transport !== 'cli',
    // End-to-end tests drive long runs through BWS_TEST_JOB_FAULT (backtest-protocol.ts).
    testFaults: process.env[TEST_FAULTS_ENV] === '1',
  });
  // The sweep pool is started by the first sweep: a session that never optimizes spends
  // no threads or memory on it. Same size as the backtest pool.
  let sweepPool: WorkerVariantEvaluator | null = null;
  let closed = false;
  const evaluator: VariantEvaluator = {
    evaluate: (request, control) => {
      if (closed) return Promise.reject(new Error('The workstation is closed'));
      sweepPool ??= new WorkerVariantEvaluator({ dbFile: storage.file, size: workers, foreground: foreground.signal });
      return sweepPool.evaluate(request, control);
    },
  };
  // Monte Carlo and whole-sweep views run on a worker of their own, started by the first one.
  const analysis = new WorkerAnalysisRunner({ dbFile: storage.file });
  const performanceProbe: PerformanceProbe = {
    pools: async () => {
      const sweeps = sweepPool;
      const [backtestWorkers, sweepWorkers] = await Promise.all([
        probeWithin(() => executor.workerStats()),
        sweeps ? probeWithin(() => sweeps.workerStats()) : Promise.resolve([]),
      ]);
      const out = [snapshot('backtest', executor.stats(), backtestWorkers)];
      if (sweeps) out.push(snapshot('sweep', sweeps.stats(), sweepWorkers));
      return out;
    },
    processMemory: () => {
      const m = process.memoryUsage();
      return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers };
    },
  };
  const handlers = createHandlers({
    barStore: storage.barStore,
    strategyStore: new SqliteStrategyStore(storage.writer, reader),
    runStore: new SqliteRunStore(storage.writer, reader),
    jobs,
    events,
    importer: workerBarImporter(storage.file),
    exporter: csvBarExporter(storage.barStore),
    files: new FilePolicy({ dataDir, uploadDir, roots: options.fileFolders ? [uploadDir, ...options.fileFolders] : null }),
    backtests: executor,
    clock,
    yieldNow: () => new Promise((resolve) => setImmediate(resolve)),
    newId: randomUUID,
    systemInfo: {
      appVersion: appVersion(),
      transport: options.transport,
      dataDir,
      databaseFile: storage.file,
      platform: `${os.platform()} ${os.release()}`,
      runtimeVersion: `Node ${process.version}`,
      workerThreads: executor.stats().size,
      fileFolders: options.fileFolders ? [...options.fileFolders] : null,
    },
    slowStatements: () => storage.slowLog.list(100),
    latency,
    sweeps: sweepStore,
    evaluator,
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
    executor,
    sweepEvaluator: () => sweepPool,
    demo,
    async close() {
      closed = true;
      await Promise.all([executor.close(), sweepPool?.close(), analysis.close(), stopCheckpointer()]);
      storage.close();
    },
  };
}
