import { z } from 'zod';
import { noArgsSchema, type NoArgs } from '../contract/common.js';
import type { CacheStats, PoolCounters, PoolName, ProcessMemory, WorkerMemory } from './performance-probe.js';

export interface SystemInfo {
  readonly appVersion: string;
  /** Which transport serves this UI: native dialogs exist only in 'electron'. */
  readonly transport: 'electron' | 'web' | 'cli';
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly platform: string;
  readonly runtimeVersion: string;
  readonly workerThreads: number;
  /**
   * Web mode: the folders on this machine the page may read from and export into (named
   * with `bws serve --files DIR`), besides its own uploads and downloads. Null: any path
   * (desktop, CLI).
   */
  readonly fileFolders: readonly string[] | null;
}

export interface HandlerLatency {
  readonly name: string;
  readonly calls: number;
  readonly failures: number;
  /** Milliseconds over the last samples kept (a bounded window). */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface SlowStatementInfo {
  readonly ts: number;
  readonly sqlShape: string;
  readonly durationMs: number;
  readonly rows: number | null;
}

/** One finished job's throughput, kept in a small ring of recent jobs. */
export interface JobThroughput {
  /** When the job finished, epoch ms. */
  readonly ts: number;
  /** Bars for backtests, variants for sweeps. */
  readonly units: number;
  readonly durationMs: number;
  /** units / second (0 when the duration was 0). */
  readonly perSecond: number;
}

export interface ThroughputReport {
  /** Recent backtests (bars per second), newest first. */
  readonly backtests: readonly JobThroughput[];
  /** Recent sweeps (variants per second), newest first. */
  readonly sweeps: readonly JobThroughput[];
  /** Median of the recent figures; null before the first job. */
  readonly barsPerSecond: number | null;
  readonly variantsPerSecond: number | null;
}

/** A worker pool's state when the report was taken. */
export interface PoolUtilization extends PoolCounters {
  readonly pool: PoolName;
  /** busy / size, 0..1. */
  readonly utilization: number;
}

/** A cache's counters (summed over workers) and its hit rate. */
export interface CacheRate extends CacheStats {
  /** hits / (hits + misses), 0..1; null before the first lookup. */
  readonly hitRate: number | null;
}

/** Bar and indicator cache figures summed over a pool's idle workers (busy ones cannot answer). */
export interface PoolCaches {
  readonly pool: PoolName;
  /** Workers that answered. */
  readonly workersReporting: number;
  readonly bars: CacheRate;
  readonly indicators: CacheRate;
}

export interface WorkerMemoryInfo extends Omit<WorkerMemory, 'rssBytes'> {
  readonly pool: PoolName;
  readonly workerId: number;
}

export interface MemoryReport {
  /** The process owning the data (main): rss covers every thread, workers included. */
  readonly main: ProcessMemory;
  /** Per worker isolate, for the idle workers that answered. */
  readonly workers: readonly WorkerMemoryInfo[];
}

export interface PerformanceReport {
  readonly handlers: readonly HandlerLatency[];
  readonly slowStatements: readonly SlowStatementInfo[];
  /** When the figures were collected (on demand, by this call), epoch ms. */
  readonly collectedAt: number;
  readonly throughput: ThroughputReport;
  /** Pools that exist (the sweep pool starts with the first sweep). */
  readonly pools: readonly PoolUtilization[];
  readonly caches: readonly PoolCaches[];
  readonly memory: MemoryReport;
}

/** The longest stretch one `system/activity` call may claim (opening the app: ~1 s). */
export const MAX_ACTIVITY_MS = 2_000;

export interface ActivityArgs {
  /** The interaction lasts this long from now (e.g. a page load), not just this instant. */
  readonly forMs?: number;
}

export const systemSchemas = {
  'system/info': noArgsSchema,
  'system/performance': noArgsSchema,
  'system/activity': z.union([z.undefined(), z.strictObject({ forMs: z.number().int().min(0).max(MAX_ACTIVITY_MS).optional() })]),
} as const;

export interface SystemHandlers {
  'system/info': (args?: NoArgs) => Promise<SystemInfo>;
  'system/performance': (args?: NoArgs) => Promise<PerformanceReport>;
  /**
   * The user is interacting (the UI says so at most ~10 times a second): backtest and
   * sweep workers pause until the UI has been quiet for a moment.
   */
  'system/activity': (args?: ActivityArgs) => Promise<null>;
}
