import { DomainError } from '../errors.js';
import type { ParamDef } from './catalog.js';
import { formatSpecPath, type PathSegments } from './parameters.js';
import {
  SPEC_VERSION,
  type Condition,
  type ConditionGroup,
  type Costs,
  type Direction,
  type Management,
  type Operand,
  type Operator,
  type Sizing,
  type SpecParameter,
  type StrategySpec,
  type VariableOperand,
} from './spec.js';

/** Fields a caller may preset when building from a template (CLI flags, UI form). */
export type TemplateBase = Partial<Pick<StrategySpec, 'name' | 'direction' | 'sizing' | 'costs' | 'initialCash' | 'management' | 'portfolio'>>;

export interface StrategyTemplate {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Tunable parameters by name ('fast', 'slow', ...) with defaults and bounds. */
  readonly params: readonly ParamDef[];
  /** Builds the spec; missing values take the parameter defaults. */
  build(values: Readonly<Record<string, number>>, base?: TemplateBase): StrategySpec;
}

/** Commission 0.1 % per side, slippage 1 bp, no fixed fee. */
export const DEFAULT_COSTS: Costs = { commissionPct: 0.1, commissionFixed: 0, slippageBps: 1 };
export const DEFAULT_SIZING: Sizing = { kind: 'percentEquity', percent: 100 };
export const DEFAULT_INITIAL_CASH = 10_000;

function intParam(name: string, label: string, defaultValue: number, min: number, max: number): ParamDef {
  return { name, label, type: 'int', default: defaultValue, min, max, step: 1 };
}

function numberParam(name: string, label: string, defaultValue: number, min: number, max: number, step: number): ParamDef {
  return { name, label, type: 'number', default: defaultValue, min, max, step };
}

const v = (variable: string, params?: Record<string, number>, output?: string): VariableOperand => ({
  kind: 'variable',
  variable,
  ...(params ? { params } : {}),
  ...(output ? { output } : {}),
});
const c = (value: number): Operand => ({ kind: 'constant', value });
const when = (left: VariableOperand, operator: Operator, right: Operand): Condition => ({ kind: 'trigger', left, operator, right });
const all = (...children: Condition[]): ConditionGroup => ({ kind: 'group', mode: 'all', children });

/** A number a template parameter sets: the object holding it (shared wherever the rules reuse it) and its key. */
type Field = readonly [holder: object, key: string];

interface Rules {
  /** Where each parameter's number sits, by parameter name: found in the built spec by identity, wherever the rules placed it. */
  readonly fields: Readonly<Record<string, readonly Field[]>>;
  readonly longEntry: ConditionGroup;
  readonly shortEntry: ConditionGroup;
  readonly longExit?: ConditionGroup;
  readonly shortExit?: ConditionGroup;
  readonly management?: Management;
  /** Default direction: reversal templates trade both sides. */
  readonly direction: Direction;
}

