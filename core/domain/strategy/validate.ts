import { timeframeMs, type Timeframe } from '../market/timeframe.js';
import { findOutput, findVariable, type ComparisonGroup, type OutputDef, type VariableDef } from './catalog.js';
import { limitViolation, MAX_STRATEGY_NAME_LENGTH, type NumberLimit } from './limits.js';
import { paramName, SPEC_FIELDS, TRIGGER_BARS_FIELD, type SpecFieldPath } from './spec-fields.js';
import { numberAt } from '../optimize/spec-path.js';
import { canonicalSpecPath, isParameterRoot, PARAMETER_NAME } from './parameters.js';
import type { Condition, ConditionGroup, Distance, Operand, PortfolioRules, Side, StrategySpec, Trigger, VariableOperand } from './spec.js';

/** One problem found in a spec: where (a path into the spec), what (a code) and a sentence for people. */
export interface Problem {
  /** e.g. 'entry.long.children[0].right' */
  readonly path: string;
  readonly code: ProblemCode;
  readonly message: string;
}

export type ProblemCode =
  | 'missingName'
  | 'nameTooLong'
  | 'unknownVariable'
  | 'unknownOutput'
  | 'unknownParam'
  | 'paramOutOfRange'
  | 'paramNotInteger'
  | 'paramOrder'
  | 'positionVariableTimeframe'
  | 'positionVariableWhenFlat'
  | 'timeframeBelowRun'
  | 'incompatibleGroups'
  | 'mixedGroups'
  | 'constantNotFinite'
  | 'constantOutOfRange'
  | 'missingRight'
  | 'rightIgnored'
  | 'invalidBarCount'
  | 'selfComparison'
  | 'emptyGroup'
  | 'missingEntry'
  | 'unusedConditions'
  | 'closesOnlyAtEnd'
  | 'invalidManagement'
  | 'invalidSizing'
  | 'invalidCosts'
  | 'invalidInitialCash'
  | 'invalidPortfolio'
  | 'portfolioRule'
  | 'invalidParameter'
  | 'parameterPath'
  | 'parameterValuesDiffer';

/**
 * Problems of a single field holding a value outside what it may hold (a range, a whole
 * number, a name length). Unlike an unfinished strategy (no entry yet, an empty group),
 * such a value is never stored: saving refuses it, not only running.
 */
export const VALUE_PROBLEM_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'nameTooLong',
  'paramOutOfRange',
  'paramNotInteger',
  'constantNotFinite',
  'invalidBarCount',
  'invalidManagement',
  'invalidSizing',
  'invalidCosts',
  'invalidInitialCash',
  'invalidPortfolio',
  'invalidParameter',
  'parameterValuesDiffer',
]);

export interface ValidateOptions {
  /** The timeframe the strategy will run on; enables the higher-timeframe check. */
  readonly runTimeframe?: Timeframe;
}

export interface ValidationResult {
  /** Problems that block a run. */
  readonly errors: Problem[];
  /** Warnings the user has not accepted yet (they block until accepted). */
  readonly warnings: Problem[];
  /** Warnings whose path is in `spec.acceptedWarnings`: shown, not blocking. */
  readonly accepted: Problem[];
  /**
   * Facts worth saying about a spec that is fine to run as it is (e.g. no exit at all: a
   * buy-and-hold): shown like warnings, never blocking, nothing to accept.
   */
  readonly notices: Problem[];
}

type Verdict = 'ok' | 'warning' | 'error';

/**
 * Whether two outputs may be compared (symmetric), from their comparison groups:
 *
 * |             | price | percent | zeroCentred | volume | time | count |
 * |-------------|-------|---------|-------------|--------|------|-------|
 * | price       | ok    | E / W*  | E           | E      | E    | E     |
 * | percent     |       | ok      | W           | E      | E    | E     |
 * | zeroCentred |       |         | ok          | E      | E    | E     |
 * | volume      |       |         |             | ok     | E    | E     |
 * | time        |       |         |             |        | ok   | E     |
 * | count       |       |         |             |        |      | ok    |
 *
 * E = error, W = warning the user must accept.
 * (*) price vs a bounded 0-100 oscillator (RSI, Stochastic, ADX: outputs with a range)
 * is an error: no reading of it makes sense. Price vs an unbounded percentage
 * (unrealized PnL %, rate of change, Bollinger %b or width) is a warning: a number
 * like "PnL % above 5" written against the wrong operand is a likely slip, but not
 * provably meaningless. Percent vs zero-centred (e.g. ROC vs MACD) is a warning for
 * the same reason: both swing around a level, in different units.
 * Constants are compatible with every group; they are range-checked instead.
 */
