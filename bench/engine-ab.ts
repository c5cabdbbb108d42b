/**
 * Two builds of the engine side by side in one process (issue 15: the engine split must
 * not cost time). Each argument is an ES module bundling core/domain/engine/index.ts of
 * one commit; the same scenarios run on both, interleaved round by round (A then B, then
 * B then A), so both see the same machine load, in two processes (each build imported
 * first in one). Prints, per scenario, the best and the median time of each build over
 * all rounds, their ratio, and whether the two builds' outputs are byte-identical
 * (equity, drawdown, trades, markers, metrics).
 *
 *   node scripts/build.mjs --node
 *   npx esbuild core/domain/engine/index.ts --bundle --format=esm --outfile=/tmp/engine-b.mjs
 *   (the same from a `git archive <base> core/domain` copy into /tmp/engine-a.mjs)
 *   node --expose-gc dist/bench/engine-ab.js /tmp/engine-a.mjs /tmp/engine-b.mjs [rounds] [scenario name part]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { computeSeries } from '../core/domain/indicators/compute.js';
import { randomWalkBars } from '../core/domain/indicators/random-walk.js';
import type { BarColumns } from '../core/domain/market/bars.js';
import { resampleBars } from '../core/domain/market/resample.js';
import type { BacktestInput, BacktestResult } from '../core/domain/engine/index.js';
import type { Condition, ConditionGroup, StrategySpec, VariableOperand } from '../core/domain/strategy/spec.js';
import { buildTemplate } from '../core/domain/strategy/templates.js';
import { machineDescription } from './lib/bench-row.js';

interface EngineModule {
  runBacktest(input: BacktestInput): BacktestResult;
  operandKey(operand: VariableOperand): string;
}

const YEAR = 525_600;
const INSTRUMENT = { priceTick: 0.01, quantityStep: 0.001 } as const;
const COSTS = { commissionPct: 0.05, commissionFixed: 0, slippageBps: 1 } as const;
const v = (variable: string, params?: Record<string, number>): VariableOperand => ({ kind: 'variable', variable, ...(params ? { params } : {}) });
const when = (left: VariableOperand, operator: 'crossesAbove' | 'crossesBelow' | '>' | '<' | '>=' | '<=', right: VariableOperand | number): Condition => ({
  kind: 'trigger',
  left,
  operator,
  right: typeof right === 'number' ? { kind: 'constant', value: right } : right,
});
const all = (...children: Condition[]): ConditionGroup => ({ kind: 'group', mode: 'all', children });
const any = (...children: Condition[]): ConditionGroup => ({ kind: 'group', mode: 'any', children });

function spec(parts: Pick<StrategySpec, 'direction' | 'entry' | 'exit' | 'management'>): StrategySpec {
  return { version: 1, name: 'ab', sizing: { kind: 'percentEquity', percent: 100 }, costs: COSTS, initialCash: 10_000, ...parts };
}

/** The engine bench's SMA 10/30 cross (bench/engine.ts). */
const smaCross = spec({
  direction: 'long',
  entry: { long: all(when(v('sma', { period: 10 }), 'crossesAbove', v('sma', { period: 30 }))) },
  exit: { long: all(when(v('sma', { period: 10 }), 'crossesBelow', v('sma', { period: 30 }))) },
  management: {},
});

/** The engine bench's six triggers, both sides, stop + trailing stop: brackets resolved on every bar in a position. */
const sixTriggers = spec({
  direction: 'both',
  entry: {
    long: all(when(v('ema', { period: 20 }), 'crossesAbove', v('sma', { period: 50 })), when(v('rsi', { period: 14 }), '>', 50), when(v('close'), '>', v('sma', { period: 50 }))),
    short: all(when(v('ema', { period: 20 }), 'crossesBelow', v('sma', { period: 50 })), when(v('rsi', { period: 14 }), '<', 50), when(v('close'), '<', v('sma', { period: 50 }))),
  },
  exit: {},
  management: { trailingStop: { distance: { kind: 'percent', value: 0.5 }, activationPct: 0.2 }, stopLoss: { kind: 'percent', value: 1 } },
});

/** Position-state exits (dynamic conditions: the general path on every bar) with time exit, partial exit and pyramiding. */
const positionRules: StrategySpec = {
  ...spec({
    direction: 'both',
    entry: { long: all(when(v('sma', { period: 10 }), 'crossesAbove', v('sma', { period: 30 }))), short: all(when(v('sma', { period: 10 }), 'crossesBelow', v('sma', { period: 30 }))) },
    exit: { long: any(when(v('unrealizedPnlPct'), '<', -0.5), when(v('barsInTrade'), '>=', 240)), short: any(when(v('unrealizedPnlPct'), '<', -0.5), when(v('barsInTrade'), '>=', 240)) },
    management: { timeExitBars: 600, partialExit: { atProfitPct: 0.4, fraction: 0.5 }, pyramiding: { maxAdds: 2, spacingPct: 0.2 } },
  }),
  sizing: { kind: 'percentEquity', percent: 40 },
};

function precompute(bars: BarColumns, operands: readonly VariableOperand[], key: (o: VariableOperand) => string): Map<string, Float64Array> {
  return new Map(operands.map((o) => [key(o), computeSeries(bars, o.variable, o.params ?? {})]));
}

interface Scenario {
  readonly name: string;
  readonly input: (engine: EngineModule) => BacktestInput;
}

