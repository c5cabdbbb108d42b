import type { ImportBarsOptions, ImportProgress, ImportReport } from '../import-bars.js';
import type { BacktestExecutor } from '../backtest/backtest-executor.js';
import type { ExportBarsResult } from '../contract/data.js';
import type { EventSink } from '../contract/events.js';
import type { LatencyRecorder } from '../contract/latency.js';
import type { SlowStatementInfo, SystemInfo } from '../contract/system.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { BarStore } from '../ports/bar-store.js';
import type { RunStore } from '../ports/run-store.js';
import type { StrategyStore } from '../ports/strategy-store.js';
import type { AnalysisRunner } from '../optimize/analysis.js';
import type { SweepStore, VariantEvaluator } from '../optimize/ports.js';
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
  /** Absolute, resolved by FileAccess.exportTarget. */
  readonly path: string;
  /** Replace a file already there; without it an existing file is a ConflictError. */
  readonly overwrite?: boolean;
}

/** Writes bars of a range to a CSV file. */
export interface BarExporter {
  /** `request.path` is absolute, already resolved and checked by FileAccess.exportTarget. */
  exportCsv(request: BarExportRequest): Promise<ExportBarsResult>;
}

/**
 * Which files a caller may name: the one path policy of every transport (regular files
 * only, never the data folder's own files; in web mode only uploads and named folders).
 * Refusals are ValidationError / NotFoundError naming the path.
 */
export interface FileAccess {
  /** The file to import from, resolved; `showContent` false: messages must not quote its text. */
  importSource(path: string): { readonly path: string; readonly showContent: boolean };
  /** The file to export to (absolute, `~/...`, or relative to the folder named in `relativeTo`), resolved. */
  exportTarget(path: string): { readonly path: string; readonly relativeTo?: string };
}

/** A worker cache's counters, as the workers report them. */
export interface CacheCounters {
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/** One worker pool's counters plus what its idle workers answered when probed. */
export interface PoolSnapshot {
  readonly pool: 'backtest' | 'sweep';
  readonly stats: {
    readonly size: number;
    readonly busy: number;
    readonly queued: number;
    readonly completed: number;
    readonly failed: number;
    readonly cancelled: number;
    readonly timedOut: number;
    readonly replaced: number;
  };
  readonly workers: readonly {
    readonly workerId: number;
    readonly bars: CacheCounters;
    readonly indicators: CacheCounters;
    readonly memory: { readonly heapUsedBytes: number; readonly externalBytes: number; readonly arrayBuffersBytes: number };
  }[];
}

/**
 * Figures the performance monitor reads on demand from the host: nothing is sampled in
 * the background and nothing touches the engine's loop.
 */
export interface PerformanceProbe {
  /** The pools that exist now (the sweep pool is created with the first sweep). */
  pools(): Promise<readonly PoolSnapshot[]>;
  processMemory(): { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; arrayBuffersBytes: number };
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
  readonly files: FileAccess;
  readonly backtests: BacktestExecutor;
  /** Wall clock, epoch ms UTC. */
  readonly clock: () => number;
  /**
   * Lets the host's event loop run (pending I/O first): long work on the thread that
   * answers calls (planning a big sweep) pauses on it every few ms.
   */
  readonly yieldNow: () => Promise<void>;
  /** New unique ids for strategies (and jobs, through the registry). */
  readonly newId: () => string;
  /** Facts about the host process, reported by `system/info`. */
  readonly systemInfo: SystemInfo;
  /** The newest slow SQL statements (the store's slow log). */
  readonly slowStatements: () => readonly SlowStatementInfo[];
  /** The dispatcher's latency recorder, reported by `system/performance`. */
  readonly latency: LatencyRecorder;
  /** Sweeps and their variants. */
  readonly sweeps: SweepStore;
  /** Runs many variants on the same bars (the sweep worker pool). */
  readonly evaluator: VariantEvaluator;
  /** Monte Carlo and views over all of a sweep's variants, off the calling thread (a worker). */
  readonly analysis: AnalysisRunner;
  /** Pool, cache and memory figures for `system/performance`. */
  readonly performance: PerformanceProbe;
  /** Tells the compute workers the user is interacting (they pause while it goes on). */
  readonly foreground: { noteActivity(forMs?: number): void };
}
