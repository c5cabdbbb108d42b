import type { Handlers } from '../contract/handlers.js';
import { backtestHandlers } from './backtest-handlers.js';
import { dataHandlers } from './data-handlers.js';
import type { HandlerDeps } from './handler-deps.js';
import { jobHandlers } from './job-handlers.js';
import { runHandlers } from './run-handlers.js';
import { strategyHandlers } from './strategy-handlers.js';
import { systemHandlers } from './system-handlers.js';

/**
 * Builds the handler table every transport dispatches to. Hosts add their own handlers
 * (the desktop shell's `dialog/*`) with `dispatcher.register`.
 */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ...dataHandlers(deps),
    ...strategyHandlers(deps),
    ...backtestHandlers(deps),
    ...runHandlers(deps),
    ...jobHandlers(deps),
    ...systemHandlers(deps),
  };
}

export type { BarExporter, BarExportRequest, BarImporter, HandlerDeps } from './handler-deps.js';