export function comparisonVerdict(a: OutputDef, b: OutputDef): Verdict {
  if (a.group === b.group) return 'ok';
  const pair = (x: ComparisonGroup, y: ComparisonGroup): boolean => (a.group === x && b.group === y) || (a.group === y && b.group === x);
  if (pair('price', 'percent')) {
    const percentSide = a.group === 'percent' ? a : b;
    return percentSide.range ? 'error' : 'warning';
  }
  if (pair('percent', 'zeroCentred')) return 'warning';
  return 'error';
}

const GROUP_WORDS: Readonly<Record<ComparisonGroup, string>> = {
  price: 'a price',
  percent: 'a percentage',
  zeroCentred: 'an oscillator around zero',
  volume: 'a volume',
  time: 'a time value',
  count: 'a number of bars',
};

/** Resolved identity of a variable operand: what it computes, for self-comparison checks. */
interface ResolvedOperand {
  readonly def: VariableDef;
  readonly output: OutputDef;
  readonly key: string;
  readonly label: string;
}

/** Collects problems while walking a spec. */
class Collector {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];
  readonly accepted: Problem[] = [];
  readonly notices: Problem[] = [];
  private readonly acceptedPaths: ReadonlySet<string>;

  constructor(acceptedPaths: readonly string[] | undefined) {
    this.acceptedPaths = new Set(acceptedPaths ?? []);
  }

  error(path: string, code: ProblemCode, message: string): void {
    this.errors.push({ path, code, message });
  }

  warn(path: string, code: ProblemCode, message: string): void {
    (this.acceptedPaths.has(path) ? this.accepted : this.warnings).push({ path, code, message });
  }

  notice(path: string, code: ProblemCode, message: string): void {
    this.notices.push({ path, code, message });
  }
}

/**
 * Checks a structurally valid spec (see the zod schema in core/application) for
 * meaning: catalog references, parameter ranges, comparisons, reachable entries and
 * exits, and sound management, sizing and cost values. Returns every problem at once.
 */
export function validateSpec(spec: StrategySpec, options: ValidateOptions = {}): ValidationResult {
  const out = new Collector(spec.acceptedWarnings);
  if (spec.name.trim() === '') out.error('name', 'missingName', 'Give the strategy a name.');
  else if (spec.name.trim().length > MAX_STRATEGY_NAME_LENGTH) {
    out.error('name', 'nameTooLong', `The name is ${spec.name.trim().length} characters; a name is at most ${MAX_STRATEGY_NAME_LENGTH}.`);
  }

  const sides: readonly Side[] = spec.direction === 'both' ? ['long', 'short'] : [spec.direction];
  for (const side of ['long', 'short'] as const) {
    const entry = spec.entry[side];
    const trades = sides.includes(side);
    // An empty top-level group is reported as a missing entry (or nothing), not as an empty group.
    if (entry && entry.children.length > 0) checkGroup(entry, `entry.${side}`, out, options, false);
    if (trades && (!entry || entry.children.length === 0)) {
      out.error(`entry.${side}`, 'missingEntry', `The strategy trades ${side} but has no ${side} entry conditions.`);
    }
    if (!trades && entry && entry.children.length > 0) {
      out.warn(`entry.${side}`, 'unusedConditions', `The ${side} entry conditions are ignored: the direction is ${spec.direction} only.`);
    }
    const exit = spec.exit[side];
    if (exit && exit.children.length > 0) checkGroup(exit, `exit.${side}`, out, options, true);
    if (!trades && exit && exit.children.length > 0) {
      out.warn(`exit.${side}`, 'unusedConditions', `The ${side} exit conditions are ignored: the direction is ${spec.direction} only.`);
    }
  }

  checkManagement(spec, out);
  const m = spec.management;
  const managedExit = m.stopLoss !== undefined || m.takeProfit !== undefined || m.trailingStop !== undefined || m.timeExitBars !== undefined;
  // No way out of a position is a buy-and-hold (or sell-and-hold): legitimate, so said, not
  // blocking. The engine keeps the position to the last bar and reports it as the run's open
  // position (valued in equity, not a trade), which the results show.
  if (spec.direction !== 'both' && !managedExit) {
    const side = spec.direction;
    const exit = spec.exit[side];
    if (!exit || exit.children.length === 0) {
      out.notice(
        `exit.${side}`,
        'closesOnlyAtEnd',
        'There is no exit condition, stop, target, trailing stop or time exit: a position stays open to the end of the data and is shown as an open position (buy and hold).',
      );
    }
  }

  checkSizing(spec, out);
  checkCosts(spec, out);
  checkField(spec.initialCash, 'initialCash', 'invalidInitialCash', 'Initial cash', out);
  if (spec.portfolio) checkPortfolio(spec, spec.portfolio, out, options);
  checkParameters(spec, out);
  return { errors: out.errors, warnings: out.warnings, accepted: out.accepted, notices: out.notices };
}