function defineTemplate(
  id: string,
  name: string,
  description: string,
  params: readonly ParamDef[],
  rules: (p: Readonly<Record<string, number>>) => Rules,
): StrategyTemplate {
  return {
    id,
    name,
    description,
    params,
    build(values, base = {}) {
      const resolved: Record<string, number> = {};
      for (const key of Object.keys(values)) {
        if (!params.some((p) => p.name === key)) {
          throw new DomainError(`Template "${id}" has no parameter "${key}"; its parameters are ${params.map((p) => p.name).join(', ')}`);
        }
      }
      for (const p of params) {
        const value = values[p.name] ?? p.default;
        if (!Number.isFinite(value) || value < p.min || value > p.max || (p.type === 'int' && !Number.isInteger(value))) {
          throw new DomainError(`Template "${id}": ${p.name} must be ${p.type === 'int' ? 'a whole number' : 'a number'} from ${p.min} to ${p.max}, got ${value}`);
        }
        resolved[p.name] = value;
      }
      if (resolved['fast'] !== undefined && resolved['slow'] !== undefined && resolved['fast'] >= resolved['slow']) {
        throw new DomainError(`Template "${id}": fast (${resolved['fast']}) must be shorter than slow (${resolved['slow']})`);
      }
      if (resolved['lower'] !== undefined && resolved['upper'] !== undefined && resolved['lower'] >= resolved['upper']) {
        throw new DomainError(`Template "${id}": lower (${resolved['lower']}) must be below upper (${resolved['upper']})`);
      }
      const r = rules(resolved);
      const direction = base.direction ?? r.direction;
      const spec: StrategySpec = {
        version: SPEC_VERSION,
        name: base.name ?? name,
        direction,
        entry: {
          ...(direction !== 'short' ? { long: r.longEntry } : {}),
          ...(direction !== 'long' ? { short: r.shortEntry } : {}),
        },
        exit: {
          ...(direction !== 'short' && r.longExit ? { long: r.longExit } : {}),
          ...(direction !== 'long' && r.shortExit ? { short: r.shortExit } : {}),
        },
        management: { ...r.management, ...base.management },
        sizing: base.sizing ?? DEFAULT_SIZING,
        costs: base.costs ?? DEFAULT_COSTS,
        initialCash: base.initialCash ?? DEFAULT_INITIAL_CASH,
        ...(base.portfolio ? { portfolio: base.portfolio } : {}),
      };
      // The template's parameters stay named in what it builds: a saved SMA cross keeps
      // `fast` and `slow`, each over the entry's and the exit's SMA.
      const parameters = params.flatMap((p): SpecParameter[] => {
        const paths = (r.fields[p.name] ?? []).flatMap(([holder, key]) => pathsOf(spec, holder).map((at) => formatSpecPath([...at, key])));
        return paths.length > 0 ? [{ name: p.name, label: p.label, paths: [...new Set(paths)] }] : [];
      });
      return parameters.length > 0 ? { ...spec, parameters } : spec;
    },
  };
}

/** The paths at which `target` (by identity) sits in `root`, in document order. */
function pathsOf(root: unknown, target: object, at: PathSegments = []): PathSegments[] {
  if (root === target) return [at];
  if (root === null || typeof root !== 'object') return [];
  if (Array.isArray(root)) return root.flatMap((child, index) => pathsOf(child, target, [...at, index]));
  return Object.entries(root).flatMap(([key, child]) => pathsOf(child, target, [...at, key]));
}

/** Moving-average cross: in on the fast average crossing the slow one, reversing on the opposite cross. */
function maCross(id: string, name: string, average: 'sma' | 'ema'): StrategyTemplate {
  return defineTemplate(
    id,
    name,
    `Goes long when the fast ${average.toUpperCase()} of the close crosses above the slow one, short when it crosses below (long only: exits on the cross below).`,
    [intParam('fast', 'Fast period', average === 'sma' ? 10 : 12, 1, 1000), intParam('slow', 'Slow period', average === 'sma' ? 30 : 26, 2, 2000)],
    (p) => {
      const fast = v(average, { period: p['fast']! });
      const slow = v(average, { period: p['slow']! });
      const up = all(when(fast, 'crossesAbove', slow));
      const down = all(when(fast, 'crossesBelow', slow));
      return { fields: { fast: [[fast.params!, 'period']], slow: [[slow.params!, 'period']] }, longEntry: up, shortEntry: down, longExit: down, shortExit: up, direction: 'long' };
    },
  );
}

