import { readFileSync } from 'node:fs';
import { runSweep, type RunSweepArgs } from '../../../core/application/sweeps/run-sweep.js';
import { parseSpec } from '../../../core/application/strategies/strategy-service.js';
import { DomainError } from '../../../core/domain/errors.js';
import { parseConstraint } from '../../../core/domain/optimize/constraints.js';
import { parseParamRange } from '../../../core/domain/optimize/param-space.js';
import type { SearchMethod } from '../../../core/domain/optimize/search.js';
import type { SweepSource } from '../../../core/domain/optimize/variant-spec.js';
import { DEFAULT_COSTS } from '../../../core/domain/strategy/templates.js';
import type { Direction, PortfolioRules } from '../../../core/domain/strategy/spec.js';
import { SqliteSweepStore } from '../../../core/infrastructure/sweeps/sqlite-sweep-store.js';
import { WorkerVariantEvaluator } from '../../../core/infrastructure/sweeps/worker-variant-evaluator.js';
import type { VariantEvaluator } from '../../../core/application/sweeps/ports.js';
import type { OpenedCluster } from '../../../core/infrastructure/cluster/open-cluster.js';
import type { Storage } from '../../../core/infrastructure/sqlite/storage.js';
import { agentsText, openCliCluster, watchCluster } from '../cluster/cli-cluster.js';
import { UsageError } from '../cli-error.js';
import { boolFlag, listFlag, stringFlag, type CommandCode, type CommandInput } from '../command.js';
import { withStorage } from '../context.js';
import { printJson, printLine, printTable } from '../output.js';
import { createProgress } from '../progress.js';
import { parseRangeArgs, parseNumberArg } from '../time-args.js';
import { defaultTimeframe, timeframeFlag } from './backtest.js';
import { applyPortfolioFlags, requireTarget, targetFlags, type TargetFlags } from './backtest-spec.js';

