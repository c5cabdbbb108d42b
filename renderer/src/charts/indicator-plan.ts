import { operandKey } from '../../../core/domain/engine/operands.js';
import { timeframeMs, type Timeframe } from '../../../core/domain/market/timeframe.js';
import { findOutput, findVariable } from '../../../core/domain/strategy/catalog.js';
import type { Condition, StrategySpec, VariableOperand } from '../api/contract.js';
import { operandText } from '../app/spec-summary.js';

/** Lines one preview draws at most (over the price and in panes): a dozen would hide the price. */
export const MAX_DRAWN_INDICATORS = 6;
/** Panes under the price chart at most. */
export const MAX_PANES = 3;

/** Theme tokens of the indicator lines, in order (styles.css); the price line is --accent. */
const LINE_TOKENS = ['--line-1', '--line-2', '--line-3', '--line-4', '--line-5', '--line-6'] as const;

/** One indicator line: the operand drawn, its key in a `data/bars` answer, its words and theme colour token. */
export interface IndicatorLine {
  readonly key: string;
  readonly operand: VariableOperand;
  readonly label: string;
  readonly colour: string;
}

/** A pane under the price chart: the outputs of one indicator (MACD's line and signal), and the constants compared with them. */
export interface IndicatorPane {
  readonly id: string;
  readonly label: string;
  readonly lines: readonly IndicatorLine[];
  /** Constants the strategy compares these lines with (RSI < 30): drawn as levels. */
  readonly levels: readonly number[];
}

/** What a preview draws of a strategy: lines over the price, panes under it, in the order asked of `data/bars`. */
export interface IndicatorPlan {
  readonly overlays: readonly IndicatorLine[];
  readonly panes: readonly IndicatorPane[];
  /** Every line's operand, overlays first, as `data/bars` is asked for them. */
  readonly operands: readonly VariableOperand[];
  /** Indicators the strategy uses that are not drawn (over the limits). */
  readonly left: number;
}

/** Variables worth a line: indicators and volume. Price fields are the price line; time and position state are not series. */
function drawable(operand: VariableOperand, timeframe: Timeframe): boolean {
  const def = findVariable(operand.variable);
  if (!def || !findOutput(def, operand.output)) return false;
  if (operand.timeframe !== undefined && timeframeMs(operand.timeframe) < timeframeMs(timeframe)) return false;
  return def.kind === 'indicator' || (def.kind === 'price' && def.group === 'volume');
}

/** Over the price when it is a price level of an overlay variable (SMA, Bollinger bands); else in a pane (RSI, %b, ATR). */
function overPrice(operand: VariableOperand): boolean {
  const def = findVariable(operand.variable)!;
  return def.placement === 'overlay' && findOutput(def, operand.output)!.group === 'price';
}

/** The pane an operand goes to: one per indicator and its parameters, whatever the output. */
function paneId(operand: VariableOperand): string {
  const { output: _output, ...indicator } = operand;
  return operandKey(indicator);
}

function paneLabel(operand: VariableOperand): string {
  const def = findVariable(operand.variable)!;
  // The indicator without an output's name ('MACD(12, 26, 9)', not '… MACD line').
  const text = operandText({ ...operand, output: def.outputs[0]!.id });
  return def.outputs.length > 1 ? text.slice(0, text.length - def.outputs[0]!.label.length - 1) : text;
}

/**
 * The indicators a strategy uses, as a preview chart draws them: price levels over the
 * price (SMA, EMA, Bollinger bands, channels), the others in a pane each (RSI, MACD,
 * ATR, volume) with the constants they are compared with as levels. Each operand once,
 * in the order the conditions name them; at most MAX_DRAWN_INDICATORS lines and MAX_PANES panes.
 */
export function indicatorPlan(spec: StrategySpec, timeframe: Timeframe): IndicatorPlan {
  const found = new Map<string, VariableOperand>();
  const levels = new Map<string, Set<number>>();
  const visit = (condition: Condition | undefined): void => {
    if (!condition) return;
    if (condition.kind === 'group') {
      for (const child of condition.children) visit(child);
      return;
    }
    const sides = [condition.left, condition.right];
    for (const operand of sides) {
      if (operand?.kind !== 'variable' || !drawable(operand, timeframe)) continue;
      const key = operandKey(operand, timeframe);
      if (!found.has(key)) found.set(key, operand);
      const other = operand === condition.left ? condition.right : condition.left;
      if (other?.kind === 'constant' && !overPrice(operand)) {
        const id = paneId(operand);
        levels.set(id, (levels.get(id) ?? new Set()).add(other.value));
      }
    }
  };
  for (const which of [spec.entry, spec.exit]) {
    visit(which.long);
    visit(which.short);
  }

  const overlays: IndicatorLine[] = [];
  const panes: { id: string; label: string; lines: IndicatorLine[]; levels: number[] }[] = [];
  let drawn = 0;
  let left = 0;
  for (const [key, operand] of found) {
    const line = (): IndicatorLine => ({ key, operand, label: operandText(operand), colour: LINE_TOKENS[drawn % LINE_TOKENS.length]! });
    if (drawn >= MAX_DRAWN_INDICATORS) {
      left++;
      continue;
    }
    if (overPrice(operand)) {
      overlays.push(line());
      drawn++;
      continue;
    }
    const id = paneId(operand);
    let pane = panes.find((p) => p.id === id);
    if (!pane) {
      if (panes.length >= MAX_PANES) {
        left++;
        continue;
      }
      pane = { id, label: paneLabel(operand), lines: [], levels: [...(levels.get(id) ?? [])].sort((a, b) => a - b) };
      panes.push(pane);
    }
    pane.lines.push(line());
    drawn++;
  }
  return { overlays, panes, operands: [...overlays, ...panes.flatMap((p) => p.lines)].map((l) => l.operand), left };
}
