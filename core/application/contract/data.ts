import { z } from 'zod';
import type { JobId } from '../../domain/market/ids.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { Coverage, SeriesSummary } from '../ports/bar-store.js';
import { maxPointsSchema, noArgsSchema, type NoArgs, type NumberColumn, pathSchema, rangeShape, symbolSchema, timeframeSchema } from './common.js';

export const dataSchemas = {
  'data/listSeries': noArgsSchema,
  'data/import': z.strictObject({
    /** A path on the machine that owns the data: from the native dialog, or from `POST /api/upload` in web mode. */
    path: pathSchema,
    symbol: symbolSchema,
    timeframe: timeframeSchema,
    venue: z.string().trim().min(1).max(64).optional(),
    quoteCurrency: z.string().trim().min(1).max(16).optional(),
    priceTick: z.number().positive().finite().optional(),
    quantityStep: z.number().positive().finite().optional(),
    timeZone: z.string().trim().min(1).max(64).optional(),
  }),
  'data/export': z.strictObject({ symbol: symbolSchema, timeframe: timeframeSchema, path: pathSchema, ...rangeShape }),
  'data/coverage': z.strictObject({
    symbol: symbolSchema,
    timeframe: timeframeSchema,
    gapThresholdBars: z.number().int().min(1).max(1_000_000).optional(),
  }),
  'data/bars': z.strictObject({ symbol: symbolSchema, timeframe: timeframeSchema, ...rangeShape, maxPoints: maxPointsSchema.optional() }),
} as const;

export type ImportBarsArgs = z.infer<(typeof dataSchemas)['data/import']>;
export type ExportBarsArgs = z.infer<(typeof dataSchemas)['data/export']>;
export type CoverageArgs = z.infer<(typeof dataSchemas)['data/coverage']>;
export type BarsArgs = z.infer<(typeof dataSchemas)['data/bars']>;

export interface ExportBarsResult {
  readonly path: string;
  readonly rows: number;
}

/**
 * Bars for a chart. When the range holds more bars than `maxPoints`, each of at most
 * `maxPoints` buckets becomes one bar (first open, highest high, lowest low, last close,
 * summed volume, ts = the first bar's ts), so spikes stay visible at any zoom.
 */
export interface BarSeries {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly ts: NumberColumn;
  readonly open: NumberColumn;
  readonly high: NumberColumn;
  readonly low: NumberColumn;
  readonly close: NumberColumn;
  readonly volume: NumberColumn;
  /** Bars in the requested range before downsampling. */
  readonly sourceBars: number;
  readonly downsampled: boolean;
}

export interface DataHandlers {
  'data/listSeries': (args?: NoArgs) => Promise<SeriesSummary[]>;
  /** Starts an import job; progress and outcome arrive as `job/*` events. */
  'data/import': (args: ImportBarsArgs) => Promise<{ jobId: JobId }>;
  'data/export': (args: ExportBarsArgs) => Promise<ExportBarsResult>;
  'data/coverage': (args: CoverageArgs) => Promise<Coverage>;
  'data/bars': (args: BarsArgs) => Promise<BarSeries>;
}