/** True when the result has nothing blocking: no errors and no unaccepted warnings. */
export function isRunnable(result: ValidationResult): boolean {
  return result.errors.length === 0 && result.warnings.length === 0;
}

function checkGroup(group: ConditionGroup, path: string, out: Collector, options: ValidateOptions, inExit: boolean): void {
  if (group.children.length === 0) {
    out.error(path, 'emptyGroup', `This "${group.mode}" group has no conditions; add one or remove the group.`);
    return;
  }
  group.children.forEach((child: Condition, index) => {
    const childPath = `${path}.children[${index}]`;
    if (child.kind === 'group') checkGroup(child, childPath, out, options, inExit);
    else checkTrigger(child, childPath, out, options, inExit);
  });
}

function checkTrigger(trigger: Trigger, path: string, out: Collector, options: ValidateOptions, inExit: boolean): void {
  const left = checkVariable(trigger.left, `${path}.left`, out, options, inExit);
  if (trigger.operator === 'risingFor' || trigger.operator === 'fallingFor') {
    const bars = trigger.bars;
    if (bars === undefined) out.error(`${path}.bars`, 'invalidBarCount', `"${trigger.operator}" needs a number of bars.`);
    else checkLimit(bars, TRIGGER_BARS_FIELD.limit, `${path}.bars`, 'invalidBarCount', `The bar count of "${trigger.operator}"`, out);
    if (trigger.right !== undefined) {
      out.warn(`${path}.right`, 'rightIgnored', `"${trigger.operator}" looks at the left value only; the right operand is ignored.`);
    }
    return;
  }
  const right = trigger.right;
  if (right === undefined) {
    out.error(`${path}.right`, 'missingRight', `"${trigger.operator}" needs something to compare with.`);
    return;
  }
  if (right.kind === 'constant') {
    checkConstant(right, left, `${path}.right`, out);
    return;
  }
  const resolvedRight = checkVariable(right, `${path}.right`, out, options, inExit);
  if (!left || !resolvedRight) return;
  if (left.key === resolvedRight.key) {
    out.warn(path, 'selfComparison', `This compares ${left.label} with itself, so it is always or never true.`);
    return;
  }
  const verdict = comparisonVerdict(left.output, resolvedRight.output);
  if (verdict === 'ok') return;
  const sentence = `${left.label} is ${GROUP_WORDS[left.output.group]}${left.output.range ? ` (${left.output.range.min} to ${left.output.range.max})` : ''} and ${resolvedRight.label} is ${GROUP_WORDS[resolvedRight.output.group]}${resolvedRight.output.range ? ` (${resolvedRight.output.range.min} to ${resolvedRight.output.range.max})` : ''}`;
  if (verdict === 'error') out.error(`${path}.right`, 'incompatibleGroups', `${sentence}: they cannot be compared.`);
  else out.warn(`${path}.right`, 'mixedGroups', `${sentence}: check that this comparison is what you mean.`);
}

function checkConstant(constant: Extract<Operand, { kind: 'constant' }>, left: ResolvedOperand | undefined, path: string, out: Collector): void {
  if (!Number.isFinite(constant.value)) {
    out.error(path, 'constantNotFinite', `The constant must be a finite number, got ${constant.value}.`);
    return;
  }
  const range = left?.output.range;
  if (left && range && (constant.value < range.min || constant.value > range.max)) {
    out.warn(path, 'constantOutOfRange', `${left.label} ranges from ${range.min} to ${range.max}; ${constant.value} is outside that range.`);
  }
}

