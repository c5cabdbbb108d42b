import { z } from 'zod';
import { TIMEFRAMES } from '../../domain/market/timeframe.js';
import { MAX_STRATEGY_NAME_LENGTH } from '../../domain/strategy/limits.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';

/**
 * Building blocks of the input schemas. Every bound is explicit: a payload from the UI
 * (or from anything that reached the web port) cannot make a handler allocate without
 * limit or scan without end.
 */
export const MAX_ID_LENGTH = 64;
/** The strategy name limit of the domain: one limit for create, rename, duplicate and the builder. */
export const MAX_NAME_LENGTH = MAX_STRATEGY_NAME_LENGTH;
export const MAX_PATH_LENGTH = 4096;
export const MAX_PAGE_SIZE = 1000;
export const MAX_CHART_POINTS = 20_000;

export const idSchema = z.string().min(1).max(MAX_ID_LENGTH);
export const symbolSchema = z.string().regex(/^[A-Za-z0-9._:/-]{1,32}$/, 'a symbol is 1-32 letters, digits or . _ : / -');
export const timeframeSchema = z.enum(TIMEFRAMES);
/** Epoch milliseconds UTC, an integer within JavaScript's Date range. */
export const tsSchema = z.number().int().min(-8.64e15).max(8.64e15);
export const pathSchema = z.string().min(1).max(MAX_PATH_LENGTH);
export const nameSchema = z
  .string()
  .trim()
  .min(1, 'A name cannot be empty.')
  .max(MAX_NAME_LENGTH, `A name is at most ${MAX_NAME_LENGTH} characters.`);
export const tagSchema = z.string().trim().min(1).max(40);
/** Most instruments one portfolio names (the request checks the stored ones again). */
export const MAX_UNIVERSE_SYMBOLS = 500;
/** A portfolio's instruments: listed by symbol, or every instrument with a tag. */
export const universeSchema = z.union([
  z.strictObject({ symbols: z.array(symbolSchema).min(1).max(MAX_UNIVERSE_SYMBOLS) }),
  z.strictObject({ tag: z.string().regex(/^[A-Za-z0-9._:/-]{1,64}$/, 'a tag is 1-64 letters, digits or . _ : / -') }),
]);
export const tagsSchema = z.array(tagSchema).max(32);
export const offsetSchema = z.number().int().min(0).max(1_000_000_000);
export const limitSchema = z.number().int().min(1).max(MAX_PAGE_SIZE);
export const maxPointsSchema = z.number().int().min(2).max(MAX_CHART_POINTS);
export const sortOrderSchema = z.enum(['asc', 'desc']);
/** A JSON object whose content a use case validates itself (a strategy spec, a draft). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
/** A strategy spec as a call carries it: a typed spec, or any JSON object; the use case validates it. */
export type SpecInput = StrategySpec | Readonly<Record<string, unknown>>;
export const specInputSchema: z.ZodType<SpecInput> = jsonObjectSchema;
/** Calls that take no input accept `undefined` or an empty object, nothing else. */
export const noArgsSchema = z.union([z.undefined(), z.strictObject({})]);
export type NoArgs = z.infer<typeof noArgsSchema>;

/** A half-open time range [fromTs, toTs); both ends optional. */
export const rangeShape = {
  fromTs: tsSchema.optional(),
  toTs: tsSchema.optional(),
};

/**
 * A series on the wire: plain number arrays, one per column, so results survive both
 * structured clone (Electron IPC) and JSON (web mode) unchanged. Series sent to the UI are
 * downsampled to about the pixels they are drawn on, so the size cost of plain arrays
 * over typed arrays stays small; base64 would save bytes only to spend them on decoding.
 */
export type NumberColumn = number[];

/** One page of a list and the total the filter matched. */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
}
