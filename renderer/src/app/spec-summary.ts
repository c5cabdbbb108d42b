/**
 * A strategy spec in words, for people reading a run away from the builder (the HTML
 * report): "Close crosses above SMA(20) and (RSI(14) is below 30 or ...)". Variable names
 * and parameter order come from the domain's variables catalog, a field's words from its
 * spec-field table: the builder's own.
 */
import { parsePath } from '../../../core/domain/optimize/spec-path.js';
import { findVariable } from '../../../core/domain/strategy/catalog.js';
import { parameterValue } from '../../../core/domain/strategy/parameters.js';
import { paramName, SPEC_FIELDS, specField, specFieldName, type SpecFieldPath } from '../../../core/domain/strategy/spec-fields.js';
import type { Condition, Distance, Operand, Operator, RunSweepVariant, Sizing, StrategySpec } from '../api/contract.js';

/** How each operator reads between two operands; risingFor / fallingFor take a bar count instead. */
export const OPERATOR_PHRASES: Readonly<Record<Operator, string>> = {
  '>': 'is above',
  '<': 'is below',
  '>=': 'is at or above',
  '<=': 'is at or below',
  crossesAbove: 'crosses above',
  crossesBelow: 'crosses below',
  risingFor: 'rises for',
  fallingFor: 'falls for',
};

// Up to 6 decimals, no padding zeros: parameters and costs are typed by hand (0.1, 2.5, 20).
const formats = new Map<boolean, Intl.NumberFormat>();
/**
 * A number as a trader typed it, without trailing zeros ('0.1', '2.5', '20'); `grouped`
 * adds digit grouping for amounts ('10,000'), left off where commas separate values ('MACD(12, 26, 9)').
 */
export function plainNumber(value: number, grouped = false): string {
  if (!Number.isFinite(value)) return String(value);
  let format = formats.get(grouped);
  if (!format) formats.set(grouped, (format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6, useGrouping: grouped })));
  return format.format(value);
}

/**
 * An operand as text: 'Close', 'SMA(20)', 'MACD(12, 26, 9) Signal line', 'EMA(50) on 4h', '30'.
 * Every parameter is shown (catalog defaults filled in), in the catalog's order; a variable
 * the catalog does not know is shown by its id and given parameters.
 */
export function operandText(operand: Operand): string {
  if (operand.kind === 'constant') return plainNumber(operand.value);
  const def = findVariable(operand.variable);
  const values = def ? def.params.map((p) => operand.params?.[p.name] ?? p.default) : Object.values(operand.params ?? {});
  let text = (def?.label ?? operand.variable) + (values.length > 0 ? `(${values.map((v) => plainNumber(v)).join(', ')})` : '');
  if (def && def.outputs.length > 1) {
    const output = operand.output === undefined ? def.outputs[0] : def.outputs.find((o) => o.id === operand.output);
    text += ` ${output?.label ?? operand.output}`;
  } else if (!def && operand.output !== undefined) {
    text += ` ${operand.output}`;
  }
  if (operand.timeframe !== undefined) text += ` on ${operand.timeframe}`;
  return text;
}

/**
 * A condition tree as one line: triggers as 'left operator right', an `all` group joined
 * with 'and', `any` with 'or', `not` as 'not (a or b)' (none of them holds); nested groups
 * of more than one condition in parentheses. An empty group reads 'nothing'.
 */
export function conditionText(condition: Condition, nested = false): string {
  if (condition.kind === 'trigger') {
    const left = operandText(condition.left);
    const phrase = OPERATOR_PHRASES[condition.operator];
    if (condition.operator === 'risingFor' || condition.operator === 'fallingFor') {
      const bars = condition.bars ?? 1;
      return `${left} ${phrase} ${plainNumber(bars)} ${bars === 1 ? 'bar' : 'bars'}`;
    }
    return `${left} ${phrase} ${condition.right ? operandText(condition.right) : '?'}`;
  }
  const parts = condition.children.map((child) => conditionText(child, true));
  if (parts.length === 0) return 'nothing';
  if (condition.mode === 'not') return `not (${parts.join(' or ')})`;
  if (parts.length === 1) return parts[0]!;
  const joined = parts.join(condition.mode === 'all' ? ' and ' : ' or ');
  return nested ? `(${joined})` : joined;
}

/** A distance's size: '2 %' or '1.5 × ATR(14)'. */
function distanceSize(distance: Distance): string {
  return distance.kind === 'percent' ? `${plainNumber(distance.value)} %` : `${plainNumber(distance.multiple)} × ATR(${plainNumber(distance.period)})`;
}

/** A stop or target distance: '2 % from entry' or '1.5 × ATR(14) from entry'. */
export function distanceText(distance: Distance): string {
  return `${distanceSize(distance)} from entry`;
}

/** Position sizing in words. */
export function sizingText(sizing: Sizing): string {
  switch (sizing.kind) {
    case 'fixedQuantity':
      return `fixed quantity of ${plainNumber(sizing.quantity, true)}`;
    case 'fixedCash':
      return `fixed cash of ${plainNumber(sizing.cash, true)} per trade`;
    case 'percentEquity':
      return `${plainNumber(sizing.percent)} % of equity`;
    case 'equalWeight':
      return 'equal weight: the equity over the position slots';
  }
}

const DIRECTIONS: Readonly<Record<StrategySpec['direction'], string>> = { long: 'Long only', short: 'Short only', both: 'Long and short' };

/** One line of a spec's summary: what it is about and what it says. */
export interface SummaryLine {
  readonly label: string;
  readonly text: string;
}

/**
 * The whole spec as labelled lines: direction, entry and exit rules of each side it
 * trades, management (only what is set), sizing, costs and initial cash.
 */
// A setting's line is headed by its group in SPEC_FIELDS ('Stop loss'), or the field's label where it has none ('Time exit').
const heading = (path: SpecFieldPath): string => {
  const field: { group?: string; label: string } = SPEC_FIELDS[path];
  return field.group ?? field.label;
};

export function specSummary(spec: StrategySpec): SummaryLine[] {
  const lines: SummaryLine[] = [{ label: 'Direction', text: DIRECTIONS[spec.direction] }];
  const parameters = parametersText(spec);
  if (parameters) lines.push({ label: 'Parameters', text: parameters });
  const sides = spec.direction === 'both' ? (['long', 'short'] as const) : [spec.direction];
  for (const side of sides) {
    const Side = side === 'long' ? 'Long' : 'Short';
    const entry = spec.entry[side];
    const exit = spec.exit[side];
    lines.push({ label: `${Side} entry`, text: entry ? conditionText(entry) : 'nothing' });
    lines.push({ label: `${Side} exit`, text: exit && exit.children.length > 0 ? conditionText(exit) : 'no exit rule (management exits only)' });
  }
  const m = spec.management;
  const management: SummaryLine[] = [];
  if (m.stopLoss) management.push({ label: heading('management.stopLoss.value'), text: distanceText(m.stopLoss) });
  if (m.takeProfit) management.push({ label: heading('management.takeProfit.value'), text: distanceText(m.takeProfit) });
  if (m.trailingStop) {
    const activation = m.trailingStop.activationPct > 0 ? `, active once ${plainNumber(m.trailingStop.activationPct)} % in profit` : '';
    management.push({ label: heading('management.trailingStop.activationPct'), text: `${distanceSize(m.trailingStop.distance)} behind the best price${activation}` });
  }
  if (m.timeExitBars !== undefined && m.timeExitBars > 0) management.push({ label: heading('management.timeExitBars'), text: `after ${plainNumber(m.timeExitBars)} ${m.timeExitBars === 1 ? 'bar' : 'bars'} in the trade` });
  if (m.pyramiding && m.pyramiding.maxAdds > 0) {
    management.push({ label: heading('management.pyramiding.maxAdds'), text: `up to ${plainNumber(m.pyramiding.maxAdds)} adds, each after a ${plainNumber(m.pyramiding.spacingPct)} % move in favour` });
  }
  if (m.partialExit && m.partialExit.atProfitPct > 0) {
    management.push({ label: heading('management.partialExit.atProfitPct'), text: `close ${plainNumber(m.partialExit.fraction * 100)} % of the position at ${plainNumber(m.partialExit.atProfitPct)} % profit` });
  }
  lines.push(...(management.length > 0 ? management : [{ label: 'Management', text: 'no stops, targets or time exit' }]));
  const fixedFee = spec.costs.commissionFixed > 0 ? ` + ${plainNumber(spec.costs.commissionFixed, true)} per order` : '';
  lines.push(
    { label: heading('sizing.percent'), text: sizingText(spec.sizing) },
    { label: 'Commission', text: `${plainNumber(spec.costs.commissionPct)} % per side${fixedFee}` },
    { label: heading('costs.slippageBps'), text: `${plainNumber(spec.costs.slippageBps)} bps per fill` },
    { label: heading('initialCash'), text: plainNumber(spec.initialCash, true) },
  );
  return lines;
}

/**
 * A spec's named parameters with their values, by name: 'fast = 10 · slow = 30'; empty
 * without any. What a run header and a report call the numbers the strategy is tuned by.
 */
export function parametersText(spec: StrategySpec): string {
  return (spec.parameters ?? [])
    .map((parameter) => {
      const value = parameterValue(spec, parameter);
      return `${parameter.name} = ${value === undefined ? '?' : plainNumber(value)}`;
    })
    .join(' · ');
}

/**
 * A swept parameter's name as the sweep screens head its column: a template parameter's
 * whole name ('fast'), the last two segments of a spec path ('…params.period').
 */
export function shortParamName(name: string): string {
  const parts = name.split('.');
  return parts.length > 2 ? `…${parts.slice(-2).join('.')}` : name;
}

/**
 * A sweep variant's parameter values in a list's few words: 'fast 10 · slow 50', names as
 * the sweep screens show them, in the sweep's order.
 */
export function variantParamsLabel(variant: Pick<RunSweepVariant, 'params'>): string {
  return Object.entries(variant.params)
    .map(([name, value]) => `${shortParamName(name)} ${plainNumber(value)}`)
    .join(' · ');
}

/**
 * A sweep variant's parameter values, compact: 'fast=10, slow=50'. Given the run's spec, a
 * saved strategy's spec paths read in the builder's words
 * ('Long entry: SMA period (trigger 1, left) = 20') instead of as paths.
 */
export function variantParamsText(variant: Pick<RunSweepVariant, 'params'>, spec?: StrategySpec): string {
  return Object.entries(variant.params)
    .map(([name, value]) => (spec && name.includes('.') ? `${specPathLabel(spec, name)} = ${plainNumber(value)}` : `${name}=${plainNumber(value)}`))
    .join(', ');
}

/** 'Ranking: Rate of change period' for portfolio.ranking.by.params.period; null for another path under the ranking. */
function rankingPathLabel(spec: StrategySpec, segments: readonly (string | number)[]): string | null {
  const by = spec.portfolio?.ranking?.by;
  const [, , part, key, name] = segments;
  if (!by || part !== 'by' || key !== 'params' || typeof name !== 'string' || segments.length !== 5) return null;
  const variable = findVariable(by.variable);
  const param = variable?.params.find((p) => p.name === name);
  return variable && param ? `Ranking: ${paramName(variable, param)}` : null;
}

/**
 * A number of a spec, named by its path, in the builder's words: 'Long entry: SMA period
 * (trigger 1, left)', 'Long exit: RSI(14) is below value (trigger 2.1)', 'Stop loss: distance (%)',
 * 'Sizing: equity per trade (%)', 'Ranking: Rate of change period'. Triggers are numbered in the builder's order from 1, a
 * nested group's as 'group.trigger'. A path it cannot place is returned as it is.
 */
export function specPathLabel(spec: StrategySpec, path: string): string {
  let segments: (string | number)[];
  try {
    segments = parsePath(path);
  } catch {
    return path;
  }
  const fixed = specField(segments.join('.'));
  if (fixed) return specFieldName(fixed);
  const [root, second] = segments;
  if (root === 'portfolio' && second === 'ranking') return rankingPathLabel(spec, segments) ?? path;
  if ((root !== 'entry' && root !== 'exit') || (second !== 'long' && second !== 'short')) return path;
  const prefix = `${second === 'long' ? 'Long' : 'Short'} ${root}`;
  let node: Condition | undefined = spec[root][second];
  const numbers: number[] = [];
  let at = 2;
  while (node?.kind === 'group' && segments[at] === 'children' && typeof segments[at + 1] === 'number') {
    const index = segments[at + 1] as number;
    numbers.push(index + 1);
    node = node.children[index];
    at += 2;
  }
  if (node?.kind !== 'trigger') return path;
  const where = `trigger ${numbers.join('.')}`;
  const [part, key, name] = segments.slice(at);
  if (part === 'bars' && key === undefined) return `${prefix}: ${operandText(node.left)} ${OPERATOR_PHRASES[node.operator]} N bars (${where})`;
  if (part === 'right' && key === 'value' && name === undefined) return `${prefix}: ${operandText(node.left)} ${OPERATOR_PHRASES[node.operator]} value (${where})`;
  if ((part === 'left' || part === 'right') && key === 'params' && typeof name === 'string' && segments.length === at + 3) {
    const operand = node[part];
    if (operand?.kind !== 'variable') return path;
    const def = findVariable(operand.variable);
    const param = def?.params.find((p) => p.name === name);
    return `${prefix}: ${def && param ? paramName(def, param) : `${def?.label ?? operand.variable} ${name}`} (${where}, ${part})`;
  }
  return path;
}