function checkVariable(operand: VariableOperand, path: string, out: Collector, options: ValidateOptions, inExit: boolean): ResolvedOperand | undefined {
  const def = findVariable(operand.variable);
  if (!def) {
    out.error(`${path}.variable`, 'unknownVariable', `"${operand.variable}" is not a known trading variable.`);
    return undefined;
  }
  const output = findOutput(def, operand.output);
  if (!output) {
    out.error(
      `${path}.output`,
      'unknownOutput',
      `${def.label} has no output "${operand.output}"; choose one of ${def.outputs.map((o) => o.id).join(', ')}.`,
    );
  }
  const params: Record<string, number> = {};
  for (const p of def.params) params[p.name] = p.default;
  for (const [name, value] of Object.entries(operand.params ?? {})) {
    const p = def.params.find((candidate) => candidate.name === name);
    const paramPath = `${path}.params.${name}`;
    if (!p) {
      const known = def.params.length > 0 ? `; its parameters are ${def.params.map((c) => c.name).join(', ')}` : ' and takes no parameters';
      out.error(paramPath, 'unknownParam', `${def.label} has no parameter "${name}"${known}.`);
      continue;
    }
    params[name] = value;
    if (!Number.isFinite(value) || value < p.min || value > p.max) {
      out.error(paramPath, 'paramOutOfRange', `${paramName(def, p)} must be between ${p.min} and ${p.max}, got ${value}.`);
    } else if (p.type === 'int' && !Number.isInteger(value)) {
      out.error(paramPath, 'paramNotInteger', `${paramName(def, p)} must be a whole number, got ${value}.`);
    }
  }
  if (def.id === 'macd' && params['fast']! >= params['slow']!) {
    out.error(`${path}.params.fast`, 'paramOrder', `MACD fast period (${params['fast']}) must be shorter than its slow period (${params['slow']}).`);
  }
  if (def.kind === 'position') {
    if (operand.timeframe !== undefined) {
      out.error(`${path}.timeframe`, 'positionVariableTimeframe', `${def.label} describes the open position and has no higher timeframe.`);
    }
    if (!inExit) {
      out.warn(path, 'positionVariableWhenFlat', `${def.label} has no value while flat, so this entry condition cannot be true before a position is open.`);
    }
  }
  if (operand.timeframe !== undefined && options.runTimeframe !== undefined && timeframeMs(operand.timeframe) < timeframeMs(options.runTimeframe)) {
    out.error(
      `${path}.timeframe`,
      'timeframeBelowRun',
      `${def.label} is set to ${operand.timeframe}, below the run's ${options.runTimeframe}; a variable's timeframe must be the run's or higher.`,
    );
  }
  if (!output) return undefined;
  const paramText = def.params.map((p) => params[p.name]).join(', ');
  const label = `${def.label}${paramText ? `(${paramText})` : ''}${def.outputs.length > 1 ? ` ${output.label}` : ''}${operand.timeframe ? ` [${operand.timeframe}]` : ''}`;
  return { def, output, label, key: `${def.id}|${paramText}|${output.id}|${operand.timeframe ?? ''}` };
}

/** Reports `value` at `path` when it breaks its limit: "The stop-loss percent must be between 0.01 and 100, got 500." */
function checkLimit(value: number, limit: NumberLimit, path: string, code: ProblemCode, what: string, out: Collector): void {
  const violation = limitViolation(value, limit);
  if (violation) out.error(path, code, `${what} ${violation}, got ${value}.`);
}

/** Reports the number of a fixed field (a row of SPEC_FIELDS) when it breaks the field's limit. */
function checkField(value: number, path: SpecFieldPath, code: ProblemCode, what: string, out: Collector): void {
  checkLimit(value, SPEC_FIELDS[path].limit, path, code, what, out);
}

