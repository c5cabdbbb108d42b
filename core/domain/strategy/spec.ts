import type { Timeframe } from '../market/timeframe.js';

/**
 * The strategy spec: versioned JSON built from parts (variables, triggers, groups,
 * rules) so the GUI can render and edit every part from data. Numbers only; no code.
 *
 * Versions (upgradeSpec in spec-version.ts reads every earlier one):
 * 1. the first format;
 * 2. adds `parameters`, the strategy's named numbers. Nothing else changed: a version 1
 *    spec is a version 2 spec without parameters.
 */
export const SPEC_VERSION = 2 as const;

/** A value from the trading variables catalog, e.g. `{ variable: 'sma', params: { period: 20 } }`. */
export interface VariableOperand {
  readonly kind: 'variable';
  /** Catalog id: 'close', 'sma', 'rsi', 'macd', 'bollinger', 'unrealizedPnlPct', ... */
  readonly variable: string;
  /** Parameter values by name; a missing one takes the catalog default. */
  readonly params?: Readonly<Record<string, number>>;
  /** Which output of a multi-output variable ('signal', 'upper', ...); default: its first. */
  readonly output?: string;
  /** Evaluate on this higher timeframe (completed bars only); default: the run's timeframe. */
  readonly timeframe?: Timeframe;
}

export interface ConstantOperand {
  readonly kind: 'constant';
  readonly value: number;
}

export type Operand = VariableOperand | ConstantOperand;

export const OPERATORS = ['>', '<', '>=', '<=', 'crossesAbove', 'crossesBelow', 'risingFor', 'fallingFor'] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * `left operator right`. For risingFor / fallingFor, `bars` is N and `right` is absent:
 * the left value rose (fell) on each of the last N bars.
 */
export interface Trigger {
  readonly kind: 'trigger';
  readonly left: VariableOperand;
  readonly operator: Operator;
  readonly right?: Operand;
  readonly bars?: number;
}

export interface ConditionGroup {
  readonly kind: 'group';
  /** all: every child holds; any: at least one; not: none of the children holds. */
  readonly mode: 'all' | 'any' | 'not';
  readonly children: readonly Condition[];
}

export type Condition = Trigger | ConditionGroup;

export type Direction = 'long' | 'short' | 'both';
export type Side = 'long' | 'short';

/** A distance from the entry price: a percentage or a multiple of ATR(period) at entry. */
export type Distance =
  | { readonly kind: 'percent'; readonly value: number }
  | { readonly kind: 'atr'; readonly multiple: number; readonly period: number };

export interface TrailingStop {
  readonly distance: Distance;
  /** The trail starts only once the position is this % in profit; 0 = at once. */
  readonly activationPct: number;
}

export interface Pyramiding {
  /** Adds allowed on top of the first entry. */
  readonly maxAdds: number;
  /** An add needs price to have moved this % in favour since the last fill. */
  readonly spacingPct: number;
}

export interface PartialExit {
  /** Take part of the position off once it is this % in profit. */
  readonly atProfitPct: number;
  /** Fraction of the open quantity to close, (0, 1). */
  readonly fraction: number;
}

export interface Management {
  readonly stopLoss?: Distance;
  readonly takeProfit?: Distance;
  readonly trailingStop?: TrailingStop;
  /** Close after this many bars in the trade. */
  readonly timeExitBars?: number;
  readonly pyramiding?: Pyramiding;
  readonly partialExit?: PartialExit;
}

/**
 * How much one position takes. `equalWeight`: the equity divided by the slots
 * (`portfolio.maxPositions`, 1 without a portfolio), so a full book is evenly spread.
 */
export type Sizing =
  | { readonly kind: 'fixedQuantity'; readonly quantity: number }
  | { readonly kind: 'fixedCash'; readonly cash: number }
  | { readonly kind: 'percentEquity'; readonly percent: number }
  | { readonly kind: 'equalWeight' };

export interface Costs {
  /** Percent of traded notional, per side (entry and exit each). */
  readonly commissionPct: number;
  /** Fixed amount per order, in quote currency. */
  readonly commissionFixed: number;
  /** Adverse slippage applied to every fill, in basis points. */
  readonly slippageBps: number;
}

export interface SideConditions {
  readonly long?: ConditionGroup;
  readonly short?: ConditionGroup;
}

/** Which entries get the slots when more fire at one close than there are free slots. */
export interface PortfolioRanking {
  /** A catalog variable read at the signal's close on each candidate's own bars (e.g. rate of change). */
  readonly by: VariableOperand;
  /** 'desc': the highest value first; 'asc': the lowest. Ties go to the symbol first in alphabetical order. */
  readonly order: 'desc' | 'asc';
}

/** When a rotation rebalances: every N bars of the run, or at the first bar of each UTC day, week (Monday) or month. */
export type RotationSchedule = { readonly kind: 'bars'; readonly bars: number } | { readonly kind: 'calendar'; readonly period: 'day' | 'week' | 'month' };

/**
 * Periodic rotation: at each rebalance, hold the `top` instruments by rank among those
 * whose entry condition holds at that close, and sell the rest. Entries happen only at
 * rebalances; exits (conditions, stops, targets, time exit) act at any bar.
 */
export interface Rotation {
  readonly every: RotationSchedule;
  readonly top: number;
}

/** The instruments a portfolio run trades: a list of symbols, or every instrument with a tag. */
export type Universe = { readonly symbols: readonly string[] } | { readonly tag: string };

/**
 * Rules for running the strategy over a universe of instruments with one account: shared
 * cash, at most `maxPositions` open at once (each sized by `sizing`), a ranking for when
 * more entries fire than there are free slots, and an optional rotation.
 */
export interface PortfolioRules {
  readonly maxPositions: number;
  readonly ranking?: PortfolioRanking;
  readonly rotation?: Rotation;
  /** The universe a run uses when the run itself names none (a spec file for the CLI). */
  readonly universe?: Universe;
}

/**
 * A named parameter (spec version 2): one number the strategy is tuned by, held by the
 * fields at `paths`, which always hold the same value (the validator says so when they
 * do not). The numbers stay in their fields, so the engine reads a spec with parameters
 * as one without; the names are what Optimize, walk-forward, constraints ('fast<slow'),
 * summaries and reports call those numbers. An SMA cross has `fast` at the entry's and
 * the exit's fast SMA period, `slow` at both slow ones.
 */
export interface SpecParameter {
  /** 'fast': a letter or underscore, then letters, digits or underscores (PARAMETER_NAME), so it never reads as a spec path. */
  readonly name: string;
  /** What the builder and reports call it ('Fast period'); default: the name. */
  readonly label?: string;
  /** The number fields it sets, as spec paths in the validator's form ('entry.long.children[0].left.params.period'); at least one. */
  readonly paths: readonly string[];
}

export interface StrategySpec {
  readonly version: typeof SPEC_VERSION;
  readonly name: string;
  readonly direction: Direction;
  readonly entry: SideConditions;
  readonly exit: SideConditions;
  readonly management: Management;
  readonly sizing: Sizing;
  readonly costs: Costs;
  readonly initialCash: number;
  /** How the strategy trades a universe of instruments; absent: each run trades one instrument. */
  readonly portfolio?: PortfolioRules;
  /** Paths of validation warnings the user has accepted (e.g. price vs percentage). */
  readonly acceptedWarnings?: readonly string[];
  /** The named parameters (version 2); absent or empty: none. */
  readonly parameters?: readonly SpecParameter[];
}
