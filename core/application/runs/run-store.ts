import type { InstrumentId, RunId, StrategyId } from '../../domain/market/ids.js';
import type { Timeframe } from '../../domain/market/timeframe.js';
import type { BacktestMetrics } from '../../domain/engine/metrics.js';
import type { InstrumentFigures, MemberCurves } from '../../domain/engine/portfolio.js';
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
  /**
   * Set when the run used its strategy's unsaved edits (the builder's draft) rather than
   * the saved version; the run's spec is what ran.
   */
  readonly unsavedEdits?: true;
  readonly [key: string]: unknown;
}

/**
 * A portfolio run's universe: its instruments in the engine's order (by symbol), and the
 * tag it was chosen by when it was (else the symbols were listed).
 */
export interface RunUniverse {
  readonly symbols: readonly string[];
  readonly instrumentIds: readonly InstrumentId[];
  readonly tag?: string;
}

/**
 * A portfolio run's per-instrument results: each instrument's figures (trades, win rate,
 * return contribution, exposure...), its PnL over the run sampled on the clock, and the
 * number of positions open at each clock bar.
 */
export interface RunPortfolio {
  readonly figures: readonly InstrumentFigures[];
  readonly curves: MemberCurves;
  readonly positions: Uint8Array;
}

/** What a portfolio run saves besides a single run's outputs: the instrument of each trade and fill, and its per-instrument results. */
export interface NewRunPortfolio extends RunPortfolio {
  readonly tradeInstruments: Uint16Array;
  readonly markerInstruments: Uint16Array;
}

/** What identifies the data a run used: instrument, timeframe and requested range. */
export interface RunData {
  /** The instrument; a portfolio run's first (by symbol), its universe in `universe`. */
  readonly instrumentId: InstrumentId;
  readonly symbol: string;
  /** Present for a portfolio run: the instruments it traded. */
  readonly universe?: RunUniverse;
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
  /** A portfolio run's instruments of trades and fills and its per-instrument results (with `universe`). */
  readonly portfolio?: NewRunPortfolio;
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
  /**
   * Set by `list` on a run that repeats an earlier one: the first stored run with the same
   * hash (same data, spec and engine, so the same results), so a list can say so.
   */
  readonly repeatOf?: { readonly id: RunId; readonly createdAt: number };
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
  /** A portfolio run's instrument of every trade, in trade order (indices into its universe); null for a run of one instrument. */
  readTradeInstruments(id: RunId): Uint16Array | null;
  /** A portfolio run's instrument of every fill, in readMarkers' order; null for a run of one instrument. */
  readMarkerInstruments(id: RunId): Uint16Array | null;
  /** A portfolio run's per-instrument results; null for an unknown run or a run of one instrument. */
  getPortfolio(id: RunId): RunPortfolio | null;
  /** Returns false when there was no such run. */
  delete(id: RunId): boolean;
}
