import { DomainError } from '../errors.js';
import type { BarColumns } from '../market/bars.js';
import type { Timeframe } from '../market/timeframe.js';
import type { Side, StrategySpec } from '../strategy/spec.js';
import type { BacktestMetrics } from './metrics.js';

/** The instrument facts the engine needs: fills round to the tick, quantities to the step. */
export interface EngineInstrument {
  readonly priceTick: number;
  readonly quantityStep: number;
}

/** Everything a backtest depends on besides the bars (the streaming form takes bars by chunk). */
export interface BacktestConfig {
  readonly spec: StrategySpec;
  readonly instrument: EngineInstrument;
  /** Timeframe of `bars` (the strategy's timeframe). */
  readonly timeframe: Timeframe;
  /** Resolve stops/targets on the 1-minute path inside each bar when 1-minute bars are given; default true. */
  readonly magnifier?: boolean;
  /**
   * Precomputed whole-run series by `operandKey(operand)` (for example from a worker's
   * indicator cache), each one value per bar of the whole run. Operands found here are
   * read instead of computed; the others are computed by streaming kernels.
   */
  readonly series?: ReadonlyMap<string, Float64Array>;
  /**
   * Arrays to write equity and drawdown into (length >= the run's bars), e.g. reused
   * across the runs of a sweep so each run does not fault in fresh memory; the result's
   * arrays are then views of them. Ignored when too short.
   */
  readonly outputs?: { readonly equity: Float64Array; readonly drawdownPct?: Float64Array };
  /**
   * The first `warmUpBars` bars fed (over any chunks) are warm-up only: bars before the
   * run's first bar that indicators and conditions are computed on (see warm-up.ts for
   * how many a spec needs), with no orders, equity or metrics. Default 0. Precomputed
   * `series` then hold one value per bar fed, warm-up bars included.
   */
  readonly warmUpBars?: number;
  /**
   * What the result keeps beside the metrics (the same bit for bit whatever it keeps).
   * 'all' (default): trades, fills, equity and drawdown. 'equity': no drawdown array
   * (`drawdownPct` empty): what the app stores, which derives a drawdown from the equity
   * when it shows one (8 bytes a bar less: 42 MB over ten years of minutes). 'metrics':
   * no trades, fills or curve either, the metrics from running tallies: a sweep's variant,
   * where thousands of trade objects per run were a third of the engine's time.
   */
  readonly keep?: 'all' | 'equity' | 'metrics';
  /** Called every ~64K bars and once at the end with (bars done, total bars or NaN when unknown). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Polled every ~64K bars; returning true aborts the run with BacktestCancelledError. */
  readonly shouldCancel?: () => boolean;
}

export interface BacktestInput extends BacktestConfig {
  /** Bars of the strategy's timeframe, sorted, sound. */
  readonly bars: BarColumns;
  /** 1-minute bars of the same instrument over the same span (used when timeframe > 1m and magnifier is on). */
  readonly magnifierBars?: BarColumns;
}

/** Why a position (or part of it) closed; 'rotation': a portfolio's rebalance sold it (not in the top by rank). */
export type ExitReason = 'signal' | 'stopLoss' | 'takeProfit' | 'trailingStop' | 'timeExit' | 'partialExit' | 'reversal' | 'rotation';

/** One closed trade (or the closed part of a position, for partial exits). */
export interface Trade {
  readonly side: Side;
  /** Time of the position's first entry fill (the fill bar's open time, epoch ms). */
  readonly entryTs: number;
  /** Time of the exit fill: the fill bar's open time, or the 1-minute bar's when the magnifier resolved it. */
  readonly exitTs: number;
  readonly entryBar: number;
  readonly exitBar: number;
  /** Average entry price of the position (after slippage). */
  readonly entryPrice: number;
  /** Exit fill price (after slippage). */
  readonly exitPrice: number;
  readonly quantity: number;
  /** Net of the exit commission and of this quantity's share of the entry commissions. */
  readonly pnl: number;
  /** pnl / (entryPrice x quantity) x 100. */
  readonly returnPct: number;
  /** Entry-commission share + exit commission. */
  readonly fees: number;
  readonly barsHeld: number;
  readonly exitReason: ExitReason;
}

export type MarkerKind =
  | 'entryLong'
  | 'entryShort'
  | 'addLong'
  | 'addShort'
  | 'partialExitLong'
  | 'partialExitShort'
  | 'exitLong'
  | 'exitShort';

/** A fill, for the chart and the fill log: the bar it happened in, its time, price, quantity and commission. */
export interface Marker {
  readonly bar: number;
  readonly ts: number;
  readonly kind: MarkerKind;
  readonly price: number;
  readonly quantity: number;
  readonly fee: number;
  /** 'open': an order decided at the previous close, filled at this bar's open; 'intrabar': a stop or target. */
  readonly fill: 'open' | 'intrabar';
}

/** The position still open after the last bar: valued in the equity curve, not a closed trade. */
export interface OpenPosition {
  readonly side: Side;
  readonly entryTs: number;
  readonly entryBar: number;
  readonly entryPrice: number;
  readonly quantity: number;
  /** Last close. */
  readonly markPrice: number;
  /** Mark-to-market PnL net of the entry commissions paid so far (no exit commission). */
  readonly unrealizedPnl: number;
  /** Entry commissions of the open quantity. */
  readonly fees: number;
  readonly barsHeld: number;
}

export interface BacktestResult {
  readonly trades: readonly Trade[];
  /** Mark-to-market equity at each bar's close. */
  readonly equity: Float64Array;
  /** (equity / running peak - 1) x 100 at each bar's close; <= 0. */
  readonly drawdownPct: Float64Array;
  readonly markers: readonly Marker[];
  readonly openPosition: OpenPosition | null;
  readonly metrics: BacktestMetrics;
  /** Bars of the run (after the warm-up): the length of equity and drawdownPct. */
  readonly barsProcessed: number;
  /** Bars fed as warm-up before the run's first bar (config.warmUpBars, or fewer when the input had fewer). */
  readonly warmUpBars: number;
}

/** Thrown when `shouldCancel` asked the run to stop; recognise it with `isBacktestCancelled`. */
export class BacktestCancelledError extends DomainError {
  readonly code = 'BACKTEST_CANCELLED' as const;
  constructor(barsDone: number) {
    super(`Backtest cancelled after ${barsDone} bars`, { barsDone });
  }
}

/** True for the error a cancelled run throws (also across realms, by its code). */
export function isBacktestCancelled(error: unknown): boolean {
  return error instanceof BacktestCancelledError || (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'BACKTEST_CANCELLED');
}
