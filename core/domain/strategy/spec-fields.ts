/**
 * The number fields of a strategy spec outside the variables catalog, one row per spec
 * path: the limit the validator holds it to and the words every screen says it with (the
 * builder's field, a sweep's parameter, a summary, a report, a range error). The variables'
 * parameters carry theirs in the catalog; `paramLimit` and `paramName` read them the same way.
 */
import type { ParamDef, VariableDef } from './catalog.js';
import { SPEC_LIMITS, type NumberLimit } from './limits.js';

/** What to call a number and what it does. */
export interface FieldWords {
  /** What the builder's field says, within its group: 'ATR period', 'Cash per trade'. */
  readonly label: string;
  /** What the number counts, when it is not a plain amount: '%', 'bars', 'bps'. */
  readonly unit?: string;
  /** One sentence on what the number does (a tooltip). */
  readonly help: string;
}

/** One number field of a spec: its words, its group and its limit. */
export interface SpecField extends FieldWords {
  /** The setting it belongs to, which its name on its own starts with ('Stop loss', 'Sizing'); none when the label says it all. */
  readonly group?: string;
  readonly limit: NumberLimit;
  /** 0 turns the setting off (the spec then leaves it out): offered although below the limit. */
  readonly zeroIsOff?: true;
}

const DISTANCE = {
  value: { label: 'Distance', unit: '%', help: 'How far from the entry price, as a percentage of it.', limit: SPEC_LIMITS.distancePercent },
  multiple: { label: 'ATR multiple', help: 'How far from the entry price, in multiples of the ATR at entry.', limit: SPEC_LIMITS.distanceAtrMultiple },
  period: { label: 'ATR period', unit: 'bars', help: 'The bars the ATR of the distance is taken over.', limit: SPEC_LIMITS.distanceAtrPeriod },
} as const satisfies Record<string, Omit<SpecField, 'group'>>;

