import { timeframeMs, type Timeframe } from '../market/timeframe.js';
import { findVariable, withDefaults } from '../strategy/catalog.js';
import type { Condition, Distance, StrategySpec, VariableOperand } from '../strategy/spec.js';

/**
 * The most bars a run warms up on before its first bar. A daily SMA(50) on 1-minute bars
 * asks for 52 x 1,440 = 74,880; this bounds the extra read at ~5 MB of bars.
 */
export const MAX_WARM_UP_BARS = 100_000;

/**
 * Recursive indicators (seeded, then smoothed forever) never forget their seed; they are
 * warmed until the seed's weight is about e^-10 (< 5e-5): EMA weight 2 / (N + 1) -> 5 N
 * bars, Wilder's weight 1 / N (RSI, ATR, ADX) -> 10 N bars per smoothing.
 */
const EMA_WARM_UP_PERIODS = 5;
const WILDER_WARM_UP_PERIODS = 10;
const DAY_MS = 86_400_000;

/**
 * Returns how many bars of the run's timeframe before its first bar the spec needs so
 * that every operand it reads (conditions and ATR distances) is defined at that bar,
 * recursive ones converged, and crossing/streak triggers have their previous values:
 * "max bars back". Capped at MAX_WARM_UP_BARS. Cumulative OBV has no finite warm-up (its
 * level depends on where the data starts) and counts 0.
 */
export function warmUpBarsFor(spec: StrategySpec, timeframe: Timeframe): number {
  let most = 0;
  const visit = (condition: Condition | undefined): void => {
    if (!condition) return;
    if (condition.kind === 'group') {
      for (const child of condition.children) visit(child);
      return;
    }
    const extra = condition.operator === 'crossesAbove' || condition.operator === 'crossesBelow' ? 1 : condition.operator === 'risingFor' || condition.operator === 'fallingFor' ? (condition.bars ?? 1) : 0;
    for (const operand of [condition.left, condition.right]) {
      if (operand?.kind !== 'variable') continue;
      most = Math.max(most, operandWarmUpBars(operand, timeframe, extra));
    }
  };
  for (const side of ['long', 'short'] as const) {
    visit(spec.entry[side]);
    visit(spec.exit[side]);
  }
  const m = spec.management;
  for (const distance of [m.stopLoss, m.takeProfit, m.trailingStop?.distance] as (Distance | undefined)[]) {
    if (distance?.kind === 'atr') most = Math.max(most, WILDER_WARM_UP_PERIODS * distance.period);
  }
  // A portfolio's ranking variable is read at the close like a condition's operand.
  const rankBy = spec.portfolio?.ranking?.by;
  if (rankBy) most = Math.max(most, operandWarmUpBars(rankBy, timeframe, 0));
  return Math.min(MAX_WARM_UP_BARS, most);
}

/**
 * Bars of the run's timeframe an operand needs before a bar (plus `extra` values of its
 * own timeframe before that, for crosses and streaks). A higher-timeframe operand sees
 * completed buckets only: its lookback plus the current bucket plus a partial first one,
 * in base bars at most (htf / base) per bucket.
 */
export function operandWarmUpBars(operand: VariableOperand, timeframe: Timeframe, extra = 0): number {
  const own = variableWarmUpBars(operand, operand.timeframe ?? timeframe) + extra;
  if (operand.timeframe === undefined || operand.timeframe === timeframe) return own;
  const ratio = Math.max(1, Math.ceil(timeframeMs(operand.timeframe) / timeframeMs(timeframe)));
  return (own + 2) * ratio;
}

/** Bars before a bar that a variable's value at that bar depends on (indexes as in core/domain/indicators). */
function variableWarmUpBars(operand: VariableOperand, timeframe: Timeframe): number {
  const def = findVariable(operand.variable);
  if (!def || def.kind === 'position') return 0;
  const p = withDefaults(def, operand.params);
  const period = p['period'] ?? 0;
  switch (operand.variable) {
    case 'sma':
    case 'wma':
    case 'highest':
    case 'lowest':
    case 'bollinger':
    case 'cci':
      return period - 1;
    case 'roc':
      return period;
    case 'stochastic':
      return period - 1 + (p['signal'] ?? 1) - 1;
    case 'ema':
      return EMA_WARM_UP_PERIODS * period;
    case 'macd':
      return EMA_WARM_UP_PERIODS * (Math.max(p['fast'] ?? 0, p['slow'] ?? 0) + (p['signal'] ?? 0));
    case 'rsi':
    case 'atr':
      return WILDER_WARM_UP_PERIODS * period;
    case 'adx':
      return 2 * WILDER_WARM_UP_PERIODS * period;
    case 'vwap':
      // Anchored to the UTC day: the day's earlier bars.
      return Math.max(0, Math.ceil(DAY_MS / timeframeMs(timeframe)) - 1);
    default:
      // Prices, calendar values and cumulative OBV.
      return 0;
  }
}
