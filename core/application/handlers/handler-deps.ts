import type { ImportBarsOptions, ImportProgress, ImportReport } from '../import-bars.js';
import type { BacktestExecutor } from '../backtest/backtest-executor.js';
import type { EventSink } from '../contract/events.js';
import type { LatencyRecorder } from '../contract/latency.js';
import type { SlowStatementInfo, SystemInfo } from '../contract/system.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { BarStore } from '../ports/bar-store.js';
import type { RunStore } from '../ports/run-store.js';
import type { StrategyStore } from '../ports/strategy-store.js';
import type { Timeframe } from '../../domain/market/timeframe.js';

/** Imports a bar file off the calling thread (a worker in the app). */
export interface BarImporter {
  importFile(
    options: ImportBarsOptions,
    control: { onProgress(progress: ImportProgress): void; onCancel(listener: () => void): () => void },
  ): Promise<ImportReport>;
}

export interface BarExportRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly path: string;
}

/** Writes bars of a range to a CSV file. */
export interface BarExporter {
  exportCsv(request: BarExportRequest): Promise<{ path: string; rows: number }>;
}

/** What `createHandlers` builds the handler table from: ports, use cases and host facts. */
export interface HandlerDeps {
  readonly barStore: BarStore;
  readonly strategyStore: StrategyStore;
  readonly runStore: RunStore;
  readonly jobs: JobRegistry;
  readonly events: EventSink;
  readonly importer: BarImporter;
  readonly exporter: BarExporter;
  readonly backtests: BacktestExecutor;
  /** Wall clock, epoch ms UTC. */
  readonly clock: () => number;
  /** New unique ids for strategies (and jobs, through the registry). */
  readonly newId: () => string;
  /** Facts about the host process, reported by `system/info`. */
  readonly systemInfo: SystemInfo;
  /** The newest slow SQL statements (the store's slow log). */
  readonly slowStatements: () => readonly SlowStatementInfo[];
  /** The dispatcher's latency recorder, reported by `system/performance`. */
  readonly latency: LatencyRecorder;
}
