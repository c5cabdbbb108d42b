import { z } from 'zod';
import type { StrategyId } from '../../domain/market/ids.js';
import type { ParamDef, VariableDef } from '../../domain/strategy/catalog.js';
import type { SpecLimits } from '../../domain/strategy/limits.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import {
  idSchema,
  limitSchema,
  nameSchema,
  noArgsSchema,
  type NoArgs,
  offsetSchema,
  type Page,
  sortOrderSchema,
  specInputSchema,
  tagsSchema,
  timeframeSchema,
} from '../contract/common.js';

export const STRATEGY_SORT_KEYS = ['name', 'updated', 'created'] as const;

export const strategySchemas = {
  'strategies/list': z.union([
    z.undefined(),
    z.strictObject({
      /** Matches names containing the text, case-insensitively. */
      search: z.string().max(200).optional(),
      /** Only strategies carrying every one of these tags. */
      tags: tagsSchema.optional(),
      sort: z.enum(STRATEGY_SORT_KEYS).optional(),
      order: sortOrderSchema.optional(),
      offset: offsetSchema.optional(),
      limit: limitSchema.optional(),
    }),
  ]),
  'strategies/get': z.strictObject({ id: idSchema }),
  'strategies/create': z.strictObject({
    name: nameSchema.optional(),
    tags: tagsSchema.optional(),
    /** Exactly one of templateId or spec; neither means a blank strategy from the first template. */
    templateId: idSchema.optional(),
    spec: specInputSchema.optional(),
  }),
  'strategies/update': z.strictObject({ id: idSchema, spec: specInputSchema, tags: tagsSchema.optional() }),
  'strategies/duplicate': z.strictObject({ id: idSchema, name: nameSchema.optional() }),
  'strategies/rename': z.strictObject({ id: idSchema, name: nameSchema }),
  'strategies/delete': z.strictObject({ id: idSchema }),
  'strategies/restore': z.strictObject({ id: idSchema }),
  'strategies/listDeleted': z.union([z.undefined(), z.strictObject({ limit: limitSchema.optional() })]),
  'strategies/catalog': noArgsSchema,
  'strategies/validate': z.strictObject({ spec: specInputSchema, timeframe: timeframeSchema.optional() }),
  'strategies/saveDraft': z.strictObject({ id: idSchema, draft: specInputSchema }),
  'strategies/getDraft': z.strictObject({ id: idSchema }),
} as const;

export type ListStrategiesArgs = z.infer<(typeof strategySchemas)['strategies/list']>;
export type CreateStrategyArgs = z.infer<(typeof strategySchemas)['strategies/create']>;
export type UpdateStrategyArgs = z.infer<(typeof strategySchemas)['strategies/update']>;
export type DuplicateStrategyArgs = z.infer<(typeof strategySchemas)['strategies/duplicate']>;
export type RenameStrategyArgs = z.infer<(typeof strategySchemas)['strategies/rename']>;
export type StrategyIdArgs = z.infer<(typeof strategySchemas)['strategies/get']>;
export type ListDeletedArgs = z.infer<(typeof strategySchemas)['strategies/listDeleted']>;
export type ValidateSpecArgs = z.infer<(typeof strategySchemas)['strategies/validate']>;
export type SaveDraftArgs = z.infer<(typeof strategySchemas)['strategies/saveDraft']>;

/** A row of the strategies list: no spec, so a page of 1,000 stays small. */
export interface StrategySummary {
  readonly id: StrategyId;
  readonly name: string;
  readonly tags: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly hasDraft: boolean;
}

export interface StrategyDetail extends StrategySummary {
  readonly spec: StrategySpec;
}

export interface StrategyDraft {
  /** The spec as the builder left it: half-edited, it may not pass validation (check it before it runs). */
  readonly draft: StrategySpec;
  readonly savedAt: number;
}

/** One problem in a spec, located by a path into it ('entry.long.children[0].right'). */
export interface SpecIssue {
  readonly path: string;
  /** A stable code ('paramOutOfRange', 'invalidStructure', ...) for tests and special display. */
  readonly code: string;
  readonly message: string;
}

export interface SpecCheck {
  /** Problems that block a run. */
  readonly errors: readonly SpecIssue[];
  /** Warnings not accepted yet (they block until accepted in `spec.acceptedWarnings`). */
  readonly warnings: readonly SpecIssue[];
  /** Accepted warnings: shown, not blocking. */
  readonly accepted: readonly SpecIssue[];
  /** Said about the spec, never blocking and nothing to accept (e.g. no exit: a buy-and-hold). */
  readonly notices: readonly SpecIssue[];
  /** No errors and no unaccepted warnings: what `backtest/start` requires. */
  readonly runnable: boolean;
}

export interface StrategyTemplateInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamDef[];
  /** The spec built with the default parameter values. */
  readonly spec: StrategySpec;
}

export interface StrategyCatalog {
  readonly variables: readonly VariableDef[];
  /** The allowed values of the spec's other number fields (stops, sizing, costs...): what validation enforces. */
  readonly limits: SpecLimits;
  /** The longest strategy name accepted anywhere. */
  readonly maxNameLength: number;
  readonly templates: readonly StrategyTemplateInfo[];
}

export interface StrategyHandlers {
  'strategies/list': (args?: ListStrategiesArgs) => Promise<Page<StrategySummary>>;
  'strategies/get': (args: StrategyIdArgs) => Promise<StrategyDetail>;
  'strategies/create': (args: CreateStrategyArgs) => Promise<StrategyDetail>;
  /**
   * Saves a spec and clears the draft. A spec must be well-formed and every value within its
   * limits (else ValidationError naming the path, with `details.problems`); an unfinished
   * strategy (no entry yet, an empty group) may be saved and blocks only `backtest/start`.
   * The spec's name becomes the strategy's name.
   */
  'strategies/update': (args: UpdateStrategyArgs) => Promise<StrategyDetail>;
  'strategies/duplicate': (args: DuplicateStrategyArgs) => Promise<StrategyDetail>;
  'strategies/rename': (args: RenameStrategyArgs) => Promise<StrategySummary>;
  /** Soft delete: the strategy leaves lists and can be brought back with `strategies/restore`. */
  'strategies/delete': (args: StrategyIdArgs) => Promise<{ id: StrategyId; deletedAt: number }>;
  'strategies/restore': (args: StrategyIdArgs) => Promise<StrategySummary>;
  /** Deleted strategies, most recently deleted first (`deletedAt` set), for a restore; `total` counts them all. */
  'strategies/listDeleted': (args?: ListDeletedArgs) => Promise<{ items: (StrategySummary & { deletedAt: number })[]; total: number }>;
  'strategies/catalog': (args?: NoArgs) => Promise<StrategyCatalog>;
  'strategies/validate': (args: ValidateSpecArgs) => Promise<SpecCheck>;
  'strategies/saveDraft': (args: SaveDraftArgs) => Promise<{ savedAt: number }>;
  'strategies/getDraft': (args: StrategyIdArgs) => Promise<StrategyDraft | null>;
}
