import type { Handlers } from './contract/handlers.js';
import { backtestHandlers } from './backtest/handlers.js';
import { clusterHandlers } from './cluster/handlers.js';
import { dataHandlers } from './data/handlers.js';
import { downloadHandlers } from './data/download-handlers.js';
import type { HandlerDeps } from './handler-deps.js';
import { jobHandlers } from './jobs/handlers.js';
import { runHandlers } from './runs/handlers.js';
import { analysisHandlers } from './sweeps/analysis-handlers.js';
import { strategyHandlers } from './strategies/handlers.js';
import { sweepHandlers } from './sweeps/handlers.js';
import { systemHandlers } from './system/handlers.js';
import { ThroughputLog } from './system/throughput-log.js';

/**
 * Builds the handler table every transport dispatches to. Hosts add their own handlers
 * (the desktop shell's `dialog/*`) with `dispatcher.register`.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  // Recent job figures for the performance monitor, fed as jobs finish.
  const throughput = new ThroughputLog();
  return {
    ...dataHandlers(deps),
    ...downloadHandlers(deps),
    ...strategyHandlers(deps),
    ...backtestHandlers(deps, throughput),
    ...runHandlers(deps),
    ...jobHandlers(deps),
    ...systemHandlers(deps, throughput),
    ...sweepHandlers(deps, throughput),
    ...analysisHandlers(deps),
    ...clusterHandlers(deps),
  };
}

export type { HandlerDeps } from './handler-deps.js';