const TEMPLATES: readonly StrategyTemplate[] = [
  maCross('sma-cross', 'SMA cross', 'sma'),
  maCross('ema-cross', 'EMA cross', 'ema'),
  defineTemplate(
    'rsi-mean-reversion',
    'RSI mean reversion',
    'Buys when RSI crosses below the lower level and sells when it crosses above the upper level (shorts mirror it).',
    [intParam('period', 'RSI period', 14, 2, 500), numberParam('lower', 'Oversold level', 30, 1, 50, 1), numberParam('upper', 'Overbought level', 70, 50, 99, 1)],
    (p) => {
      const rsi = v('rsi', { period: p['period']! });
      const lower = c(p['lower']!);
      const upper = c(p['upper']!);
      return {
        fields: { period: [[rsi.params!, 'period']], lower: [[lower, 'value']], upper: [[upper, 'value']] },
        longEntry: all(when(rsi, 'crossesBelow', lower)),
        longExit: all(when(rsi, 'crossesAbove', upper)),
        shortEntry: all(when(rsi, 'crossesAbove', upper)),
        shortExit: all(when(rsi, 'crossesBelow', lower)),
        direction: 'long',
      };
    },
  ),
  defineTemplate(
    'bollinger-breakout',
    'Bollinger breakout',
    'Goes long when the close crosses above the upper Bollinger band and exits when it falls back below the middle band (shorts mirror it on the lower band).',
    [intParam('period', 'Period', 20, 2, 1000), numberParam('stdDev', 'Standard deviations', 2, 0.5, 5, 0.1)],
    (p) => {
      const params = { period: p['period']!, stdDev: p['stdDev']! };
      const close = v('close');
      return {
        fields: { period: [[params, 'period']], stdDev: [[params, 'stdDev']] },
        longEntry: all(when(close, 'crossesAbove', v('bollinger', params, 'upper'))),
        longExit: all(when(close, 'crossesBelow', v('bollinger', params, 'middle'))),
        shortEntry: all(when(close, 'crossesBelow', v('bollinger', params, 'lower'))),
        shortExit: all(when(close, 'crossesAbove', v('bollinger', params, 'middle'))),
        direction: 'long',
      };
    },
  ),
  defineTemplate(
    'macd-trend',
    'MACD trend',
    'Goes long when the MACD line crosses above its signal line while above zero, exits when it crosses back below (shorts mirror it).',
    [intParam('fast', 'Fast period', 12, 1, 500), intParam('slow', 'Slow period', 26, 2, 1000), intParam('signal', 'Signal period', 9, 1, 500)],
    (p) => {
      const params = { fast: p['fast']!, slow: p['slow']!, signal: p['signal']! };
      const line = v('macd', params, 'line');
      const signal = v('macd', params, 'signal');
      return {
        fields: { fast: [[params, 'fast']], slow: [[params, 'slow']], signal: [[params, 'signal']] },
        longEntry: all(when(line, 'crossesAbove', signal), when(line, '>', c(0))),
        longExit: all(when(line, 'crossesBelow', signal)),
        shortEntry: all(when(line, 'crossesBelow', signal), when(line, '<', c(0))),
        shortExit: all(when(line, 'crossesAbove', signal)),
        direction: 'long',
      };
    },
  ),
  defineTemplate(
    'donchian-atr',
    'Donchian breakout with ATR stop',
    "Goes long on a new highest high of the entry channel (Donchian breakout), exits on a new lowest low of the shorter exit channel or at a stop an ATR multiple below the entry (shorts mirror it).",
    [
      intParam('period', 'Entry channel', 20, 2, 1000),
      intParam('exitPeriod', 'Exit channel', 10, 2, 1000),
      intParam('atrPeriod', 'ATR period', 14, 1, 500),
      numberParam('atrMultiple', 'ATR stop multiple', 2, 0.5, 10, 0.1),
    ],
    (p) => {
      // The channel includes the current bar, so close > highest high can never hold: the
      // breakout is the bar's high reaching the channel, i.e. a new `period`-bar high.
      const entryChannel = { period: p['period']! };
      const exitChannel = { period: p['exitPeriod']! };
      const stopLoss = { kind: 'atr', multiple: p['atrMultiple']!, period: p['atrPeriod']! } as const;
      return {
        fields: { period: [[entryChannel, 'period']], exitPeriod: [[exitChannel, 'period']], atrPeriod: [[stopLoss, 'period']], atrMultiple: [[stopLoss, 'multiple']] },
        longEntry: all(when(v('high'), '>=', v('highest', entryChannel))),
        longExit: all(when(v('low'), '<=', v('lowest', exitChannel))),
        shortEntry: all(when(v('low'), '<=', v('lowest', entryChannel))),
        shortExit: all(when(v('high'), '>=', v('highest', exitChannel))),
        management: { stopLoss },
        direction: 'long',
      };
    },
  ),
];

/** Returns the built-in templates. */
export function listTemplates(): readonly StrategyTemplate[] {
  return TEMPLATES;
}

/** Returns a template by id, or undefined. */
export function findTemplate(id: string): StrategyTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}

/** Builds a spec from a template id and parameter values; throws DomainError for an unknown id or parameter. */
export function buildTemplate(id: string, values: Readonly<Record<string, number>> = {}, base?: TemplateBase): StrategySpec {
  const template = findTemplate(id);
  if (!template) throw new DomainError(`Unknown template "${id}"; expected one of ${TEMPLATES.map((t) => t.id).join(', ')}`);
  return template.build(values, base);
}
