import { z } from 'zod';
import type { JobId } from '../../domain/market/ids.js';
import { symbolSchema, timeframeSchema, tsSchema } from '../contract/common.js';
import type { DownloadReport } from './download-bars.js';

/** An exchange's id in the exchange library: lower-case letters and digits ('binance', 'upbit'). */
export const exchangeIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]{2,40}$/, 'an exchange is named by its id, e.g. binance or upbit');

/** A market as BASE/QUOTE ('BTC/USDT'), or the exchange's own id of it ('BTCUSDT', 'KRW-BTC'). */
export const marketSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:/-]{2,40}$/, 'a market is BASE/QUOTE, e.g. BTC/USDT');

export const downloadSchemas = {
  'data/download': z
    .strictObject({
      exchange: exchangeIdSchema,
      market: marketSchema,
      timeframe: timeframeSchema,
      /** Open time of the first candle wanted. */
      fromTs: tsSchema,
      /** End of the range, exclusive; default now (candles still forming are never stored). */
      toTs: tsSchema.optional(),
      /** The instrument to store into; default the market's BASE/QUOTE name. */
      symbol: symbolSchema.optional(),
      /** Fetch every candle of the range, also where bars are stored (fills a gap); default: only what is not stored yet. */
      wholeRange: z.boolean().optional(),
    })
    .refine((args) => args.toTs === undefined || args.toTs > args.fromTs, { message: 'toTs must be after fromTs', path: ['toTs'] }),
  'data/update': z.strictObject({ symbol: symbolSchema, timeframe: timeframeSchema }),
} as const;

export type DownloadBarsArgs = z.infer<(typeof downloadSchemas)['data/download']>;
export type UpdateBarsArgs = z.infer<(typeof downloadSchemas)['data/update']>;

/** The `result` of a finished download job: what was fetched and stored. */
export type DownloadJobResult = DownloadReport;

/**
 * The `progress` of a running download job: `done`/`total` count milliseconds of the range,
 * `items` the bars fetched so far; `message` tells a wait (a rate limit) or how far it got.
 */
export interface DownloadHandlers {
  /** Starts a download job; progress (with `etaMs`) and outcome (DownloadJobResult) arrive as `job/*` events. */
  'data/download': (args: DownloadBarsArgs) => Promise<{ jobId: JobId }>;
  /** Downloads what is new since the series' last bar from the exchange it was downloaded from, as a job. */
  'data/update': (args: UpdateBarsArgs) => Promise<{ jobId: JobId }>;
}