function checkDistance(distance: Distance, path: 'management.stopLoss' | 'management.takeProfit' | 'management.trailingStop.distance', what: string, out: Collector): void {
  if (distance.kind === 'percent') {
    checkField(distance.value, `${path}.value`, 'invalidManagement', `The ${what} percent`, out);
    return;
  }
  checkField(distance.multiple, `${path}.multiple`, 'invalidManagement', `The ${what} ATR multiple`, out);
  checkField(distance.period, `${path}.period`, 'invalidManagement', `The ${what} ATR period`, out);
}

function checkManagement(spec: StrategySpec, out: Collector): void {
  const m = spec.management;
  if (m.stopLoss) checkDistance(m.stopLoss, 'management.stopLoss', 'stop-loss', out);
  if (m.takeProfit) checkDistance(m.takeProfit, 'management.takeProfit', 'take-profit', out);
  if (m.trailingStop) {
    checkDistance(m.trailingStop.distance, 'management.trailingStop.distance', 'trailing stop', out);
    const activation = m.trailingStop.activationPct;
    checkField(activation, 'management.trailingStop.activationPct', 'invalidManagement', 'The trailing stop activation %', out);
  }
  if (m.timeExitBars !== undefined) {
    checkField(m.timeExitBars, 'management.timeExitBars', 'invalidManagement', 'The time exit (bars)', out);
  }
  if (m.pyramiding) {
    const { maxAdds, spacingPct } = m.pyramiding;
    checkField(maxAdds, 'management.pyramiding.maxAdds', 'invalidManagement', 'The maximum number of adds', out);
    checkField(spacingPct, 'management.pyramiding.spacingPct', 'invalidManagement', 'The spacing between adds (%)', out);
  }
  if (m.partialExit) {
    const { atProfitPct, fraction } = m.partialExit;
    checkField(atProfitPct, 'management.partialExit.atProfitPct', 'invalidManagement', 'The partial exit profit %', out);
    checkField(fraction, 'management.partialExit.fraction', 'invalidManagement', 'The partial exit fraction', out);
  }
}

function checkSizing(spec: StrategySpec, out: Collector): void {
  const s = spec.sizing;
  if (s.kind === 'fixedQuantity') checkField(s.quantity, 'sizing.quantity', 'invalidSizing', 'The fixed quantity', out);
  else if (s.kind === 'fixedCash') checkField(s.cash, 'sizing.cash', 'invalidSizing', 'The cash per trade', out);
  else if (s.kind === 'percentEquity') checkField(s.percent, 'sizing.percent', 'invalidSizing', 'The percent of equity', out);
  // equalWeight holds no number: the equity over the slots.
}

function checkCosts(spec: StrategySpec, out: Collector): void {
  const c = spec.costs;
  checkField(c.commissionPct, 'costs.commissionPct', 'invalidCosts', 'The commission %', out);
  checkField(c.commissionFixed, 'costs.commissionFixed', 'invalidCosts', 'The fixed commission per order', out);
  checkField(c.slippageBps, 'costs.slippageBps', 'invalidCosts', 'The slippage (bps)', out);
}

/** Symbols as instruments spell them (assertInstrumentDraft). */
const SYMBOL = /^[A-Za-z0-9._:/-]{1,32}$/;
const MAX_UNIVERSE_SYMBOLS = 500;

