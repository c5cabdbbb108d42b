import type { InstrumentId, RunId, StrategyId } from '../../domain/market/ids.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { Marker, OpenPosition, Trade } from '../../domain/engine/types.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';

/** A numeric field of a trade: what trades can be sorted by and read as one column. */
export type TradeNumberField = { [K in keyof Trade]-?: Trade[K] extends number ? K : never }[keyof Trade];

/** Equity per bar at full resolution, with the bar open times (epoch ms UTC). */
export interface EquityCurve {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
}

/**
 * The whole equity curve reduced for a chart of the whole run: per bucket the points of
 * the minimum and the maximum equity (EQUITY_OVERVIEW_POINTS at most), with the drawdown
 * (from the full curve's running peak) at those points. Kept with the run when it is
 * saved, so the results screen's first charts do not read and reduce the full curve.
 */
export interface EquityOverview {
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  readonly drawdown: Float64Array;
  /** Points of the full curve. */
  readonly sourcePoints: number;
}

/** Enough for a chart 4,096 pixel columns wide at one min/max pair per column. */
export const EQUITY_OVERVIEW_POINTS = 8_192;

export type RunStatus = 'completed';

/** The sweep variant a run was opened from: which sweep, which variant, and the parameter values the sweep set. */
export interface RunSweepVariant {
  readonly sweepId: string;
  readonly sweepName: string;
  readonly index: number;
  /** By the sweep's parameter names: template parameters (fast, slow...) or JSON paths into the spec. */
  readonly params: Readonly<Record<string, number>>;
}

/**
 * Bars before a run's first bar that its indicators and conditions were computed on (no
 * trades, not in the equity curve): `bars` stored ones of the `needed` the spec asks for
 * (core/domain/engine/warm-up.ts). bars < needed: fewer earlier bars were stored (for a
 * run from the first stored bar, none), so the run's first bars had UNKNOWN conditions.
 */
export interface RunWarmUp {
  readonly bars: number;
  readonly needed: number;
}

/** Small extra outputs and context kept with a run; the known keys are typed, the rest is plain JSON. */
export interface RunExtras {
  /** Set when the run was opened from a sweep variant. */
  readonly sweepVariant?: RunSweepVariant;
  /**
   * The position still open after the last bar (null: flat at the end). It is no trade
   * (docs/ENGINE.md): closed-trade PnL + its unrealized PnL = final - initial equity.
   */
  readonly openPosition?: OpenPosition | null;
  /** Open time of the run's last bar (epoch ms UTC). */
  readonly lastTs?: number;
  /** The indicators' warm-up before the run's first bar (absent on runs saved before it existed). */
  readonly warmUp?: RunWarmUp;
  readonly [key: string]: unknown;
}

/** What identifies the data a run used: instrument, timeframe and requested range. */
export interface RunData {
  readonly instrumentId: InstrumentId;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Requested range [fromTs, toTs); null = from the first / to the last stored bar. */
  readonly fromTs: number | null;
  readonly toTs: number | null;
  readonly barCount: number;
}

export interface NewRun extends RunData {
  readonly name: string;
  /** The saved strategy the spec came from; null for an unsaved spec or a template. */
  readonly strategyId: StrategyId | null;
  readonly spec: StrategySpec;
  readonly engineVersion: string;
  /** Content hash of data range + spec + engine version: equal hashes reproduce equal results. */
  readonly hash: string;
  readonly metrics: BacktestMetrics;
  /** Closed trades and every fill (the chart's markers), as the engine reports them. */
  readonly trades: readonly Trade[];
  readonly markers: readonly Marker[];
  readonly equity: EquityCurve;
  readonly status: RunStatus;
  /** Small extra outputs kept with the run (open position at the end, magnifier used, sweep variant...). */
  readonly extras?: RunExtras;
}

export interface RunSummary extends RunData {
  readonly id: RunId;
  /** Epoch ms UTC when the run was saved. */
  readonly createdAt: number;
  readonly name: string;
  readonly strategyId: StrategyId | null;
  readonly engineVersion: string;
  readonly hash: string;
  readonly metrics: BacktestMetrics;
  readonly tradeCount: number;
  readonly status: RunStatus;
  /**
   * The sweep variant the run was opened from (its `extras.sweepVariant`), carried in the
   * summary so lists can tell ten variants of one sweep apart without reading the extras.
   */
  readonly sweepVariant?: RunSweepVariant;
}

export interface RunDetail extends RunSummary {
  readonly spec: StrategySpec;
  readonly trades: readonly Trade[];
  readonly equity: EquityCurve;
  readonly extras: RunExtras;
}

/** A run without its bulky series (trades, equity): what a first view needs. */
export interface RunHeader extends RunSummary {
  readonly spec: StrategySpec;
  readonly extras: RunExtras;
  /** Numeric trade fields whose values never decrease in trade order (sorting by them ascending is trade order). */
  readonly ascendingTradeFields: readonly TradeNumberField[];
}

export interface RunPage {
  readonly runs: readonly RunSummary[];
  /** All runs stored, for paging controls. */
  readonly total: number;
}

export interface ListRunsQuery {
  /** Only runs of this saved strategy. */
  readonly strategyId?: StrategyId;
  /** Only runs with this content hash: the same data, spec and engine, so the same results. */
  readonly hash?: string;
  /** Default 50. */
  readonly limit?: number;
  readonly offset?: number;
}

/** Persists finished runs. Ids are time-ordered and assigned by the store on save. */
export interface RunStore {
  save(run: NewRun): RunSummary;
  /** Newest first. */
  list(query?: ListRunsQuery): RunPage;
  get(id: RunId): RunDetail | null;
  /** The run without trades and equity; reads no trade data. */
  getHeader(id: RunId): RunHeader | null;
  /** The full-resolution equity curve alone. */
  getEquity(id: RunId): EquityCurve | null;
  /** The run's equity overview; null for an unknown run or one saved before overviews were kept. */
  getEquityOverview(id: RunId): EquityOverview | null;
  /** Trades [offset, offset + limit) in trade order, reading only the stored pages that hold them. */
  readTrades(id: RunId, offset: number, limit: number): readonly Trade[];
  /** The trades at these positions (in trade order numbering), in the order given. */
  readTradesAt(id: RunId, indices: ArrayLike<number>): readonly Trade[];
  /** One numeric field of every trade, for sorting. */
  readTradeField(id: RunId, field: TradeNumberField): Float64Array;
  /** Every fill of the run in time order (the chart's markers); null for an unknown run. */
  readMarkers(id: RunId): readonly Marker[] | null;
  /** Returns false when there was no such run. */
  delete(id: RunId): boolean;
}
