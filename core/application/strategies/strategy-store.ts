import type { StrategyId } from '../../domain/market/ids.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';

export interface StoredStrategySummary {
  readonly id: StrategyId;
  readonly name: string;
  readonly tags: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deletedAt: number | null;
  readonly hasDraft: boolean;
}

export interface StoredStrategy extends StoredStrategySummary {
  readonly spec: StrategySpec;
}

export interface StoredDraft {
  /** The builder's spec as it was saved: it may not pass validation. */
  readonly draft: StrategySpec;
  readonly savedAt: number;
}

export interface NewStrategy {
  readonly id: StrategyId;
  readonly name: string;
  readonly tags: readonly string[];
  readonly spec: StrategySpec;
  readonly createdAt: number;
}

export type StrategySortKey = 'name' | 'updated' | 'created';

export interface StrategyQuery {
  /** Case-insensitive substring of the name. */
  readonly search?: string;
  /** Every one of these tags (case-insensitive). */
  readonly tags?: readonly string[];
  readonly sort: StrategySortKey;
  readonly order: 'asc' | 'desc';
  readonly offset: number;
  readonly limit: number;
}

export interface StrategyPage {
  readonly items: StoredStrategySummary[];
  readonly total: number;
}

/**
 * Saved strategies. Deleted ones are kept (deletedAt set) until restored or purged, and
 * are invisible to `list`; `get` returns them only when asked to.
 */
export interface StrategyStore {
  insert(strategy: NewStrategy): StoredStrategy;
  get(id: StrategyId, options?: { includeDeleted?: boolean }): StoredStrategy | null;
  list(query: StrategyQuery): StrategyPage;
  /** Replaces spec (and tags when given), clears the draft; null when there is no live strategy `id`. */
  updateSpec(id: StrategyId, spec: StrategySpec, tags: readonly string[] | undefined, updatedAt: number): StoredStrategy | null;
  rename(id: StrategyId, name: string, updatedAt: number): StoredStrategy | null;
  /** Soft-deletes (the draft is kept for a restore); null when there is no live strategy `id`. */
  softDelete(id: StrategyId, deletedAt: number): StoredStrategy | null;
  /** The deleted strategies, most recently deleted first, at most `limit`, and how many there are. */
  listDeleted(limit: number): StrategyPage;
  /** Undoes a soft delete; null when there is no deleted strategy `id`. */
  restore(id: StrategyId): StoredStrategy | null;
  /** Returns false when there is no live strategy `id`. */
  saveDraft(id: StrategyId, draft: object, savedAt: number): boolean;
  getDraft(id: StrategyId): StoredDraft | null;
  /** Removes for good the strategies deleted before `before`; returns how many. */
  purgeDeleted(before: number): number;
}
