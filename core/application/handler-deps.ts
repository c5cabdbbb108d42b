import type { BacktestExecutor } from './backtest/backtest-executor.js';
import type { BarExporter, BarImporter, FileAccess } from './data/bar-files.js';
import type { BarDownloader } from './data/download-handlers.js';
import type { EventSink } from './contract/events.js';
import type { LatencyRecorder } from './system/latency.js';
import type { SlowStatementInfo, SystemInfo } from './system/contract.js';
import type { JobRegistry } from './jobs/job-registry.js';
import type { BarStore } from './data/bar-store.js';
import type { SeriesDeletions } from './data/series-deletions.js';
import type { RunStore } from './runs/run-store.js';
import type { StrategyStore } from './strategies/strategy-store.js';
import type { AnalysisRunner } from './sweeps/analysis.js';
import type { SweepStore, VariantEvaluator } from './sweeps/ports.js';
import type { PerformanceProbe } from './system/performance-probe.js';
import type { Cluster } from './cluster/ports.js';

/** What `createHandlers` builds the handler table from: ports, use cases and host facts. */
export interface HandlerDeps {
  readonly barStore: BarStore;
  /** Deletes of stored bars with their undo window (they outlive a call: timers, purges). */
  readonly deletions: SeriesDeletions;
  readonly strategyStore: StrategyStore;
  readonly runStore: RunStore;
  readonly jobs: JobRegistry;
  readonly events: EventSink;
  readonly importer: BarImporter;
  /** Downloads candles from exchanges (a worker per download in the app). */
  readonly downloader: BarDownloader;
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
  /** The cluster of agents sweeps may run on instead (`--cluster URL`), or null. */
  readonly cluster: Cluster | null;
  /** Monte Carlo and views over all of a sweep's variants, off the calling thread (a worker). */
  readonly analysis: AnalysisRunner;
  /** Pool, cache and memory figures for `system/performance`. */
  readonly performance: PerformanceProbe;
  /** Tells the compute workers the user is interacting (they pause while it goes on). */
  readonly foreground: { noteActivity(forMs?: number): void };
}