function scenarios(): Scenario[] {
  const minutes = randomWalkBars(YEAR, 42);
  const base = { instrument: INSTRUMENT, timeframe: '1m' as const, bars: minutes };
  const outputs = { equity: new Float64Array(YEAR), drawdownPct: new Float64Array(YEAR) };
  const quarter = resampleBars(minutes, '1m', '15m').bars;
  const donchian = buildTemplate('donchian-atr', {}, {
    direction: 'both',
    management: { takeProfit: { kind: 'atr', multiple: 3, period: 14 }, trailingStop: { distance: { kind: 'percent', value: 0.5 }, activationPct: 0.3 } },
  });
  const smaOperands = [v('sma', { period: 10 }), v('sma', { period: 30 })];
  const sixOperands = [v('ema', { period: 20 }), v('sma', { period: 50 }), v('rsi', { period: 14 }), v('close')];
  return [
    { name: 'SMA cross 1y 1m, series precomputed, fresh outputs', input: (e) => ({ ...base, spec: smaCross, series: precompute(minutes, smaOperands, e.operandKey) }) },
    { name: 'SMA cross, series precomputed, reused outputs', input: (e) => ({ ...base, spec: smaCross, series: precompute(minutes, smaOperands, e.operandKey), outputs }) },
    { name: 'SMA cross, streaming indicators', input: () => ({ ...base, spec: smaCross }) },
    { name: '6 triggers, stop + trailing, series precomputed', input: (e) => ({ ...base, spec: sixTriggers, series: precompute(minutes, sixOperands, e.operandKey) }) },
    { name: 'position-state exits, time/partial exit, pyramiding (streaming)', input: () => ({ ...base, spec: positionRules }) },
    { name: 'Donchian both, ATR stop/target + trail, 15m with 1m magnifier', input: () => ({ ...base, timeframe: '15m', bars: quarter, magnifierBars: minutes, spec: donchian }) },
  ];
}

/** Best of `runs` calls by wall and CPU time (the smaller: a preempted call inflates only its wall time). */
function timeOnce(runs: number, fn: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    best = Math.min(best, wall, (c.user + c.system) / 1000);
  }
  return best;
}

function outputBytes(r: BacktestResult): string {
  const eq = Buffer.from(r.equity.buffer, r.equity.byteOffset, r.equity.byteLength).toString('base64');
  const dd = Buffer.from(r.drawdownPct.buffer, r.drawdownPct.byteOffset, r.drawdownPct.byteLength).toString('base64');
  return eq + dd + JSON.stringify([r.trades, r.markers, r.openPosition, r.metrics]);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface OrderResult {
  readonly names: string[];
  /** Per scenario: the times of the first and of the second module given. */
  readonly times: [number[], number[]][];
  readonly identical: boolean[];
}

/** One process, modules imported in the order given (the first imported runs measurably differently: see main). */
async function measure(first: string, second: string, rounds: number, only: string | undefined): Promise<OrderResult> {
  const engines = [(await import(pathToFileURL(first).href)) as EngineModule, (await import(pathToFileURL(second).href)) as EngineModule];
  const list = scenarios().filter((s) => only === undefined || s.name.includes(only));
  const inputs = list.map((s) => engines.map((e) => s.input(e)));
  const identical = list.map((_, k) => outputBytes(engines[0]!.runBacktest(inputs[k]![0]!)) === outputBytes(engines[1]!.runBacktest(inputs[k]![1]!)));
  // Warm both builds on every scenario before any timing (V8 tier-up, GC sizing).
  for (let w = 0; w < 5; w++) for (let k = 0; k < list.length; k++) for (let e = 0; e < 2; e++) engines[e]!.runBacktest(inputs[k]![e]!);
  const times = list.map((): [number[], number[]] => [[], []]);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (let k = 0; k < list.length; k++) {
      for (const e of order) {
        const input = inputs[k]![e]!;
        times[k]![e]!.push(timeOnce(3, () => engines[e]!.runBacktest(input)));
      }
    }
  }
  return { names: list.map((s) => s.name), times, identical };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const [, first, second, rounds, only] = args;
    process.stdout.write(JSON.stringify(await measure(first!, second!, Number(rounds), only === '' ? undefined : only)));
    return;
  }
  const [pathA, pathB, roundsArg, only] = args;
  if (!pathA || !pathB) throw new Error('usage: engine-ab <engine-a.mjs> <engine-b.mjs> [rounds] [scenario name part]');
  const rounds = Number(roundsArg ?? 12);
  // Two processes, A imported first in one and B in the other, samples pooled: in one
  // process the module imported second read 2-5 % slower whichever it was (an A/A run
  // showed it), so a single order would favour A.
  const child = (first: string, second: string): OrderResult =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', first, second, String(rounds), only ?? ''], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      }),
    ) as OrderResult;
  const ab = child(pathA, pathB);
  const ba = child(pathB, pathA);
  process.stdout.write(
    `machine: ${machineDescription()}\nA: ${pathA}\nB: ${pathB}\nrounds: ${rounds} x 2 processes (A imported first, then B first; best of 3 calls each, order alternating per round)\n\n`,
  );
  process.stdout.write('| scenario | A best / median ms | B best / median ms | B / A (medians) | outputs identical |\n|---|---|---|---|---|\n');
  ab.names.forEach((name, k) => {
    const a = [...ab.times[k]![0], ...ba.times[k]![1]];
    const b = [...ab.times[k]![1], ...ba.times[k]![0]];
    const f = (xs: number[]) => `${Math.min(...xs).toFixed(2)} / ${median(xs).toFixed(2)}`;
    process.stdout.write(`| ${name} | ${f(a)} | ${f(b)} | ${(median(b) / median(a)).toFixed(3)} | ${ab.identical[k] && ba.identical[k] ? 'yes' : 'NO'} |\n`);
  });
}

await main();
