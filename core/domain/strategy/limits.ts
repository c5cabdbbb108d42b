/**
 * The allowed values of the numbers a strategy spec holds outside the variables catalog
 * (whose parameters carry their own ranges), by kind of number: a stop's distance is one
 * limit for three paths. spec-fields.ts gives each path its limit from here and its words.
 */

/** Inclusive bounds of one number field; `aboveMin` makes the lower bound exclusive. */
export interface NumberLimit {
  readonly min: number;
  readonly max: number;
  /** True when the value must be strictly above `min` (a quantity of 0 is no quantity). */
  readonly aboveMin?: boolean;
  readonly integer?: boolean;
  /** The step a form offers (arrows, spinners); not enforced. */
  readonly step: number;
}

/** Names longer than this are refused everywhere (create, rename, the builder's name field). */
export const MAX_STRATEGY_NAME_LENGTH = 200;

export const SPEC_LIMITS = {
  /** A stop, target or trail as a percentage of the entry price. */
  distancePercent: { min: 0.01, max: 100, step: 0.1 },
  /** A stop, target or trail as a multiple of ATR. */
  distanceAtrMultiple: { min: 0.1, max: 50, step: 0.1 },
  /** The ATR period of a distance: the catalog's ATR period range. */
  distanceAtrPeriod: { min: 1, max: 5000, integer: true, step: 1 },
  trailingActivationPct: { min: 0, max: 1000, step: 0.1 },
  timeExitBars: { min: 1, max: 100_000, integer: true, step: 1 },
  pyramidingMaxAdds: { min: 0, max: 20, integer: true, step: 1 },
  pyramidingSpacingPct: { min: 0, max: 100, step: 0.1 },
  partialExitAtProfitPct: { min: 0, max: 1000, aboveMin: true, step: 0.1 },
  partialExitFraction: { min: 0.01, max: 0.99, step: 0.05 },
  sizingQuantity: { min: 0, max: 1e9, aboveMin: true, step: 1 },
  sizingCash: { min: 0, max: 1e12, aboveMin: true, step: 100 },
  sizingPercent: { min: 0.1, max: 100, step: 1 },
  initialCash: { min: 1, max: 1e12, step: 1000 },
  commissionPct: { min: 0, max: 10, step: 0.01 },
  commissionFixed: { min: 0, max: 1000, step: 0.5 },
  slippageBps: { min: 0, max: 1000, step: 1 },
  /** Positions a portfolio holds at once (its slots); also a rotation's top K. */
  maxPositions: { min: 1, max: 100, integer: true, step: 1 },
  /** Bars between a rotation's rebalances. */
  rotationBars: { min: 1, max: 100_000, integer: true, step: 1 },
  /** N of "rises/falls for N bars". */
  triggerBars: { min: 1, max: 500, integer: true, step: 1 },
} as const satisfies Record<string, NumberLimit>;

export type SpecLimitName = keyof typeof SPEC_LIMITS;
export type SpecLimits = { readonly [K in SpecLimitName]: NumberLimit };

/** True when `value` lies within the limit's bounds (whole or not). */
export function withinBounds(value: number, limit: NumberLimit): boolean {
  return Number.isFinite(value) && (limit.aboveMin ? value > limit.min : value >= limit.min) && value <= limit.max;
}

/** Returns why `value` breaks `limit` ('must be between 0.01 and 100'), or null when it fits. */
export function limitViolation(value: number, limit: NumberLimit): string | null {
  if (!withinBounds(value, limit)) return limit.aboveMin ? `must be above ${limit.min} and at most ${limit.max}` : `must be between ${limit.min} and ${limit.max}`;
  if (limit.integer && !Number.isInteger(value)) return 'must be a whole number';
  return null;
}
