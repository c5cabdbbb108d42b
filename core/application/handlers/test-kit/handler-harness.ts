// The handler table over real adapters for tests: SQLite in a temp dir, real import,
// backtest and sweep workers from dist/. Calls go through the dispatcher, as from either transport.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher, type Dispatcher } from '../../contract/dispatcher.js';
import { createEventBus, type EventMessage } from '../../contract/events.js';
import { LatencyRecorder } from '../../contract/latency.js';
import { JobRegistry } from '../../jobs/job-registry.js';
import { csvBarExporter, workerBarImporter } from '../../../infrastructure/csv/bar-file-adapters.js';
import { FilePolicy } from '../../../infrastructure/files/file-policy.js';
import { WorkerAnalysisRunner } from '../../../infrastructure/analysis/worker-analysis-runner.js';
import { SqliteJobStore } from '../../../infrastructure/jobs/sqlite-job-store.js';
import { SqliteRunStore } from '../../../infrastructure/runs/sqlite-run-store.js';
import { openStorage, type Storage } from '../../../infrastructure/sqlite/storage.js';
import { SqliteStrategyStore } from '../../../infrastructure/strategies/sqlite-strategy-store.js';
import { SqliteSweepStore } from '../../../infrastructure/sweeps/sqlite-sweep-store.js';
import { WorkerVariantEvaluator } from '../../../infrastructure/sweeps/worker-variant-evaluator.js';
import { createForegroundSignal, ForegroundActivity } from '../../../infrastructure/workers/foreground-signal.js';
import { WorkerBacktestExecutor } from '../../../infrastructure/workers/worker-backtest-executor.js';
import { createHandlers } from '../create-handlers.js';
import type { PoolSnapshot } from '../handler-deps.js';

export interface HandlerHarness {
  readonly dir: string;
  readonly storage: Storage;
  readonly dispatcher: Dispatcher;
  readonly jobs: JobRegistry;
  readonly executor: WorkerBacktestExecutor;
  readonly evaluator: WorkerVariantEvaluator;
  /** Every event emitted, in order. */
  readonly events: EventMessage[];
  close(): Promise<void>;
}

/** Opens a fresh store and the full handler table with one backtest and `sweepWorkers` sweep workers. */
export function openHandlerHarness(options: { prefix: string; sweepWorkers?: number }): HandlerHarness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix));
  const storage = openStorage({ file: path.join(dir, 'workstation.sqlite') });
  const bus = createEventBus();
  const events: EventMessage[] = [];
  bus.onAny((message) => events.push(message));
  const latency = new LatencyRecorder();
  const clock = () => Date.now();
  let ids = 0;
  const newId = () => `id-${++ids}`;
  const jobs = new JobRegistry({ store: new SqliteJobStore(storage.writer), events: bus, clock, newId, logger: { error: () => {} } });
  const foreground = createForegroundSignal();
  const activity = new ForegroundActivity(foreground);
  const executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1, foreground });
  const evaluator = new WorkerVariantEvaluator({ dbFile: storage.file, size: options.sweepWorkers ?? 1, foreground });
  const reader = () => storage.database.reader();
  const analysis = new WorkerAnalysisRunner({ dbFile: storage.file });
  const snapshot = (pool: PoolSnapshot['pool'], stats: PoolSnapshot['stats'], workers: { workerId: number; value: Omit<PoolSnapshot['workers'][number], 'workerId'> }[]): PoolSnapshot => ({
    pool,
    stats,
    workers: workers.map((w) => ({ workerId: w.workerId, bars: w.value.bars, indicators: w.value.indicators, memory: w.value.memory })),
  });
  const dispatcher = createDispatcher(
    createHandlers({
      barStore: storage.barStore,
      strategyStore: new SqliteStrategyStore(storage.writer, reader),
      runStore: new SqliteRunStore(storage.writer, reader),
      jobs,
      events: bus,
      importer: workerBarImporter(storage.file),
      exporter: csvBarExporter(storage.barStore),
      files: new FilePolicy({ dataDir: dir }),
      backtests: executor,
      clock,
      yieldNow: () => new Promise((resolve) => setImmediate(resolve)),
      newId,
      systemInfo: {
        appVersion: 'test',
        transport: 'cli',
        dataDir: dir,
        databaseFile: storage.file,
        platform: process.platform,
        runtimeVersion: process.version,
        workerThreads: 1,
        fileFolders: null,
      },
      slowStatements: () => storage.slowLog.list(10),
      latency,
      sweeps: new SqliteSweepStore(storage.writer, reader, clock),
      evaluator,
      analysis,
      performance: {
        pools: async () => [
          snapshot('backtest', executor.stats(), await executor.workerStats()),
          snapshot('sweep', evaluator.stats(), await evaluator.workerStats()),
        ],
        processMemory: () => {
          const m = process.memoryUsage();
          return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers };
        },
      },
      foreground: { noteActivity: (forMs) => activity.note(forMs) },
    }),
    { logger: { error: () => {} }, now: () => performance.now(), latency },
  );
  return {
    dir,
    storage,
    dispatcher,
    jobs,
    executor,
    evaluator,
    events,
    async close() {
      await Promise.all([executor.close(), evaluator.close(), analysis.close()]);
      storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
