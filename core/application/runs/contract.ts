import { z } from 'zod';
import type { RunId } from '../../domain/market/ids.js';
import type { MarkerKind, Trade } from '../../domain/engine/types.js';
import type { InstrumentFigures } from '../../domain/engine/portfolio.js';
import type { MetricName } from './metric-names.js';
import type { RunExtras, RunSummary, TradeNumberField } from './run-store.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { idSchema, limitSchema, maxPointsSchema, type NumberColumn, offsetSchema, type Page, rangeShape, sortOrderSchema, symbolSchema } from '../contract/common.js';

export const TRADE_SORT_KEYS = ['entryTs', 'exitTs', 'pnl', 'returnPct', 'barsHeld', 'quantity'] as const satisfies readonly TradeNumberField[];
export type TradeSortKey = (typeof TRADE_SORT_KEYS)[number];

/** Fills sent for one chart at most: 20,000 round trips; beyond it they would be one per pixel anyway. */
export const MAX_MARKERS = 40_000;
const maxMarkersSchema = z.number().int().min(1).max(MAX_MARKERS);

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
    /** A portfolio run's trades of one instrument only. */
    symbol: symbolSchema.optional(),
  }),
  'runs/markers': z.strictObject({ id: idSchema, ...rangeShape, maxPoints: maxMarkersSchema.optional(), /** A portfolio run's fills of one instrument. */ symbol: symbolSchema.optional() }),
  /** `fromTs`/`toTs`: only the part of the curves and positions in [fromTs, toTs) (a zoomed chart's range, at full detail). */
  'runs/instruments': z.strictObject({ id: idSchema, ...rangeShape, maxPoints: maxPointsSchema.optional() }),
} as const;

export type ListRunsArgs = z.infer<(typeof runSchemas)['runs/list']>;
export type RunIdArgs = z.infer<(typeof runSchemas)['runs/get']>;
export type CompareRunsArgs = z.infer<(typeof runSchemas)['runs/compare']>;
export type EquityArgs = z.infer<(typeof runSchemas)['runs/equity']>;
export type TradesArgs = z.infer<(typeof runSchemas)['runs/trades']>;
export type MarkersArgs = z.infer<(typeof runSchemas)['runs/markers']>;
export type InstrumentsArgs = z.infer<(typeof runSchemas)['runs/instruments']>;

export type { RunExtras, RunSummary, RunSweepVariant, RunUniverse, RunWarmUp, TradeNumberField } from './run-store.js';
export type { InstrumentFigures } from '../../domain/engine/portfolio.js';
export type { MetricName } from './metric-names.js';

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

/** One closed trade, as the engine reports it, with its 0-based position in the run (and, in a portfolio run, its instrument). */
export interface TradeRow extends Trade {
  readonly index: number;
  readonly symbol?: string;
}

/**
 * A portfolio run's per-instrument results: each instrument's figures (in the universe's
 * order), its PnL over the run, and the positions open over time, each reduced to about
 * `maxPoints` points.
 */
export interface RunInstruments {
  readonly figures: readonly InstrumentFigures[];
  /**
   * Each instrument's PnL (closed trades plus the open position, net of fees) at `ts`, in
   * `figures` order: the engine keeps about 2,000 evenly spaced samples of the run's clock
   * (`downsampled`: fewer than the clock bars in range).
   */
  readonly curves: { readonly ts: NumberColumn; readonly pnl: readonly NumberColumn[]; readonly downsampled: boolean };
  /** The most positions open within each point's span (every clock bar when not reduced). */
  readonly positions: { readonly ts: NumberColumn; readonly count: NumberColumn; readonly downsampled: boolean };
}

/**
 * A run's fills in time order (entries, adds, partial and full exits), for markers on the
 * price chart: the first `maxPoints` of the range (default MAX_MARKERS).
 */
export interface MarkerSeries {
  /** Fill times (the fill bar's open, or the 1-minute bar's inside it), epoch ms. */
  readonly ts: NumberColumn;
  readonly price: NumberColumn;
  readonly kind: MarkerKind[];
  /** Fills in the range, sent or not. */
  readonly total: number;
  /** True when the range held more than maxPoints fills and later ones were left out. */
  readonly truncated: boolean;
}

export interface RunComparison {
  readonly runs: readonly RunSummary[];
  /** Each run's per-instrument figures (a portfolio run's), null for a run of one instrument; in the order of `runs`. */
  readonly instruments: readonly (readonly InstrumentFigures[] | null)[];
  /** Every metric of the engine, values in the order of `runs`. */
  readonly metrics: readonly { readonly name: MetricName; readonly values: readonly (number | null)[] }[];
  readonly equity: readonly EquitySeries[];
}

export interface RunHandlers {
  'runs/list': (args?: ListRunsArgs) => Promise<Page<RunSummary>>;
  'runs/get': (args: RunIdArgs) => Promise<RunInfo>;
  'runs/delete': (args: RunIdArgs) => Promise<{ id: RunId }>;
  'runs/compare': (args: CompareRunsArgs) => Promise<RunComparison>;
  'runs/equity': (args: EquityArgs) => Promise<EquitySeries>;
  'runs/trades': (args: TradesArgs) => Promise<Page<TradeRow>>;
  'runs/markers': (args: MarkersArgs) => Promise<MarkerSeries>;
  /** A portfolio run's per-instrument results; ValidationError for a run of one instrument. */
  'runs/instruments': (args: InstrumentsArgs) => Promise<RunInstruments>;
}
