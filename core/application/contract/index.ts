/** The API contract: what the UI imports (types only) and what transports dispatch through. */
export * from './common.js';
export * from '../data/contract.js';
export * from '../data/download-contract.js';
export type { DownloadProgress, DownloadReport } from '../data/download-bars.js';
export * from '../strategies/contract.js';
export * from '../backtest/contract.js';
export * from '../runs/contract.js';
export * from '../jobs/contract.js';
export * from '../sweeps/contract.js';
export * from '../system/contract.js';
export * from '../cluster/contract.js';
export * from './dialog.js';
export * from './events.js';
export * from './handlers.js';
export * from './dispatcher.js';
export * from '../system/latency.js';
