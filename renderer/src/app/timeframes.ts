import type { Timeframe } from '../api/contract.js';

/** The timeframes the store knows (values cannot be imported from core; the type keeps them in step). */
export const TIMEFRAME_OPTIONS = ['1m', '5m', '15m', '1h', '4h', '1d'] as const satisfies readonly Timeframe[];
