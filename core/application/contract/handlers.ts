import type { z } from 'zod';
import type { ErrorData } from '../errors.js';
import { backtestSchemas, type BacktestHandlers } from '../backtest/contract.js';
import { clusterSchemas, type ClusterHandlers } from '../cluster/contract.js';
import { dataSchemas, type DataHandlers } from '../data/contract.js';
import { downloadSchemas, type DownloadHandlers } from '../data/download-contract.js';
import { dialogSchemas, type DialogHandlers } from './dialog.js';
import { jobSchemas, type JobHandlers } from '../jobs/contract.js';
import { runSchemas, type RunHandlers } from '../runs/contract.js';
import { strategySchemas, type StrategyHandlers } from '../strategies/contract.js';
import { sweepSchemas, type SweepHandlers } from '../sweeps/contract.js';
import { systemSchemas, type SystemHandlers } from '../system/contract.js';

/** Every call the UI can make on every transport. */
export type Handlers = DataHandlers & DownloadHandlers & StrategyHandlers & BacktestHandlers & RunHandlers & JobHandlers & SystemHandlers & SweepHandlers & ClusterHandlers;
/** Handlers plus the calls only the desktop shell provides. */
export type AllHandlers = Handlers & DialogHandlers;
export type HandlerName = keyof AllHandlers;

export type HandlerArgs<N extends HandlerName> = Parameters<AllHandlers[N]>[0];
export type HandlerResult<N extends HandlerName> = Awaited<ReturnType<AllHandlers[N]>>;

/**
 * The input schema of every handler, keyed by name. The `satisfies` clause fails to
 * compile when a handler has no schema or a schema names no handler, and each schema's
 * output must be assignable to its handler's argument.
 */
export const HANDLER_SCHEMAS = {
  ...dataSchemas,
  ...downloadSchemas,
  ...strategySchemas,
  ...backtestSchemas,
  ...runSchemas,
  ...jobSchemas,
  ...systemSchemas,
  ...sweepSchemas,
  ...clusterSchemas,
  ...dialogSchemas,
} as const satisfies { readonly [N in HandlerName]: z.ZodType<HandlerArgs<N>> };

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time proof that the schema table has no names beyond the handlers. */
export const SCHEMA_TABLE_COVERS_HANDLERS: Exact<keyof typeof HANDLER_SCHEMAS, HandlerName> = true;

export function isHandlerName(name: unknown): name is HandlerName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(HANDLER_SCHEMAS, name);
}

/** What a caller gets back from any transport. */
export type InvokeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorData };
