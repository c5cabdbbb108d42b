/**
 * A strategy spec in words, for people reading a run away from the builder (the HTML
 * report): "Close crosses above SMA(20) and (RSI(14) is below 30 or ...)". Variable names
 * and parameter order come from the variables catalog the builder uses.
 */
import type { Condition, Distance, Operand, Operator, RunSweepVariant, Sizing, StrategySpec, VariableDef } from '../api/contract.js';

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

export type VariableLookup = ReadonlyMap<string, VariableDef>;

/** Indexes the catalog's variables by id. */
export function variableLookup(variables: readonly VariableDef[]): VariableLookup {
  return new Map(variables.map((v) => [v.id, v]));
}

/**
 * An operand as text: 'Close', 'SMA(20)', 'MACD(12, 26, 9) Signal line', 'EMA(50) on 4h', '30'.
 * Every parameter is shown (catalog defaults filled in), in the catalog's order; a variable
 * the catalog does not know is shown by its id and given parameters.
 */
export function operandText(operand: Operand, variables: VariableLookup): string {
  if (operand.kind === 'constant') return plainNumber(operand.value);
  const def = variables.get(operand.variable);
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
export function conditionText(condition: Condition, variables: VariableLookup, nested = false): string {
  if (condition.kind === 'trigger') {
    const left = operandText(condition.left, variables);
    const phrase = OPERATOR_PHRASES[condition.operator];
    if (condition.operator === 'risingFor' || condition.operator === 'fallingFor') {
      const bars = condition.bars ?? 1;
      return `${left} ${phrase} ${plainNumber(bars)} ${bars === 1 ? 'bar' : 'bars'}`;
    }
    return `${left} ${phrase} ${condition.right ? operandText(condition.right, variables) : '?'}`;
  }
  const parts = condition.children.map((child) => conditionText(child, variables, true));
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
export function specSummary(spec: StrategySpec, variables: VariableLookup): SummaryLine[] {
  const lines: SummaryLine[] = [{ label: 'Direction', text: DIRECTIONS[spec.direction] }];
  const sides = spec.direction === 'both' ? (['long', 'short'] as const) : [spec.direction];
  for (const side of sides) {
    const Side = side === 'long' ? 'Long' : 'Short';
    const entry = spec.entry[side];
    const exit = spec.exit[side];
    lines.push({ label: `${Side} entry`, text: entry ? conditionText(entry, variables) : 'nothing' });
    lines.push({ label: `${Side} exit`, text: exit && exit.children.length > 0 ? conditionText(exit, variables) : 'no exit rule (management exits only)' });
  }
  const m = spec.management;
  const management: SummaryLine[] = [];
  if (m.stopLoss) management.push({ label: 'Stop loss', text: distanceText(m.stopLoss) });
  if (m.takeProfit) management.push({ label: 'Take profit', text: distanceText(m.takeProfit) });
  if (m.trailingStop) {
    const activation = m.trailingStop.activationPct > 0 ? `, active once ${plainNumber(m.trailingStop.activationPct)} % in profit` : '';
    management.push({ label: 'Trailing stop', text: `${distanceSize(m.trailingStop.distance)} behind the best price${activation}` });
  }
  if (m.timeExitBars !== undefined && m.timeExitBars > 0) management.push({ label: 'Time exit', text: `after ${plainNumber(m.timeExitBars)} ${m.timeExitBars === 1 ? 'bar' : 'bars'} in the trade` });
  if (m.pyramiding && m.pyramiding.maxAdds > 0) {
    management.push({ label: 'Pyramiding', text: `up to ${plainNumber(m.pyramiding.maxAdds)} adds, each after a ${plainNumber(m.pyramiding.spacingPct)} % move in favour` });
  }
  if (m.partialExit && m.partialExit.atProfitPct > 0) {
    management.push({ label: 'Partial exit', text: `close ${plainNumber(m.partialExit.fraction * 100)} % of the position at ${plainNumber(m.partialExit.atProfitPct)} % profit` });
  }
  lines.push(...(management.length > 0 ? management : [{ label: 'Management', text: 'no stops, targets or time exit' }]));
  const fixedFee = spec.costs.commissionFixed > 0 ? ` + ${plainNumber(spec.costs.commissionFixed, true)} per order` : '';
  lines.push(
    { label: 'Sizing', text: sizingText(spec.sizing) },
    { label: 'Commission', text: `${plainNumber(spec.costs.commissionPct)} % per side${fixedFee}` },
    { label: 'Slippage', text: `${plainNumber(spec.costs.slippageBps)} bps per fill` },
    { label: 'Initial cash', text: plainNumber(spec.initialCash, true) },
  );
  return lines;
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
 * A sweep variant's parameter values, compact: 'fast=10, slow=50'. Given the run's spec and
 * the catalog, a saved strategy's spec paths read in the builder's words
 * ('Long entry: SMA period (trigger 1, left) = 20') instead of as paths.
 */
export function variantParamsText(variant: Pick<RunSweepVariant, 'params'>, named?: { spec: StrategySpec; variables: VariableLookup }): string {
  return Object.entries(variant.params)
    .map(([name, value]) =>
      named && name.includes('.') ? `${specPathLabel(named.spec, name, named.variables)} = ${plainNumber(value)}` : `${name}=${plainNumber(value)}`,
    )
    .join(', ');
}

/** Splits a sweep's spec path ('entry.long.children[0].left.params.period') into keys and indices. */
export function pathSegments(path: string): (string | number)[] {
  return (path.match(/[^.[\]]+/g) ?? []).map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

// The builder's words for the fixed number fields of a spec (ManagementForm, SizingCostsForm).
const FIELD_WORDS: Readonly<Record<string, string>> = {
  'management.trailingStop.activationPct': 'Trailing stop: activate at profit %',
  'management.timeExitBars': 'Time exit (bars)',
  'management.pyramiding.maxAdds': 'Pyramiding: max adds',
  'management.pyramiding.spacingPct': 'Pyramiding: add spacing %',
  'management.partialExit.atProfitPct': 'Partial exit at profit %',
  'management.partialExit.fraction': 'Partial exit: fraction closed',
  'sizing.quantity': 'Sizing: quantity',
  'sizing.cash': 'Sizing: cash per trade',
  'sizing.percent': 'Sizing: percent of equity',
  'costs.commissionPct': 'Commission % per side',
  'costs.commissionFixed': 'Commission fixed',
  'costs.slippageBps': 'Slippage (bps)',
  initialCash: 'Initial cash',
};
const DISTANCE_WORDS: Readonly<Record<string, string>> = { stopLoss: 'Stop loss', takeProfit: 'Take profit', trailingStop: 'Trailing stop' };
const DISTANCE_FIELD_WORDS: Readonly<Record<string, string>> = { value: 'percent', multiple: 'ATR multiple', period: 'ATR period' };

/**
 * A number of a spec, named by its path, in the builder's words: 'Long entry: SMA period
 * (trigger 1, left)', 'Long exit: RSI(14) is below value (trigger 2.1)', 'Stop loss: percent',
 * 'Sizing: percent of equity'. Triggers are numbered in the builder's order from 1, a
 * nested group's as 'group.trigger'. A path it cannot place is returned as it is.
 */
export function specPathLabel(spec: StrategySpec, path: string, variables: VariableLookup): string {
  const segments = pathSegments(path);
  const fixed = FIELD_WORDS[segments.join('.')];
  if (fixed) return fixed;
  const [root, second] = segments;
  if (root === 'management' && typeof second === 'string' && DISTANCE_WORDS[second]) {
    const rest = second === 'trailingStop' && segments[2] === 'distance' ? segments.slice(3) : segments.slice(2);
    const field = rest.length === 1 ? DISTANCE_FIELD_WORDS[String(rest[0])] : undefined;
    return field ? `${DISTANCE_WORDS[second]}: ${field}` : path;
  }
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
  if (part === 'bars' && key === undefined) return `${prefix}: ${operandText(node.left, variables)} ${OPERATOR_PHRASES[node.operator]} N bars (${where})`;
  if (part === 'right' && key === 'value' && name === undefined) return `${prefix}: ${operandText(node.left, variables)} ${OPERATOR_PHRASES[node.operator]} value (${where})`;
  if ((part === 'left' || part === 'right') && key === 'params' && typeof name === 'string' && segments.length === at + 3) {
    const operand = node[part];
    if (operand?.kind !== 'variable') return path;
    const def = variables.get(operand.variable);
    const param = def?.params.find((p) => p.name === name);
    return `${prefix}: ${def?.label ?? operand.variable} ${(param?.label ?? name).toLowerCase()} (${where}, ${part})`;
  }
  return path;
}
