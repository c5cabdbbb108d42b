import { computeSeries } from '../core/domain/indicators/compute.js';
import { randomWalkBars } from '../core/domain/indicators/random-walk.js';
import type { Condition, ConditionGroup, StrategySpec, Trigger } from '../core/domain/strategy/spec.js';
import { validateSpec } from '../core/domain/strategy/validate.js';
import { checkSpec, createSpecFromTemplate } from '../core/application/strategies/strategy-service.js';
import { buildTemplate } from '../core/domain/strategy/templates.js';
import { isMain, runStandalone, type BenchRow } from './lib/bench-row.js';

const YEAR_OF_MINUTES = 525_600;

/** Median wall time in ms of `fn` over `runs` runs, after `warmup` untimed runs. */
function medianMs(fn: () => void, runs: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Fastest wall time in ms of `fn` over `runs` runs: the least disturbed by other load on a shared machine. */
function minMs(fn: () => void, runs: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** A long/short spec with 20 triggers over several indicators and nested groups. */
function twentyTriggerSpec(): StrategySpec {
  const base = buildTemplate('sma-cross', {}, { direction: 'both' });
  const trig = (left: Trigger['left'], operator: Trigger['operator'], right?: Trigger['right'], bars?: number): Trigger => ({
    kind: 'trigger',
    left,
    operator,
    ...(right ? { right } : {}),
    ...(bars ? { bars } : {}),
  });
  const v = (variable: string, params?: Record<string, number>, output?: string) =>
    ({ kind: 'variable', variable, ...(params ? { params } : {}), ...(output ? { output } : {}) }) as const;
  const k = (value: number) => ({ kind: 'constant', value }) as const;
  const group = (mode: ConditionGroup['mode'], ...children: Condition[]): ConditionGroup => ({ kind: 'group', mode, children });
  const side = (up: boolean): ConditionGroup =>
    group(
      'all',
      trig(v('ema', { period: 12 }), up ? 'crossesAbove' : 'crossesBelow', v('ema', { period: 26 })),
      trig(v('rsi', { period: 14 }), up ? '>' : '<', k(50)),
      trig(v('macd', { fast: 12, slow: 26, signal: 9 }, 'histogram'), up ? '>' : '<', k(0)),
      group('any', trig(v('close'), up ? '>' : '<', v('bollinger', { period: 20, stdDev: 2 }, 'middle')), trig(v('adx'), '>', k(25))),
      group('not', trig(v('timeOfDay'), '<', k(30)), trig(v('dayOfWeek'), '>=', k(6))),
      trig(v('close'), up ? 'risingFor' : 'fallingFor', undefined, 3),
      trig(v('stochastic', { period: 14, signal: 3 }, 'k'), up ? '<' : '>', k(up ? 80 : 20)),
    );
  const exit = (up: boolean): ConditionGroup =>
    group('any', trig(v('close'), up ? 'crossesBelow' : 'crossesAbove', v('vwap')), trig(v('barsInTrade'), '>', k(120)), trig(v('unrealizedPnlPct'), '<', k(-3)));
  return {
    ...base,
    name: '20 triggers',
    entry: { long: side(true), short: side(false) },
    exit: { long: exit(true), short: exit(false) },
    management: { stopLoss: { kind: 'atr', multiple: 2, period: 14 }, trailingStop: { distance: { kind: 'percent', value: 1 }, activationPct: 1 } },
  };
}

/** The simplest correct SMA: running sum, no ring recompute, no kernel object. */
function bareSmaLoop(close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += close[i]!;
    if (i >= period) sum -= close[i - period]!;
    out[i] = i >= period - 1 ? sum / period : NaN;
  }
  return out;
}

function countTriggers(c: Condition | undefined): number {
  if (!c) return 0;
  return c.kind === 'trigger' ? 1 : c.children.reduce((n, child) => n + countTriggers(child), 0);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;

  const create = medianMs(() => createSpecFromTemplate('donchian-atr', { period: 55, atrMultiple: 3 }), 200, 20);
  rows.push({ figure: 'create spec from template (build + schema + validate)', value: fmt(create), target: '< 10 ms', pass: create < 10 });

  const spec = twentyTriggerSpec();
  const triggers = countTriggers(spec.entry.long) + countTriggers(spec.entry.short) + countTriggers(spec.exit.long) + countTriggers(spec.exit.short);
  const validate = medianMs(() => validateSpec(spec, { runTimeframe: '1m' }), 500, 50);
  rows.push({ figure: `validate a ${triggers}-trigger spec (semantic)`, value: fmt(validate), target: '< 5 ms', pass: validate < 5 });
  const json = JSON.parse(JSON.stringify(spec)) as unknown;
  const check = medianMs(() => checkSpec(json, '1m'), 500, 50);
  rows.push({ figure: `check a ${triggers}-trigger spec JSON (schema + semantic)`, value: fmt(check), target: '< 5 ms', pass: check < 5 });

  const bars = randomWalkBars(YEAR_OF_MINUTES, 42);
  // A bare hand-written SMA loop over the same array, timed in the same run: on a busy
  // machine absolute times swing, the ratio to this baseline much less.
  const bareSma = minMs(() => bareSmaLoop(bars.close, 50), 30, 3);
  rows.push({ figure: 'bare typed-array SMA(50) loop, 525,600 bars (baseline, best of 30)', value: fmt(bareSma), target: 'none', pass: true });
  const series: readonly [string, Record<string, number>, number][] = [
    ['sma', { period: 50 }, 2],
    ['ema', { period: 50 }, 2],
    ['rsi', { period: 14 }, 5],
  ];
  for (const [variable, params, target] of series) {
    const ms = minMs(() => computeSeries(bars, variable, params), 30, 3);
    rows.push({ figure: `computeSeries ${variable.toUpperCase()} over 525,600 bars (best of 30)`, value: fmt(ms), target: `~${target} ms`, pass: ms < target * 1.5 });
    if (variable === 'sma') {
      const ratio = ms / bareSma;
      rows.push({ figure: 'computeSeries SMA / bare loop', value: `${ratio.toFixed(2)}x`, target: '<= 1.5x', pass: ratio <= 1.5 });
    }
  }
  for (const [variable, output] of [['bollinger', 'upper'], ['adx', 'adx'], ['cci', 'value']] as const) {
    const ms = minMs(() => computeSeries(bars, variable, {}, output === 'value' ? undefined : output), 5, 1);
    rows.push({ figure: `computeSeries ${variable} (defaults) over 525,600 bars (info)`, value: fmt(ms), target: 'none', pass: true });
  }
  return rows;
}

if (isMain(import.meta.url)) await runStandalone(run);
