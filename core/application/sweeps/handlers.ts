import { jobId as toJobId, runId as toRunId, type JobId } from '../../domain/market/ids.js';
import { compareScored, scoreOf, type Objective } from '../../domain/optimize/objective.js';
import type { SweepHandlers, SweepHeatmap, SweepVariantsArgs } from './contract.js';
import { MAX_HEATMAP_CELLS } from './contract.js';
import { type AppError, NotFoundError, ValidationError } from '../errors.js';
import { variantSpec } from './search-variants.js';
import type { SweepStore, SweepSummary, SweepVariant } from './ports.js';
import { runSweep } from './run-sweep.js';
import { deleteSweep, getSweep, listSweeps, openSweepVariant } from './sweep-queries.js';
import { requireInstrument } from '../data/instruments.js';
import type { HandlerDeps } from '../handler-deps.js';
import { toRunSweepArgs } from './sweep-args.js';
import { toDetail, toListItem, toVariantRow } from './sweep-wire.js';
import type { ThroughputLog } from '../system/throughput-log.js';

const DEFAULT_PAGE = 50;
/** The store pages at most this many variants per read. */
const STORE_PAGE = 100_000;
/** Sweeps whose variants are held in memory for re-sorting and heatmaps. */
const CACHED_SWEEPS = 4;

/**
 * All variants of a few recent sweeps, for orders the store has no index for (any metric
 * or parameter, ascending) and for heatmaps. An entry is reloaded when the sweep's done
 * count moved, so a running sweep's table and heatmap fill in as results arrive.
 */
class VariantCache {
  private readonly entries = new Map<string, { done: number; status: string; variants: readonly SweepVariant[] }>();

  constructor(private readonly store: SweepStore) {}

  all(sweep: SweepSummary): readonly SweepVariant[] {
    const hit = this.entries.get(sweep.id);
    if (hit && hit.done === sweep.counts.done && hit.status === sweep.status) {
      this.entries.delete(sweep.id);
      this.entries.set(sweep.id, hit);
      return hit.variants;
    }
    const variants: SweepVariant[] = [];
    for (let offset = 0; ; offset += STORE_PAGE) {
      const page = this.store.variants(sweep.id, { offset, limit: STORE_PAGE });
      variants.push(...page.variants);
      if (page.variants.length < STORE_PAGE || variants.length >= page.total) break;
    }
    this.entries.delete(sweep.id);
    this.entries.set(sweep.id, { done: sweep.counts.done, status: sweep.status, variants });
    while (this.entries.size > CACHED_SWEEPS) this.entries.delete(this.entries.keys().next().value!);
    return variants;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}

/** Ascending comparison with nulls last whatever the order; ties by variant index. */
function byValue(value: (v: SweepVariant) => number | null, order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: SweepVariant, b: SweepVariant): number => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    return x !== y ? sign * (x - y) : a.index - b.index;
  };
}

function sortVariants(sweep: SweepSummary, all: readonly SweepVariant[], args: SweepVariantsArgs): SweepVariant[] {
  const sort = args.sort ?? { by: 'objective' };
  const order = args.order ?? (sort.by === 'index' ? 'asc' : 'desc');
  const rows = args.eligibleOnly ? all.filter((v) => v.eligible) : [...all];
  const objective = sweep.config.objective;
  switch (sort.by) {
    case 'objective': {
      // Best first for desc: the same ranking the store and the CLI use.
      rows.sort((a, b) => compareScored(a, b, objective));
      return order === 'desc' ? rows : rows.reverse();
    }
    case 'index':
      return rows.sort((a, b) => (order === 'asc' ? a.index - b.index : b.index - a.index));
    case 'metric': {
      const metric = sort.name;
      return rows.sort(byValue((v) => scoreOf(v.metrics, { ...objective, metric }), order));
    }
    case 'param': {
      const name = sort.name;
      if (!sweep.config.space.some((p) => p.name === name)) {
        throw new ValidationError(`Sweep ${sweep.id} does not optimize "${name}"; its parameters are ${sweep.config.space.map((p) => p.name).join(', ')}`);
      }
      return rows.sort(byValue((v) => v.params[name] ?? null, order));
    }
  }
}

/** Rebuilds a typed error from a job's error data (for a sweep job that failed before its record existed). */
function jobError(data: { type: string; message: string; details?: unknown } | undefined): AppError {
  if (data?.type === 'NotFoundError') return new NotFoundError(data.message, data.details);
  return new ValidationError(data?.message ?? 'The sweep could not start', data?.details);
}

