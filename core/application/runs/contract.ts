import { z } from 'zod';
import type { RunId } from '../../domain/market/ids.js';
import type { RunExtras, RunSummary } from './run-store.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { idSchema, limitSchema, maxPointsSchema, type NumberColumn, offsetSchema, type Page, rangeShape, sortOrderSchema } from '../contract/common.js';

export const TRADE_SORT_KEYS = ['entryTs', 'exitTs', 'pnl', 'returnPct', 'barsHeld', 'quantity'] as const;
export type TradeSortKey = (typeof TRADE_SORT_KEYS)[number];

export const runSchemas = {
  'runs/list': z.union([
    z.undefined(),
    z.strictObject({
      strategyId: idSchema.optional(),
      /** Only runs with this content hash (identical inputs, so identical results). */
      hash: z.string().regex(/^[0-9a-f]{16,128}$/, 'a run hash: 16 to 128 lowercase hex digits').optional(),
      offset: offsetSchema.optional(),
      limit: limitSchema.optional(),
    }),
  ]),
  'runs/get': z.strictObject({ id: idSchema }),
  'runs/delete': z.strictObject({ id: idSchema }),
  'runs/compare': z.strictObject({ ids: z.array(idSchema).min(2).max(4), maxPoints: maxPointsSchema.optional() }),
  'runs/equity': z.strictObject({ id: idSchema, ...rangeShape, maxPoints: maxPointsSchema.optional() }),
  'runs/trades': z.strictObject({
    id: idSchema,
    sort: z.enum(TRADE_SORT_KEYS).optional(),
    order: sortOrderSchema.optional(),
    offset: offsetSchema.optional(),
    limit: limitSchema.optional(),
  }),
} as const;

export type ListRunsArgs = z.infer<(typeof runSchemas)['runs/list']>;
export type RunIdArgs = z.infer<(typeof runSchemas)['runs/get']>;
export type CompareRunsArgs = z.infer<(typeof runSchemas)['runs/compare']>;
export type EquityArgs = z.infer<(typeof runSchemas)['runs/equity']>;
export type TradesArgs = z.infer<(typeof runSchemas)['runs/trades']>;

export type { RunExtras, RunMetrics, RunSummary, RunSweepVariant, RunWarmUp } from './run-store.js';

/** A run without its bulky series: trades and equity come paged / downsampled. */
export interface RunInfo extends RunSummary {
  readonly spec: StrategySpec;
  readonly extras: RunExtras;
}

/** Equity and drawdown over time, min/max-downsampled to about `maxPoints` points. */
export interface EquitySeries {
  readonly ts: NumberColumn;
  readonly equity: NumberColumn;
  /** Drawdown from the running peak of equity, in percent (<= 0). */
  readonly drawdown: NumberColumn;
  readonly sourcePoints: number;
  readonly downsampled: boolean;
}

/** One closed trade, as the engine reports it, with its 0-based position in the run. */
export interface TradeRow {
  readonly index: number;
  readonly side: 'long' | 'short';
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly exitTs: number;
  readonly exitPrice: number;
  readonly quantity: number;
  readonly pnl: number;
  readonly returnPct: number;
  readonly fees: number;
  readonly barsHeld: number;
  readonly exitReason: string;
}

export interface RunComparison {
  readonly runs: readonly RunSummary[];
  /** Every metric any of the runs has, values in the order of `runs`. */
  readonly metrics: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
  readonly equity: readonly EquitySeries[];
}

export interface RunHandlers {
  'runs/list': (args?: ListRunsArgs) => Promise<Page<RunSummary>>;
  'runs/get': (args: RunIdArgs) => Promise<RunInfo>;
  'runs/delete': (args: RunIdArgs) => Promise<{ id: RunId }>;
  'runs/compare': (args: CompareRunsArgs) => Promise<RunComparison>;
  'runs/equity': (args: EquityArgs) => Promise<EquitySeries>;
  'runs/trades': (args: TradesArgs) => Promise<Page<TradeRow>>;
}