function intFlag(input: CommandInput, name: string, fallback: number): number {
  const v = parseNumberArg(`--${name}`, stringFlag(input, name)) ?? fallback;
  if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${name}: expected a whole number, got ${v}`);
  return v;
}

function domain<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}

/** Reads the sweep's source, space, constraints, method, objective and data flags. */
export function sweepArgsFromFlags(input: CommandInput): Omit<RunSweepArgs, 'name'> & { workers: number; cluster: string | undefined } {
  // One instrument, or a universe with one account (as `bws backtest` takes them).
  const picked = targetFlags(input);
  if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"`);
  const file = stringFlag(input, 'spec');
  const template = stringFlag(input, 'template');
  if ((file === undefined) === (template === undefined)) throw new UsageError('give exactly one of --spec FILE or --template NAME');
  const space = listFlag(input, 'param').map((p) => domain('--param', () => parseParamRange(p)));
  if (space.length === 0) throw new UsageError('give at least one --param NAME=MIN:MAX:STEP or NAME=a,b,c');
  const constraints = listFlag(input, 'constraint').map((c) => domain('--constraint', () => parseConstraint(c)));

  const direction = stringFlag(input, 'direction');
  if (direction !== undefined && !['long', 'short', 'both'].includes(direction)) throw new UsageError(`--direction: expected long, short or both, got "${direction}"`);
  const cash = parseNumberArg('--cash', stringFlag(input, 'cash'));
  const commission = parseNumberArg('--commission', stringFlag(input, 'commission'));
  const slippage = parseNumberArg('--slippage', stringFlag(input, 'slippage'));
  let source: SweepSource;
  let target: TargetFlags;
  if (template !== undefined) {
    // --max-positions / --rank: the portfolio rules of what the template builds (checked with the spec's validator).
    const portfolio = applyPortfolioFlags({}, input).portfolio as PortfolioRules | undefined;
    target = requireTarget(picked, {});
    source = {
      kind: 'template',
      templateId: template,
      base: {
        ...(portfolio === undefined ? {} : { portfolio }),
        ...(direction === undefined ? {} : { direction: direction as Direction }),
        ...(cash === undefined ? {} : { initialCash: cash }),
        ...(commission === undefined && slippage === undefined
          ? {}
          : { costs: { ...DEFAULT_COSTS, ...(commission === undefined ? {} : { commissionPct: commission }), ...(slippage === undefined ? {} : { slippageBps: slippage }) } }),
      },
    };
  } else {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(readFileSync(file!, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--spec: cannot read ${file} as JSON: ${(error as Error).message}`);
    }
    if (direction !== undefined) json.direction = direction;
    if (cash !== undefined) json.initialCash = cash;
    if (commission !== undefined || slippage !== undefined) {
      json.costs = { ...(json.costs as object), ...(commission === undefined ? {} : { commissionPct: commission }), ...(slippage === undefined ? {} : { slippageBps: slippage }) };
    }
    json = applyPortfolioFlags(json, input);
    target = requireTarget(picked, json);
    source = { kind: 'spec', spec: parseSpec(json) };
  }

  const seed = intFlag(input, 'seed', 1);
  const methodName = stringFlag(input, 'method') ?? 'grid';
  let method: SearchMethod;
  if (methodName === 'grid') method = { kind: 'grid' };
  else if (methodName === 'random') method = { kind: 'random', samples: intFlag(input, 'samples', 100), seed };
  else if (methodName === 'genetic') method = { kind: 'genetic', population: intFlag(input, 'population', 30), generations: intFlag(input, 'generations', 10), seed };
  else throw new UsageError(`--method: expected grid, random or genetic, got "${methodName}"`);

  const { fromTs, toTs } = parseRangeArgs(stringFlag(input, 'from'), stringFlag(input, 'to'));
  const quantityStep = parseNumberArg('--qty-step', stringFlag(input, 'qty-step'));
  const cluster = stringFlag(input, 'cluster');
  // Said before anything is stored: a cluster's datasets carry one instrument's bars (sweep-target.ts).
  const universe = target.universe !== undefined || (source.kind === 'spec' && source.spec.portfolio?.universe !== undefined && target.symbol === undefined);
  if (cluster !== undefined && universe) throw new UsageError('--cluster runs sweeps over one instrument: a universe (--symbols, --universe or the spec\'s portfolio.universe) runs on this machine\'s workers (--workers N)');
  return {
    source,
    space,
    constraints,
    method,
    objective: { metric: stringFlag(input, 'objective') ?? 'sharpe', direction: boolFlag(input, 'minimize') ? 'minimize' : 'maximize', minTrades: intFlag(input, 'min-trades', 0) },
    ...target,
    timeframe: timeframeFlag(stringFlag(input, 'timeframe')),
    magnifier: !boolFlag(input, 'no-magnifier'),
    ...(fromTs === undefined ? {} : { fromTs }),
    ...(toTs === undefined ? {} : { toTs }),
    ...(quantityStep === undefined ? {} : { quantityStep }),
    workers: Math.max(1, intFlag(input, 'workers', 0) || 2),
    cluster,
  };
}

export const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v === null || v === undefined ? 'n/a' : String(v));

/** Cancels on the first Ctrl-C (the finished variants are kept); a second one exits. */
export function interruptSignal(): { isCancelled(): boolean; onCancel(listener: () => void): () => void; dispose(): void } {
  let cancelled = false;
  const listeners = new Set<() => void>();
  const onSigint = () => {
    if (cancelled) process.exit(130);
    cancelled = true;
    process.stderr.write('bws: cancelling (finished variants are kept); Ctrl-C again to quit\n');
    for (const l of listeners) l();
  };
  process.on('SIGINT', onSigint);
  return {
    isCancelled: () => cancelled,
    onCancel(listener) {
      if (cancelled) listener();
      else listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => process.off('SIGINT', onSigint),
  };
}

/**
 * Where a CLI sweep runs: a pool of this machine's sweep workers, or the `--cluster` whose
 * agents take its batches (said on stderr at the start, with the connected agents).
 */
export async function sweepEvaluator(storage: Storage, workers: number, clusterUrl: string | undefined): Promise<{ evaluator: VariantEvaluator; cluster: OpenedCluster | null; close(): Promise<void> }> {
  if (clusterUrl === undefined) {
    const pool = new WorkerVariantEvaluator({ dbFile: storage.file, size: workers });
    return { evaluator: pool, cluster: null, close: () => pool.close() };
  }
  const cluster = await openCliCluster(clusterUrl, storage.barStore);
  const status = await cluster.monitor.status();
  process.stderr.write(`bws: the sweep runs on the cluster at ${status.address} (engine ${status.engineVersion}): ${agentsText(status)}\n`);
  return { evaluator: cluster.evaluator, cluster, close: () => cluster.close() };
}

/** Progress text, with the cluster's agents and their rates when it runs on one; a plain line every 5 s when stderr is no terminal. */
export function progressReporter(label: string, json: boolean, cluster: OpenedCluster | null): { update(done: number, total: number, text: string): void; stop(): void } {
  const progress = createProgress(label, !json);
  const watch = cluster ? watchCluster(cluster) : null;
  let lastLine = 0;
  return {
    update(done, total, text) {
      const status = watch?.latest();
      const detail = status ? `${text}; ${agentsText(status)}` : text;
      progress.update(done, total, detail);
      if (watch && !process.stderr.isTTY && Date.now() - lastLine >= 5_000) {
        lastLine = Date.now();
        process.stderr.write(`bws: ${label} on ${cluster!.evaluator.runsOn}: ${detail}\n`);
      }
    },
    stop() {
      watch?.stop();
      progress.stop();
    },
  };
}

export const optimizeCommand: CommandCode = {
  async run(input) {
    const { workers, cluster: clusterUrl, ...args } = sweepArgsFromFlags(input);
    const json = boolFlag(input, 'json');
    return withStorage(input, async (storage) => {
      // As bws backtest: without --timeframe, an instrument without minutes is swept on its stored timeframe.
      const swept = stringFlag(input, 'timeframe') === undefined ? { ...args, timeframe: defaultTimeframe(storage.barStore, args.symbol) } : args;
      const target = await sweepEvaluator(storage, workers, clusterUrl);
      const progress = progressReporter('optimize', json, target.cluster);
      const cancel = interruptSignal();
      try {
        const outcome = await runSweep(
          { bars: storage.barStore, evaluator: target.evaluator, sweeps: new SqliteSweepStore(storage.writer), clock: Date.now },
          swept,
          {
            cancel,
            progress: (p) => progress.update(p.done, p.total, `${p.done}/${p.total} variants, ${p.variantsPerSecond.toFixed(1)}/s${p.etaMs === null ? '' : `, ETA ${(p.etaMs / 1000).toFixed(0)} s`}`),
          },
        );
        progress.stop();
        const { sweep } = outcome;
        const byAgent = target.cluster ? target.cluster.evaluator.variantsByAgent(sweep.id) : null;
        if (json) {
          const on = sweep.universe ? { symbols: sweep.universe.symbols, ...(sweep.universe.tag === undefined ? {} : { universe: sweep.universe.tag }) } : { symbol: sweep.symbol };
          printJson({ sweepId: sweep.id, status: sweep.status, ...on, runsOn: sweep.runsOn, ...(byAgent ? { variantsByAgent: byAgent } : {}), counts: sweep.counts, objective: sweep.config.objective, best: outcome.best, variants: outcome.variants });
          return;
        }
        const metric = sweep.config.objective.metric;
        if (sweep.universe) printLine(`Portfolio of ${sweep.universe.symbols.length} instruments${sweep.universe.tag === undefined ? '' : ` tagged ${sweep.universe.tag}`}: ${sweep.universe.symbols.join(', ')}`);
        printLine(`Sweep ${sweep.id}  ${sweep.status}  ${sweep.counts.done} variants run, ${sweep.counts.rejected} rejected by constraints, ${sweep.counts.invalid} invalid, ${sweep.counts.failed} failed`);
        if (byAgent) printLine(`Ran on the cluster at ${sweep.runsOn}: ${Object.entries(byAgent).map(([agent, n]) => `${agent} ${n} variants`).join(', ') || 'no variant from an agent'}`);
        printTable(
          ['rank', 'index', ...sweep.config.space.map((p) => p.name), metric, 'trades', 'return %', 'max DD %', ''],
          outcome.variants.slice(0, 10).map((v, i) => [
            i + 1,
            v.index,
            ...sweep.config.space.map((p) => v.params[p.name]),
            fmt(v.score),
            v.metrics?.tradeCount ?? 'n/a',
            fmt(v.metrics?.totalReturnPct),
            fmt(v.metrics?.maxDrawdownPct),
            v.error ?? (v.eligible ? '' : 'below min trades'),
          ]),
        );
      } finally {
        cancel.dispose();
        progress.stop();
        await target.close();
      }
    });
  },
};