type SweepCrudHandlers = Omit<SweepHandlers, 'walkforward/start' | 'montecarlo/run'>;

export function sweepHandlers(deps: HandlerDeps, throughput: ThroughputLog): SweepCrudHandlers {
  const cache = new VariantCache(deps.sweeps);
  /** Sweeps this process runs, by sweep id, while their job runs. */
  const liveJobs = new Map<string, JobId>();
  const jobOf = (id: string): JobId | null => liveJobs.get(id) ?? null;

  return {
    'sweeps/start': async (args) => {
      const runArgs = toRunSweepArgs(args);
      requireInstrument(deps.barStore, args.symbol);
      let announce!: (sweep: SweepSummary) => void;
      const started = new Promise<SweepSummary>((resolve) => (announce = resolve));
      const title = `Sweep ${args.name ?? (runArgs.source.kind === 'template' ? runArgs.source.templateId : runArgs.source.spec.name)} on ${args.symbol} ${args.timeframe}`;
      const job = deps.jobs.start({
        kind: 'sweep',
        title,
        run: async (context) => {
          const startedAt = deps.clock();
          let sweepId: string | null = null;
          try {
            const outcome = await runSweep({ bars: deps.barStore, evaluator: deps.evaluator, sweeps: deps.sweeps, clock: deps.clock }, runArgs, {
              onStarted: (sweep) => {
                sweepId = sweep.id;
                liveJobs.set(sweep.id, context.jobId);
                deps.events.emit('sweep/started', { sweepId: sweep.id, jobId: context.jobId });
                deps.events.emit('data/changed', { kind: 'sweeps', ids: [sweep.id] });
                announce(sweep);
              },
              progress: (p) => {
                const eta = p.etaMs === null ? '' : `, ${Math.ceil(p.etaMs / 1000)} s left`;
                context.progress({ done: p.done, total: p.total, message: `${p.variantsPerSecond.toFixed(1)} variants/s${eta}` });
              },
              onVariants: (variants, counts) => {
                deps.events.emit('sweep/variants', {
                  sweepId: sweepId!,
                  jobId: context.jobId,
                  variants: variants.map(toVariantRow),
                  done: counts.done,
                  total: counts.planned,
                  counts,
                });
              },
              cancel: { isCancelled: () => context.isCancelled(), onCancel: (listener) => context.onCancel(listener) },
            });
            throughput.recordSweep(deps.clock(), outcome.sweep.counts.done, deps.clock() - startedAt);
            return outcome;
          } finally {
            if (sweepId !== null) {
              liveJobs.delete(sweepId);
              deps.events.emit('data/changed', { kind: 'sweeps', ids: [sweepId] });
            }
          }
        },
        toResult: (outcome) => ({ sweepId: outcome.sweep.id, status: outcome.sweep.status, counts: outcome.sweep.counts, best: outcome.best ? toVariantRow(outcome.best) : null }),
      });
      // Sweep jobs start at once (the worker pool queues their batches), and the record is
      // created before the first await; a job that fails before that answers its error.
      const sweep = await Promise.race([
        started,
        deps.jobs.whenFinished(job.id).then((info) => {
          throw jobError(info.error);
        }),
      ]);
      return { jobId: toJobId(job.id), sweepId: sweep.id };
    },

    'sweeps/list': async (args) => {
      const limit = args?.limit ?? DEFAULT_PAGE;
      const offset = args?.offset ?? 0;
      const page = listSweeps(deps.sweeps, { limit, offset });
      return { items: page.sweeps.map((s) => toListItem(s, jobOf(s.id))), total: page.total, offset, limit };
    },

    'sweeps/get': async (args) => {
      const sweep = getSweep(deps.sweeps, args.sweepId);
      const best = deps.sweeps.variants(sweep.id, { limit: 1 }).variants[0] ?? null;
      return toDetail(sweep, jobOf(sweep.id), best);
    },

    'sweeps/variants': async (args) => {
      const sweep = getSweep(deps.sweeps, args.sweepId);
      const limit = args.limit ?? DEFAULT_PAGE;
      const offset = args.offset ?? 0;
      const sort = args.sort ?? { by: 'objective' };
      if (sort.by === 'objective' && (args.order ?? 'desc') === 'desc' && !args.eligibleOnly) {
        // The store's index order: a page of the best variants is an indexed read.
        const page = deps.sweeps.variants(sweep.id, { limit, offset });
        return { items: page.variants.map(toVariantRow), total: page.total, offset, limit };
      }
      const rows = sortVariants(sweep, cache.all(sweep), args);
      return { items: rows.slice(offset, offset + limit).map(toVariantRow), total: rows.length, offset, limit };
    },

    'sweeps/heatmap': async (args) => {
      const sweep = getSweep(deps.sweeps, args.sweepId);
      if (args.x === args.y) throw new ValidationError('Pick two different parameters for the heatmap');
      const axis = (name: string) => {
        const p = sweep.config.space.find((q) => q.name === name);
        if (!p) throw new ValidationError(`Sweep ${sweep.id} does not optimize "${name}"; its parameters are ${sweep.config.space.map((q) => q.name).join(', ')}`);
        return [...p.values].sort((a, b) => a - b);
      };
      const xs = axis(args.x);
      const ys = axis(args.y);
      const cells = xs.length * ys.length;
      if (cells > MAX_HEATMAP_CELLS) throw new ValidationError(`${args.x} x ${args.y} makes ${cells} cells; at most ${MAX_HEATMAP_CELLS}`);
      const objective: Objective = { ...sweep.config.objective, metric: args.metric ?? sweep.config.objective.metric };
      const xAt = new Map(xs.map((v, i) => [v, i]));
      const yAt = new Map(ys.map((v, i) => [v, i]));
      const best: (SweepVariant | undefined)[] = new Array<SweepVariant | undefined>(cells);
      for (const v of cache.all(sweep)) {
        const xi = xAt.get(v.params[args.x]!);
        const yi = yAt.get(v.params[args.y]!);
        if (xi === undefined || yi === undefined) continue;
        const cell = yi * xs.length + xi;
        const current = best[cell];
        if (current === undefined || compareScored(v, current, objective) < 0) best[cell] = v;
      }
      const values: (number | null)[] = [];
      const variantIndex: (number | null)[] = [];
      const eligible: boolean[] = [];
      let min: number | null = null;
      let max: number | null = null;
      for (let c = 0; c < cells; c++) {
        const v = best[c];
        const value = v ? scoreOf(v.metrics, objective) : null;
        values.push(value);
        variantIndex.push(v ? v.index : null);
        eligible.push(v ? v.eligible : false);
        if (value !== null) {
          min = min === null ? value : Math.min(min, value);
          max = max === null ? value : Math.max(max, value);
        }
      }
      return {
        sweepId: sweep.id,
        metric: objective.metric,
        direction: objective.direction,
        x: { name: args.x, values: xs },
        y: { name: args.y, values: ys },
        values,
        variantIndex,
        eligible,
        min,
        max,
        done: sweep.counts.done,
        planned: sweep.counts.planned,
      } satisfies SweepHeatmap;
    },

    'sweeps/openVariant': async (args) => {
      const sweep = getSweep(deps.sweeps, args.sweepId);
      const variant = deps.sweeps.variant(sweep.id, args.index);
      if (!variant) throw new NotFoundError(`Sweep ${sweep.id} has no variant ${args.index}`, { sweepId: sweep.id, index: args.index });
      if (variant.runId !== null && deps.runStore.get(toRunId(variant.runId))) return { runId: toRunId(variant.runId), jobId: null };
      const spec = variantSpec(sweep.config, variant.params, sweep.timeframe);
      if (typeof spec === 'string') throw new ValidationError(`Variant ${args.index} of sweep ${sweep.id} has no runnable spec: ${spec}`);
      requireInstrument(deps.barStore, sweep.symbol);
      const job = deps.jobs.start({
        kind: 'backtest',
        title: `Variant #${args.index} of ${sweep.name} on ${sweep.symbol} ${sweep.timeframe}`,
        run: async () => {
          const startedAt = deps.clock();
          const opened = await openSweepVariant({ bars: deps.barStore, executor: deps.backtests, sweeps: deps.sweeps }, sweep.id, args.index);
          throughput.recordBacktest(deps.clock(), opened.run.barCount, deps.clock() - startedAt);
          cache.forget(sweep.id);
          deps.events.emit('data/changed', { kind: 'runs', ids: [opened.run.run.id] });
          return opened;
        },
        toResult: (opened) => ({ runId: opened.run.run.id, hash: opened.run.run.hash, sweepId: sweep.id, index: args.index }),
        doneWhenCompletedAfterCancel: true,
      });
      return { runId: null, jobId: toJobId(job.id) };
    },

    'sweeps/delete': async (args) => {
      const live = liveJobs.get(args.sweepId);
      if (live) deps.jobs.cancel(live);
      const deleted = deleteSweep(deps.sweeps, args.sweepId);
      cache.forget(args.sweepId);
      deps.events.emit('data/changed', { kind: 'sweeps', ids: [args.sweepId] });
      return deleted;
    },
  };
}
