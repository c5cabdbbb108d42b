import { noArgsSchema, type NoArgs } from './common.js';

export interface SystemInfo {
  readonly appVersion: string;
  /** Which transport serves this UI: native dialogs exist only in 'electron'. */
  readonly transport: 'electron' | 'web' | 'cli';
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly platform: string;
  readonly runtimeVersion: string;
  readonly workerThreads: number;
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

export interface PerformanceReport {
  readonly handlers: readonly HandlerLatency[];
  readonly slowStatements: readonly SlowStatementInfo[];
}

export const systemSchemas = {
  'system/info': noArgsSchema,
  'system/performance': noArgsSchema,
} as const;

export interface SystemHandlers {
  'system/info': (args?: NoArgs) => Promise<SystemInfo>;
  'system/performance': (args?: NoArgs) => Promise<PerformanceReport>;
}
