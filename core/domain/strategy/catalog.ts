/**
 * The trading variables catalog: data the UI reads to render pickers, parameter
 * inputs and chart placement, and the validator reads to check specs. Adding an
 * indicator means one kernel (core/domain/indicators), one registry line and one entry
 * here; a test keeps catalog and registry in step.
 */

/**
 * Comparison group of an output: what its numbers measure. The validator decides from
 * the groups of both sides whether a comparison makes sense (see validate.ts).
 * - price: a price level or price distance (close, SMA, Bollinger bands, ATR, entry price)
 * - percent: a percentage; bounded oscillators (RSI, Stochastic, ADX) also declare a `range`
 * - zeroCentred: an unbounded oscillator around zero in its own units (MACD, CCI)
 * - volume: a quantity traded (volume, OBV)
 * - time: a clock or calendar value (minutes since midnight, day of week)
 * - count: a number of bars
 */
export const COMPARISON_GROUPS = ['price', 'percent', 'zeroCentred', 'volume', 'time', 'count'] as const;
export type ComparisonGroup = (typeof COMPARISON_GROUPS)[number];

export type VariableKind = 'price' | 'indicator' | 'time' | 'position';

export interface ParamDef {
  readonly name: string;
  readonly label: string;
  /** 'int' values must be whole numbers. */
  readonly type: 'int' | 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

export interface OutputDef {
  readonly id: string;
  readonly label: string;
  readonly group: ComparisonGroup;
  /** The values an output can take (bounded oscillators, clock values); constants outside it are flagged. */
  readonly range?: { readonly min: number; readonly max: number };
}

export interface VariableDef {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly kind: VariableKind;
  readonly params: readonly ParamDef[];
  /** The first output is the default when an operand names none. */
  readonly outputs: readonly OutputDef[];
  /** Drawn over the price chart or in a pane of its own. */
  readonly placement: 'overlay' | 'pane';
  /** Comparison group of the default (first) output. */
  readonly group: ComparisonGroup;
}

const PERCENT_0_100 = { min: 0, max: 100 } as const;

function period(defaultValue: number, label = 'Period', min = 1, max = 5000): ParamDef {
  return { name: 'period', label, type: 'int', default: defaultValue, min, max, step: 1 };
}

function single(id: string, label: string, group: ComparisonGroup, range?: OutputDef['range']): readonly OutputDef[] {
  return [range ? { id, label, group, range } : { id, label, group }];
}

function priceField(id: string, label: string, description: string, group: ComparisonGroup = 'price'): VariableDef {
  return {
    id,
    label,
    description,
    kind: 'price',
    params: [],
    outputs: single('value', label, group),
    placement: group === 'price' ? 'overlay' : 'pane',
    group,
  };
}

export const VARIABLES: readonly VariableDef[] = [
  priceField('close', 'Close', 'The closing price of the bar.'),
  priceField('open', 'Open', 'The opening price of the bar.'),
  priceField('high', 'High', 'The highest price of the bar.'),
  priceField('low', 'Low', 'The lowest price of the bar.'),
  priceField('volume', 'Volume', 'The quantity traded during the bar.', 'volume'),
  priceField('typical', 'Typical price', 'The average of high, low and close: (H + L + C) / 3.'),
  {
    id: 'sma',
    label: 'SMA',
    description: 'Simple moving average of the close over the last N bars.',
    kind: 'indicator',
    params: [period(20)],
    outputs: single('value', 'SMA', 'price'),
    placement: 'overlay',
    group: 'price',
  },
  {
    id: 'ema',
    label: 'EMA',
    description: 'Exponential moving average of the close (weight 2 / (N + 1), seeded with the SMA of the first N bars).',
    kind: 'indicator',
    params: [period(20)],
    outputs: single('value', 'EMA', 'price'),
    placement: 'overlay',
    group: 'price',
  },
  {
    id: 'wma',
    label: 'WMA',
    description: 'Linearly weighted moving average of the close: the newest bar weighs N, the oldest 1.',
    kind: 'indicator',
    params: [period(20)],
    outputs: single('value', 'WMA', 'price'),
    placement: 'overlay',
    group: 'price',
  },
  {
    id: 'rsi',
    label: 'RSI',
    description: "Relative strength index of the close with Wilder's smoothing, from 0 to 100.",
    kind: 'indicator',
    params: [period(14, 'Period', 2)],
    outputs: single('value', 'RSI', 'percent', PERCENT_0_100),
    placement: 'pane',
    group: 'percent',
  },
  {
    id: 'macd',
    label: 'MACD',
    description: 'Moving average convergence/divergence: EMA(fast) - EMA(slow) of the close, its EMA(signal), and their difference.',
    kind: 'indicator',
    params: [
      { name: 'fast', label: 'Fast period', type: 'int', default: 12, min: 1, max: 1000, step: 1 },
      { name: 'slow', label: 'Slow period', type: 'int', default: 26, min: 2, max: 2000, step: 1 },
      { name: 'signal', label: 'Signal period', type: 'int', default: 9, min: 1, max: 1000, step: 1 },
    ],
    outputs: [
      { id: 'line', label: 'MACD line', group: 'zeroCentred' },
      { id: 'signal', label: 'Signal line', group: 'zeroCentred' },
      { id: 'histogram', label: 'Histogram', group: 'zeroCentred' },
    ],
    placement: 'pane',
    group: 'zeroCentred',
  },
  {
    id: 'bollinger',
    label: 'Bollinger Bands',
    description:
      'SMA(N) of the close plus and minus K population standard deviations; %b is where the close sits between the bands (0 % at the lower, 100 % at the upper) and width is (upper - lower) / middle in %.',
    kind: 'indicator',
    params: [
      period(20, 'Period', 2),
      { name: 'stdDev', label: 'Standard deviations', type: 'number', default: 2, min: 0.1, max: 10, step: 0.1 },
    ],
    outputs: [
      { id: 'upper', label: 'Upper band', group: 'price' },
      { id: 'middle', label: 'Middle band', group: 'price' },
      { id: 'lower', label: 'Lower band', group: 'price' },
      { id: 'percentB', label: '%b', group: 'percent' },
      { id: 'width', label: 'Band width %', group: 'percent' },
    ],
    placement: 'overlay',
    group: 'price',
  },
  {
    id: 'atr',
    label: 'ATR',
    description: "Average true range with Wilder's smoothing: the typical bar range in price units, gaps included.",
    kind: 'indicator',
    params: [period(14)],
    outputs: single('value', 'ATR', 'price'),
    placement: 'pane',
    group: 'price',
  },
  {
    id: 'stochastic',
    label: 'Stochastic',
    description: 'Stochastic oscillator: %K is where the close sits in the high-low range of the last N bars (0-100); %D is the SMA of %K.',
    kind: 'indicator',
    params: [
      { name: 'period', label: '%K period', type: 'int', default: 14, min: 1, max: 5000, step: 1 },
      { name: 'signal', label: '%D period', type: 'int', default: 3, min: 1, max: 1000, step: 1 },
    ],
    outputs: [
      { id: 'k', label: '%K', group: 'percent', range: PERCENT_0_100 },
      { id: 'd', label: '%D', group: 'percent', range: PERCENT_0_100 },
    ],
    placement: 'pane',
    group: 'percent',
  },
  {
    id: 'adx',
    label: 'ADX',
    description: "Average directional index (trend strength, 0-100) with Wilder's smoothing, and the +DI / -DI lines.",
    kind: 'indicator',
    params: [period(14, 'Period', 2)],
    outputs: [
      { id: 'adx', label: 'ADX', group: 'percent', range: PERCENT_0_100 },
      { id: 'plusDi', label: '+DI', group: 'percent', range: PERCENT_0_100 },
      { id: 'minusDi', label: '-DI', group: 'percent', range: PERCENT_0_100 },
    ],
    placement: 'pane',
    group: 'percent',
  },
  {
    id: 'cci',
    label: 'CCI',
    description: 'Commodity channel index: (typical price - its SMA) / (0.015 x mean absolute deviation), around zero.',
    kind: 'indicator',
    params: [period(20, 'Period', 2, 1000)],
    outputs: single('value', 'CCI', 'zeroCentred'),
    placement: 'pane',
    group: 'zeroCentred',
  },
  {
    id: 'obv',
    label: 'OBV',
    description: 'On-balance volume: the running total of volume, added on up closes and subtracted on down closes.',
    kind: 'indicator',
    params: [],
    outputs: single('value', 'OBV', 'volume'),
    placement: 'pane',
    group: 'volume',
  },
  {
    id: 'vwap',
    label: 'VWAP (daily)',
    description: 'Volume-weighted average of the typical price since the start of the UTC day.',
    kind: 'indicator',
    params: [],
    outputs: single('value', 'VWAP', 'price'),
    placement: 'overlay',
    group: 'price',
  },
  {
    id: 'highest',
    label: 'Highest high',
    description: 'The highest high of the last N bars, this bar included (upper Donchian channel).',
    kind: 'indicator',
    params: [period(20)],
    outputs: single('value', 'Highest high', 'price'),
    placement: 'overlay',
    group: 'price',
  },
  {
    id: 'lowest',
    label: 'Lowest low',
    description: 'The lowest low of the last N bars, this bar included (lower Donchian channel).',
    kind: 'indicator',
    params: [period(20)],
    outputs: single('value', 'Lowest low', 'price'),
    placement: 'overlay',
    group: 'price',
  },
  {
    id: 'roc',
    label: 'Rate of change',
    description: 'Percentage change of the close over the last N bars.',
    kind: 'indicator',
    params: [period(12)],
    outputs: single('value', 'ROC %', 'percent'),
    placement: 'pane',
    group: 'percent',
  },
  {
    id: 'timeOfDay',
    label: 'Time of day',
    description: "Minutes since midnight UTC of the bar's open time (0-1439).",
    kind: 'time',
    params: [],
    outputs: single('value', 'Minutes since midnight UTC', 'time', { min: 0, max: 1439 }),
    placement: 'pane',
    group: 'time',
  },
  {
    id: 'dayOfWeek',
    label: 'Day of week',
    description: "Day of the week of the bar's open time, UTC: 0 = Sunday ... 6 = Saturday.",
    kind: 'time',
    params: [],
    outputs: single('value', 'Day of week', 'time', { min: 0, max: 6 }),
    placement: 'pane',
    group: 'time',
  },
  {
    id: 'unrealizedPnlPct',
    label: 'Unrealized PnL %',
    description: 'Open profit or loss of the current position in % of its entry value (NaN when flat). Computed by the engine.',
    kind: 'position',
    params: [],
    outputs: single('value', 'Unrealized PnL %', 'percent'),
    placement: 'pane',
    group: 'percent',
  },
  {
    id: 'barsInTrade',
    label: 'Bars in trade',
    description: 'Bars since the current position was opened (NaN when flat). Computed by the engine.',
    kind: 'position',
    params: [],
    outputs: single('value', 'Bars in trade', 'count'),
    placement: 'pane',
    group: 'count',
  },
  {
    id: 'entryPrice',
    label: 'Entry price',
    description: 'Average entry price of the current position (NaN when flat). Computed by the engine.',
    kind: 'position',
    params: [],
    outputs: single('value', 'Entry price', 'price'),
    placement: 'overlay',
    group: 'price',
  },
];

const BY_ID: ReadonlyMap<string, VariableDef> = new Map(VARIABLES.map((v) => [v.id, v]));

/** Returns the catalog entry of a variable id, or undefined. */
export function findVariable(id: string): VariableDef | undefined {
  return BY_ID.get(id);
}

/** Returns the output named `output` (default: the first) of a variable, or undefined. */
export function findOutput(variable: VariableDef, output?: string): OutputDef | undefined {
  return output === undefined ? variable.outputs[0] : variable.outputs.find((o) => o.id === output);
}

/** Returns the parameter values with catalog defaults filled in for the missing ones. */
export function withDefaults(variable: VariableDef, params?: Readonly<Record<string, number>>): Record<string, number> {
  const resolved: Record<string, number> = {};
  for (const p of variable.params) resolved[p.name] = params?.[p.name] ?? p.default;
  return resolved;
}
