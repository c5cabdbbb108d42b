/** The API contract: what the UI imports (types only) and what transports dispatch through. */
export * from './common.js';
export * from './data.js';
export * from '../data/download-contract.js';
export type { DownloadProgress, DownloadReport } from '../data/download-bars.js';
export * from './strategies.js';
export * from './backtest.js';
export * from './runs.js';
export * from './jobs.js';
export * from './sweeps.js';
export * from './system.js';
export * from './dialog.js';
export * from './events.js';
export * from './handlers.js';
export * from './dispatcher.js';
export * from './latency.js';
