// Composition root shared by the CLI, the local web server and the Electron main
// process: opens the store, the worker pool and the job registry, and builds the one
// handler table both transports dispatch through.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { createDispatcher, type Dispatcher, type Logger } from '../core/application/contract/dispatcher.js';
import { createEventBus, type EventBus } from '../core/application/contract/events.js';
import { LatencyRecorder } from '../core/application/contract/latency.js';
import type { SystemInfo } from '../core/application/contract/system.js';
import { seedDemoDataIfEmpty, type DemoSeedReport } from '../core/application/demo/seed-demo.js';
import { createHandlers } from '../core/application/handlers/create-handlers.js';
import { JobRegistry } from '../core/application/jobs/job-registry.js';
import { exportBarsCsv } from '../core/infrastructure/csv/export-csv.js';
import { runImportInWorker } from '../core/infrastructure/csv/import-runner.js';
import { resolveDataDir } from '../core/infrastructure/data-dir.js';
import { SqliteJobStore } from '../core/infrastructure/jobs/sqlite-job-store.js';
import { SqliteRunStore } from '../core/infrastructure/runs/sqlite-run-store.js';
import { openStorage, type Storage } from '../core/infrastructure/sqlite/storage.js';
import { SqliteStrategyStore } from '../core/infrastructure/strategies/sqlite-strategy-store.js';
import { WorkerBacktestExecutor } from '../core/infrastructure/workers/worker-backtest-executor.js';

export interface WorkstationOptions {
  /** --data-dir; BWS_DATA_DIR and the platform default otherwise. */
  readonly dataDir?: string;
  readonly transport: SystemInfo['transport'];
  /** Seed the synthetic demo data set when the store is empty (default true). */
  readonly seedDemo?: boolean;
  /** Worker threads for backtests (default: available cores). */
  readonly workers?: number;
  readonly logger?: Logger;
}

export interface Workstation {
  readonly dataDir: string;
  readonly storage: Storage;
  readonly dispatcher: Dispatcher;
  readonly events: EventBus;
  readonly jobs: JobRegistry;
  readonly executor: WorkerBacktestExecutor;
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

/** Opens the whole workstation on one data directory. */
export async function openWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const dataDir = resolveDataDir(options.dataDir);
  const logger = options.logger ?? stderrLogger;
  const storage = openStorage({ dataDir });
  const demo = options.seedDemo === false ? { seeded: false, instruments: [] } : seedDemoDataIfEmpty(storage.barStore);
  const reader = () => storage.database.reader();
  const events = createEventBus((error) => logger.error('Event listener failed', { error }));
  const latency = new LatencyRecorder();
  const clock = () => Date.now();
  const jobs = new JobRegistry({ store: new SqliteJobStore(storage.writer), events, clock, newId: randomUUID, logger });
  const interrupted = jobs.recoverInterrupted();
  if (interrupted > 0) logger.warn?.(`${interrupted} job(s) left unfinished by a previous run were marked interrupted`);
  const executor = new WorkerBacktestExecutor({ dbFile: storage.file, ...(options.workers ? { size: options.workers } : {}) });
  const handlers = createHandlers({
    barStore: storage.barStore,
    strategyStore: new SqliteStrategyStore(storage.writer, reader),
    runStore: new SqliteRunStore(storage.writer, reader),
    jobs,
    events,
    importer: {
      importFile: (importOptions, control) => {
        const abort = new AbortController();
        const unsubscribe = control.onCancel(() => abort.abort());
        return runImportInWorker(storage.file, importOptions, { onProgress: control.onProgress, signal: abort.signal }).finally(unsubscribe);
      },
    },
    exporter: {
      exportCsv: async (request) => {
        const report = exportBarsCsv(storage.barStore, request, request.path);
        return { path: report.file, rows: report.bars };
      },
    },
    backtests: executor,
    clock,
    newId: randomUUID,
    systemInfo: {
      appVersion: appVersion(),
      transport: options.transport,
      dataDir,
      databaseFile: storage.file,
      platform: `${os.platform()} ${os.release()}`,
      runtimeVersion: `Node ${process.version}`,
      workerThreads: executor.stats().size,
    },
    slowStatements: () => storage.slowLog.list(100),
    latency,
  });
  const dispatcher = createDispatcher(handlers, { logger, now: () => performance.now(), latency });
  return {
    dataDir,
    storage,
    dispatcher,
    events,
    jobs,
    executor,
    demo,
    async close() {
      await executor.close();
      storage.close();
    },
  };
}
