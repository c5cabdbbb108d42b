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

/**
 * The params of a schema issue worded for the person ('Tag 3 is longer than 40 characters.'):
 * the dispatcher shows its message as it is, without the call's name and the payload path.
 */
export const PERSON_WORDED = { personWorded: true } as const;

/** True when a schema issue carries a message worded for the person (PERSON_WORDED). */
export function isPersonWorded(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.['personWorded'] === true;
}

export const nameSchema = z
  .string()
  .trim()
  .superRefine((name, context) => {
    if (name === '') context.addIssue({ code: 'custom', message: 'A name cannot be empty.', params: PERSON_WORDED });
    else if (name.length > MAX_NAME_LENGTH) context.addIssue({ code: 'custom', message: `A name is at most ${MAX_NAME_LENGTH} characters.`, params: PERSON_WORDED });
  });
/** Most tags one strategy carries, and the longest tag. */
export const MAX_TAGS = 32;
export const MAX_TAG_LENGTH = 40;
/** Most instruments one portfolio names (the request checks the stored ones again). */
export const MAX_UNIVERSE_SYMBOLS = 500;
/** A portfolio's instruments: listed by symbol, or every instrument with a tag. */
export const universeSchema = z.union([
  z.strictObject({ symbols: z.array(symbolSchema).min(1).max(MAX_UNIVERSE_SYMBOLS) }),
  z.strictObject({ tag: z.string().regex(/^[A-Za-z0-9._:/-]{1,64}$/, 'a tag is 1-64 letters, digits or . _ : / -') }),
]);
/**
 * Tags as a person types them (a strategy's, or the tags a list is filtered by), each trimmed.
 * A problem names the tag by its place ('Tag 3 is empty.'), not by its path in the payload.
 */
export const tagsSchema = z.array(z.string().trim()).superRefine((tags, context) => {
  if (tags.length > MAX_TAGS) {
    context.addIssue({ code: 'custom', message: `At most ${MAX_TAGS} tags, got ${tags.length}.`, params: PERSON_WORDED });
    return;
  }
  tags.forEach((tag, index) => {
    const problem = tag === '' ? 'is empty' : tag.length > MAX_TAG_LENGTH ? `is longer than ${MAX_TAG_LENGTH} characters (${tag.length})` : null;
    if (problem !== null) context.addIssue({ code: 'custom', path: [index], message: `Tag ${index + 1} ${problem}.`, params: PERSON_WORDED });
  });
});
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