/** Every number field of a spec outside the variables catalog, by its path. */
export const SPEC_FIELDS = {
  'management.stopLoss.value': { group: 'Stop loss', ...DISTANCE.value },
  'management.stopLoss.multiple': { group: 'Stop loss', ...DISTANCE.multiple },
  'management.stopLoss.period': { group: 'Stop loss', ...DISTANCE.period },
  'management.takeProfit.value': { group: 'Take profit', ...DISTANCE.value },
  'management.takeProfit.multiple': { group: 'Take profit', ...DISTANCE.multiple },
  'management.takeProfit.period': { group: 'Take profit', ...DISTANCE.period },
  'management.trailingStop.distance.value': { group: 'Trailing stop', ...DISTANCE.value },
  'management.trailingStop.distance.multiple': { group: 'Trailing stop', ...DISTANCE.multiple },
  'management.trailingStop.distance.period': { group: 'Trailing stop', ...DISTANCE.period },
  'management.trailingStop.activationPct': {
    group: 'Trailing stop',
    label: 'Activate at profit',
    unit: '%',
    help: 'The stop starts trailing once the position is this far in profit; 0 trails from the entry.',
    limit: SPEC_LIMITS.trailingActivationPct,
  },
  'management.timeExitBars': { label: 'Time exit', unit: 'bars', help: 'Closes a position after this many bars in the trade.', limit: SPEC_LIMITS.timeExitBars, zeroIsOff: true },
  'management.pyramiding.maxAdds': { group: 'Pyramiding', label: 'Max adds', help: 'Entries allowed on top of the first one.', limit: SPEC_LIMITS.pyramidingMaxAdds, zeroIsOff: true },
  'management.pyramiding.spacingPct': { group: 'Pyramiding', label: 'Add spacing', unit: '%', help: 'An add needs the price to have moved this far in favour since the last fill.', limit: SPEC_LIMITS.pyramidingSpacingPct },
  'management.partialExit.atProfitPct': {
    group: 'Partial exit',
    label: 'At profit',
    unit: '%',
    help: 'Takes part of the position off once it is this far in profit.',
    limit: SPEC_LIMITS.partialExitAtProfitPct,
    zeroIsOff: true,
  },
  'management.partialExit.fraction': { group: 'Partial exit', label: 'Fraction closed', help: 'The share of the open quantity the partial exit closes (0.5: half).', limit: SPEC_LIMITS.partialExitFraction },
  'sizing.quantity': { group: 'Sizing', label: 'Quantity', help: 'Units bought or sold at each entry.', limit: SPEC_LIMITS.sizingQuantity },
  'sizing.cash': { group: 'Sizing', label: 'Cash per trade', help: 'Cash put into each entry, in the quote currency.', limit: SPEC_LIMITS.sizingCash },
  'sizing.percent': { group: 'Sizing', label: 'Equity per trade', unit: '%', help: 'The share of current equity put into each entry.', limit: SPEC_LIMITS.sizingPercent },
  'costs.commissionPct': { label: 'Commission per side', unit: '%', help: 'A percentage of the traded value, paid on entry and again on exit.', limit: SPEC_LIMITS.commissionPct },
  'costs.commissionFixed': { label: 'Commission per order', help: 'A fixed amount paid on every order, in the quote currency.', limit: SPEC_LIMITS.commissionFixed },
  'costs.slippageBps': { label: 'Slippage', unit: 'bps', help: 'Every fill is this much worse than the price it was meant for (1 bps = 0.01 %).', limit: SPEC_LIMITS.slippageBps },
  initialCash: { label: 'Initial cash', help: 'The account at the first bar, in the quote currency.', limit: SPEC_LIMITS.initialCash },
  'portfolio.maxPositions': {
    group: 'Portfolio',
    label: 'Max positions',
    help: 'Positions held at once over the universe (the slots); an entry that finds no free slot is not taken.',
    limit: SPEC_LIMITS.maxPositions,
  },
  'portfolio.rotation.top': {
    group: 'Rotation',
    label: 'Hold top',
    help: 'At each rebalance, the instruments held: the best this many by rank among those whose entry condition holds.',
    limit: SPEC_LIMITS.maxPositions,
  },
  'portfolio.rotation.every.bars': { group: 'Rotation', label: 'Rebalance every', unit: 'bars', help: 'Bars of the run between rebalances.', limit: SPEC_LIMITS.rotationBars },
} as const satisfies Record<string, SpecField>;

export type SpecFieldPath = keyof typeof SPEC_FIELDS;

/** The N of a trigger's "rises/falls for N bars" (…children[i].bars): a path with an index, so not a row above. */
export const TRIGGER_BARS_FIELD: SpecField = { label: 'Bar count', help: 'How many bars in a row the value must rise (or fall).', limit: SPEC_LIMITS.triggerBars };

const BY_PATH: ReadonlyMap<string, SpecField> = new Map(Object.entries(SPEC_FIELDS));

/** Returns the row of a spec path, or undefined when the path is no fixed field (a trigger's number, a typo). */
export function specField(path: string): SpecField | undefined {
  return BY_PATH.get(path);
}

/** 'Fast period' -> 'fast period'; 'ATR period' and '%K period' stay as they are. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** A field's label after its group, where no heading says the group: 'Pyramiding: max adds', 'Time exit'. */
export function groupedLabel(field: Pick<SpecField, 'group' | 'label'>): string {
  return field.group ? `${field.group}: ${lowerFirst(field.label)}` : field.label;
}

/** A field's name on its own, with its unit: 'Stop loss: ATR period (bars)', 'Slippage (bps)', 'Initial cash'. */
export function specFieldName(field: SpecField): string {
  return field.unit ? `${groupedLabel(field)} (${field.unit})` : groupedLabel(field);
}

/** A catalog parameter's allowed values as a limit. */
export function paramLimit(param: ParamDef): NumberLimit {
  return { min: param.min, max: param.max, step: param.step, ...(param.type === 'int' ? { integer: true } : {}) };
}

/** A variable's parameter named on its own: 'SMA period', 'MACD fast period', 'Stochastic %K period'. */
export function paramName(variable: Pick<VariableDef, 'label'>, param: Pick<ParamDef, 'label'>): string {
  return `${variable.label} ${lowerFirst(param.label)}`;
}
