import { z } from 'zod';
import type { JobId } from '../../domain/market/ids.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { ImportReport } from './import-bars.js';
import type { Coverage, SeriesSummary } from './bar-store.js';
import type { SeriesDeletion } from './series-deletions.js';
import { variableOperandSchema } from '../strategies/spec-schema.js';
import { idSchema, maxPointsSchema, noArgsSchema, type NoArgs, type NumberColumn, pathSchema, rangeShape, symbolSchema, timeframeSchema } from '../contract/common.js';

/** Indicators one `data/bars` call computes at most (a strategy's, drawn on its preview). */
export const MAX_BAR_OPERANDS = 8;

/** Files one import may read (a decade of monthly archives is 120). */
export const MAX_IMPORT_FILES = 1000;
const fileNameSchema = z.string().trim().min(1).max(255);

export const dataSchemas = {
  'data/listSeries': noArgsSchema,
  /** Replaces an instrument's tags (a portfolio's universe can be every instrument with a tag). */
  'data/setTags': z.strictObject({
    symbol: symbolSchema,
    tags: z.array(z.string().trim().regex(/^[A-Za-z0-9._:/-]{1,64}$/, 'a tag is 1-64 letters, digits or . _ : / -')).max(32),
  }),
  'data/import': z
    .strictObject({
      /**
       * A path on the machine that owns the data: from the native dialog, or from `POST /api/upload` in web mode.
       * A CSV file or a zip archive of CSVs (an exchange's kline archive).
       */
      path: pathSchema.optional(),
      /** The user's name of the file (an upload's original name): what messages call it. Default: `path`. */
      fileName: fileNameSchema.optional(),
      /**
       * Several files (CSVs or zip archives, e.g. a folder of monthly archives) imported as one series,
       * all or nothing, in the order of their first bars. Give either `path` or `files`.
       */
      files: z.array(z.strictObject({ path: pathSchema, name: fileNameSchema.optional() })).min(1).max(MAX_IMPORT_FILES).optional(),
      symbol: symbolSchema,
      /** 'auto' (the default) takes the timeframe from the file's bar spacing; a chosen one the spacing contradicts is refused. */
      timeframe: z.union([timeframeSchema, z.literal('auto')]).optional(),
      /** Import under the chosen timeframe even when the file's bar spacing says otherwise. */
      forceTimeframe: z.boolean().optional(),
      /** Import the good rows and list the bad ones (the job's result) instead of refusing the whole file. */
      skipBadRows: z.boolean().optional(),
      venue: z.string().trim().min(1).max(64).optional(),
      quoteCurrency: z.string().trim().min(1).max(16).optional(),
      /** The instrument's price tick; default: the stored one, else the finest decimal of the file's prices. */
      priceTick: z.number().positive().finite().optional(),
      quantityStep: z.number().positive().finite().optional(),
      /** Refused: a zone-less timestamp is read as UTC, and no zone can be chosen instead (it was once accepted and ignored). */
      timeZone: z
        .unknown()
        .refine((value) => value === undefined, {
          message: 'timeZone is not supported: timestamps without a zone are read as UTC. Write the zone into the timestamps (2024-01-02T09:30:00-05:00) or convert them to UTC',
        })
        .optional(),
    })
    .refine((args) => (args.path === undefined) !== (args.files === undefined), { message: 'give either path or files', path: ['path'] }),
  'data/export': z.strictObject({
    symbol: symbolSchema,
    timeframe: timeframeSchema,
    /** Absolute, `~/...`, or relative to the user's home folder (the answer says which file was written). */
    path: pathSchema,
    /** Replace a file already at the path; without it, an existing file is refused (ConflictError) and kept. */
    overwrite: z.boolean().optional(),
    ...rangeShape,
  }),
  'data/coverage': z.strictObject({
    symbol: symbolSchema,
    timeframe: timeframeSchema,
    gapThresholdBars: z.number().int().min(1).max(1_000_000).optional(),
  }),
  'data/delete': z.strictObject({
    symbol: symbolSchema,
    /** One timeframe; without it every stored timeframe of the instrument, and the instrument. */
    timeframe: timeframeSchema.optional(),
  }),
  'data/undoDelete': z.strictObject({ deletionId: idSchema }),
  'data/bars': z.strictObject({
    symbol: symbolSchema,
    timeframe: timeframeSchema,
    ...rangeShape,
    maxPoints: maxPointsSchema.optional(),
    /** Indicators to compute over the same bars (a strategy's, for its preview), each answered in `indicators`. */
    operands: z.array(variableOperandSchema).max(MAX_BAR_OPERANDS).optional(),
  }),
} as const;

export type ImportBarsArgs = z.infer<(typeof dataSchemas)['data/import']>;
export type ExportBarsArgs = z.infer<(typeof dataSchemas)['data/export']>;
export type CoverageArgs = z.infer<(typeof dataSchemas)['data/coverage']>;
export type BarsArgs = z.infer<(typeof dataSchemas)['data/bars']>;
export type DeleteSeriesArgs = z.infer<(typeof dataSchemas)['data/delete']>;
export type UndoDeleteArgs = z.infer<(typeof dataSchemas)['data/undoDelete']>;
export type { SeriesDeletion } from './series-deletions.js';

/** The `result` of a finished import job: what was read and what was stored. */
export type ImportJobResult = ImportReport;

/** A series' coverage with the steps its instrument trades in. */
export interface SeriesCoverage extends Coverage {
  readonly priceTick: number;
  readonly quantityStep: number;
}

export interface ExportBarsResult {
  /** The absolute path written. */
  readonly path: string;
  readonly rows: number;
  /** Set when the path asked for was relative: the folder it was taken from. */
  readonly relativeTo?: string;
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
  /**
   * The `operands` asked for, in their order: each one's value per point above (at the
   * last bar of its bucket, like close), null while it warms up; `key` is its operandKey.
   */
  readonly indicators?: readonly { readonly key: string; readonly values: readonly (number | null)[] }[];
  /** Bars in the requested range before downsampling. */
  readonly sourceBars: number;
  readonly downsampled: boolean;
}

export type SetTagsArgs = z.infer<(typeof dataSchemas)['data/setTags']>;

export interface DataHandlers {
  'data/listSeries': (args?: NoArgs) => Promise<SeriesSummary[]>;
  'data/setTags': (args: SetTagsArgs) => Promise<{ readonly symbol: string; readonly tags: readonly string[] }>;
  /** Starts an import job; progress and outcome (ImportJobResult) arrive as `job/*` events. */
  'data/import': (args: ImportBarsArgs) => Promise<{ jobId: JobId }>;
  'data/export': (args: ExportBarsArgs) => Promise<ExportBarsResult>;
  'data/coverage': (args: CoverageArgs) => Promise<SeriesCoverage>;
  'data/bars': (args: BarsArgs) => Promise<BarSeries>;
  /**
   * Deletes stored bars: one timeframe of an instrument, or all of them and the instrument.
   * They are hidden at once and removed once `undoUntil` has passed; runs made on them keep
   * their results. NotFoundError when none are stored.
   */
  'data/delete': (args: DeleteSeriesArgs) => Promise<SeriesDeletion>;
  /** Brings a delete's bars back exactly as they were, before its `undoUntil`; NotFoundError after it. */
  'data/undoDelete': (args: UndoDeleteArgs) => Promise<SeriesDeletion>;
}