function checkPortfolio(spec: StrategySpec, p: PortfolioRules, out: Collector, options: ValidateOptions): void {
  checkField(p.maxPositions, 'portfolio.maxPositions', 'invalidPortfolio', 'The maximum number of positions', out);
  if (p.ranking) {
    const by = p.ranking.by;
    if (findVariable(by.variable)?.kind === 'position') {
      out.error('portfolio.ranking.by.variable', 'portfolioRule', `Candidates are ranked while they are flat, when ${findVariable(by.variable)!.label} has no value; rank by a market variable.`);
    } else {
      // Ranked at the candidates' close, as an exit reads its operands (no flat-position warning applies).
      checkVariable(by, 'portfolio.ranking.by', out, options, true);
    }
  }
  const r = p.rotation;
  if (r) {
    checkField(r.top, 'portfolio.rotation.top', 'invalidPortfolio', 'The number of instruments a rotation holds', out);
    // Compared only when both numbers are valid on their own (each is reported alone otherwise).
    const fit = (value: number, path: 'portfolio.rotation.top' | 'portfolio.maxPositions') => limitViolation(value, SPEC_FIELDS[path].limit) === null;
    if (fit(r.top, 'portfolio.rotation.top') && fit(p.maxPositions, 'portfolio.maxPositions') && r.top > p.maxPositions) {
      out.error('portfolio.rotation.top', 'portfolioRule', `The rotation holds the top ${r.top}, more than the ${p.maxPositions} positions allowed at once; hold at most ${p.maxPositions}.`);
    }
    if (r.every.kind === 'bars') checkField(r.every.bars, 'portfolio.rotation.every.bars', 'invalidPortfolio', 'The bars between rebalances', out);
    if (!p.ranking) out.error('portfolio.ranking', 'portfolioRule', 'A rotation holds the best instruments by rank: choose a ranking variable.');
    if (spec.direction === 'both') {
      out.error('portfolio.rotation', 'portfolioRule', 'A rotation holds one side: set the direction to long or short.');
    }
  }
  const u = p.universe;
  if (u && 'symbols' in u) {
    if (u.symbols.length === 0) out.error('portfolio.universe.symbols', 'portfolioRule', 'The universe lists no instrument; name at least one symbol.');
    else if (u.symbols.length > MAX_UNIVERSE_SYMBOLS) out.error('portfolio.universe.symbols', 'portfolioRule', `The universe lists ${u.symbols.length} instruments; at most ${MAX_UNIVERSE_SYMBOLS}.`);
    const seen = new Set<string>();
    u.symbols.forEach((symbol, i) => {
      if (!SYMBOL.test(symbol)) out.error(`portfolio.universe.symbols[${i}]`, 'portfolioRule', `"${symbol}" is not a symbol: 1-32 letters, digits or . _ : / -.`);
      else if (seen.has(symbol)) out.error(`portfolio.universe.symbols[${i}]`, 'portfolioRule', `${symbol} is listed twice.`);
      seen.add(symbol);
    });
  } else if (u && u.tag.trim() === '') {
    out.error('portfolio.universe.tag', 'portfolioRule', 'The universe tag is empty; name a tag or list symbols.');
  }
}

/**
 * The named parameters: each a valid, unique name over at least one number field, no field
 * in two parameters, and a parameter's fields holding one value (what the builder keeps
 * and a sweep sets; a spec edited by hand may break it). A name or a value is refused on
 * save like any bad value; a path to nothing ('parameterPath': its condition was replaced
 * or removed) only blocks a run, as an unfinished strategy does.
 */
function checkParameters(spec: StrategySpec, out: Collector): void {
  const names = new Set<string>();
  const owners = new Map<string, string>();
  (spec.parameters ?? []).forEach((parameter, index) => {
    const at = `parameters[${index}]`;
    if (!PARAMETER_NAME.test(parameter.name)) {
      out.error(`${at}.name`, 'invalidParameter', `"${parameter.name}" is not a parameter name: use a letter or _ first, then letters, digits or _ (40 at most).`);
    } else if (names.has(parameter.name)) {
      out.error(`${at}.name`, 'invalidParameter', `There are two parameters named "${parameter.name}".`);
    }
    names.add(parameter.name);
    if (parameter.paths.length === 0) out.error(`${at}.paths`, 'parameterPath', `Parameter "${parameter.name}" sets no field.`);
    let first: { path: string; value: number } | null = null;
    parameter.paths.forEach((path, j) => {
      const where = `${at}.paths[${j}]`;
      const canonical = canonicalSpecPath(path);
      let value: number | null = null;
      try {
        if (canonical !== null && isParameterRoot(canonical)) value = numberAt(spec, canonical);
      } catch {
        value = null;
      }
      if (canonical === null || value === null) {
        out.error(where, 'parameterPath', `Parameter "${parameter.name}" names ${path}, which is no number field of the strategy.`);
        return;
      }
      const owner = owners.get(canonical);
      if (owner !== undefined) {
        out.error(where, 'invalidParameter', `${canonical} is in parameter "${owner}" and in "${parameter.name}"; a field belongs to one parameter.`);
        return;
      }
      owners.set(canonical, parameter.name);
      if (first === null) first = { path: canonical, value };
      else if (value !== first.value) {
        out.error(
          canonical,
          'parameterValuesDiffer',
          `Parameter "${parameter.name}" holds ${first.value} at ${first.path} but ${value} here: the fields of a parameter hold one value.`,
        );
      }
    });
  });
}
