import { jobId as toJobId, runId as toRunId, type JobId } from '../../domain/market/ids.js';
import type { SweepHandlers } from './contract.js';
import { type AppError, NotFoundError, ValidationError } from '../errors.js';
import { variantSpec } from './search-variants.js';
import type { SweepSummary } from './ports.js';
import { runSweep, type RunSweepControl, type SweepOutcome } from './run-sweep.js';
import { resumeSweep } from './resume-sweep.js';
import { evaluatorFor } from './sweep-target.js';
import { deleteSweep, getSweep, listSweeps, openSweepVariant } from './sweep-queries.js';
import { requireInstrument } from '../data/instruments.js';
import type { HandlerDeps } from '../handler-deps.js';
import { toRunSweepArgs } from './sweep-args.js';
import { instrumentsWords, storedInstrumentsWords, sweepInstruments } from './sweep-instruments.js';
import { toDetail, toListItem, toVariantRow } from './sweep-wire.js';
import type { ThroughputLog } from '../system/throughput-log.js';

const DEFAULT_PAGE = 50;

/** Rebuilds a typed error from a job's error data (for a sweep job that failed before its record existed). */
function jobError(data: { type: string; message: string; details?: unknown } | undefined): AppError {
  if (data?.type === 'NotFoundError') return new NotFoundError(data.message, data.details);
  return new ValidationError(data?.message ?? 'The sweep could not start', data?.details);
}

type SweepCrudHandlers = Omit<SweepHandlers, 'walkforward/start' | 'montecarlo/run'>;

/**
 * The sweep calls. With a cluster configured, also resumes the cluster sweeps a stopped
 * process left running (each as a job, like a started sweep).
 */
export function sweepHandlers(deps: HandlerDeps, throughput: ThroughputLog): SweepCrudHandlers {
  /** Sweeps this process runs, by sweep id, while their job runs. */
  const liveJobs = new Map<string, JobId>();
  const jobOf = (id: string): JobId | null => liveJobs.get(id) ?? null;

  /**
   * Runs a sweep as a job (kind 'sweep'): `execute` runs or resumes it with the job's
   * progress, events and cancel; resolves once the sweep record exists.
   */
  const startSweepJob = (title: string, execute: (control: RunSweepControl) => Promise<SweepOutcome>): { jobId: JobId; started: Promise<SweepSummary> } => {
    let announce!: (sweep: SweepSummary) => void;
    const started = new Promise<SweepSummary>((resolve) => (announce = resolve));
    const job = deps.jobs.start({
      kind: 'sweep',
      title,
      run: async (context) => {
        const startedAt = deps.clock();
        let sweepId: string | null = null;
        try {
          const outcome = await execute({
            // Its variants are in the store; only the best is reported.
            keepVariants: false,
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
    // A job that fails before the record exists answers its error.
    return {
      jobId: toJobId(job.id),
      started: Promise.race([
        started,
        deps.jobs.whenFinished(job.id).then((info) => {
          throw jobError(info.error);
        }),
      ]),
    };
  };

  // Sweeps a stopped app left running on this cluster: their batches are still queued or
  // finished in Redis; resume collecting them (resume-sweep.ts).
  if (deps.cluster) {
    const cluster = deps.cluster;
    for (const sweep of deps.sweeps.claimOrphanedClusterSweeps()) {
      const { started } = startSweepJob(`Sweep ${sweep.name} on ${sweep.symbol} ${sweep.timeframe} (resumed)`, (control) => {
        control.onStarted?.(sweep);
        return resumeSweep({ evaluator: cluster.evaluator, sweeps: deps.sweeps, clock: deps.clock, yieldNow: deps.yieldNow }, sweep, control);
      });
      started.catch(() => {}); // its failure is the job's
    }
  }

  return {
    'sweeps/start': async (args) => {
      const { target, ...startArgs } = args;
      const runArgs = toRunSweepArgs(startArgs);
      // Checked here too: an unknown symbol or tag is answered at once, not as a failed job.
      const instruments = sweepInstruments(deps.barStore, runArgs.source, runArgs);
      const evaluator = evaluatorFor(deps, target, instruments.universe !== null);
      const title = `Sweep ${args.name ?? (runArgs.source.kind === 'template' ? runArgs.source.templateId : runArgs.source.spec.name)} on ${instrumentsWords(instruments)} ${args.timeframe}`;
      // Sweep jobs start at once (the pool or the queue takes their batches), and the record
      // is created before the first await.
      const { jobId, started } = startSweepJob(title, (control) => runSweep({ bars: deps.barStore, evaluator, sweeps: deps.sweeps, clock: deps.clock, yieldNow: deps.yieldNow }, runArgs, control));
      const sweep = await started;
      return { jobId, sweepId: sweep.id };
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
      // Any other order reads and sorts every variant: in the analysis worker.
      return deps.analysis.sweepVariants(args);
    },

    'sweeps/heatmap': async (args) => deps.analysis.sweepHeatmap(args),

    'sweeps/openVariant': async (args) => {
      const sweep = getSweep(deps.sweeps, args.sweepId);
      const variant = deps.sweeps.variant(sweep.id, args.index);
      if (!variant) throw new NotFoundError(`Sweep ${sweep.id} has no variant ${args.index}`, { sweepId: sweep.id, index: args.index });
      if (variant.runId !== null && deps.runStore.get(toRunId(variant.runId))) return { runId: toRunId(variant.runId), jobId: null };
      const spec = variantSpec(sweep.config, variant.params, sweep.timeframe);
      if (typeof spec === 'string') throw new ValidationError(`Variant ${args.index} of sweep ${sweep.id} has no runnable spec: ${spec}`);
      const on = sweep.universe ? `${sweep.universe.symbols.length} instruments${sweep.universe.tag === undefined ? '' : ` (${sweep.universe.tag})`}` : sweep.symbol;
      if (!sweep.universe) requireInstrument(deps.barStore, sweep.symbol);
      const job = deps.jobs.start({
        kind: 'backtest',
        title: `Variant #${args.index} of ${sweep.name} on ${on} ${sweep.timeframe}`,
        run: async () => {
          const startedAt = deps.clock();
          const opened = await openSweepVariant({ bars: deps.barStore, executor: deps.backtests, sweeps: deps.sweeps }, sweep.id, args.index);
          throughput.recordBacktest(deps.clock(), opened.run.barCount, deps.clock() - startedAt);
          deps.analysis.forget(sweep.id);
          deps.events.emit('data/changed', { kind: 'runs', ids: [opened.run.run.id] });
          return opened;
        },
        toResult: (opened) => ({ runId: opened.run.run.id, hash: opened.run.run.hash, sweepId: sweep.id, index: args.index }),
        doneWhenCompletedAfterCancel: true,
      });
      return { runId: null, jobId: toJobId(job.id) };
    },

    'sweeps/resume': async (args) => {
      const sweep = getSweep(deps.sweeps, args.sweepId);
      if (liveJobs.has(sweep.id) || (sweep.status !== 'interrupted' && sweep.status !== 'cancelled')) {
        throw new ValidationError(`Sweep "${sweep.name}" is ${sweep.status}: only an interrupted or cancelled sweep can be resumed.`);
      }
      if (sweep.counts.done + sweep.counts.failed >= sweep.counts.planned && sweep.counts.planned > 0) {
        throw new ValidationError(`Sweep "${sweep.name}" has run all its ${sweep.counts.planned} variants: there is nothing to resume.`);
      }
      const reopened = deps.sweeps.reopen(sweep.id);
      if (!reopened) throw new ValidationError(`Sweep "${sweep.name}" was resumed or changed meanwhile.`);
      // On this machine's workers, whatever it ran on before (a cluster's queue does not hold its batches any more).
      const { jobId, started } = startSweepJob(`Sweep ${sweep.name} on ${storedInstrumentsWords(sweep)} ${sweep.timeframe} (resumed)`, (control) => {
        control.onStarted?.(reopened);
        return resumeSweep({ evaluator: deps.evaluator, sweeps: deps.sweeps, clock: deps.clock, yieldNow: deps.yieldNow }, reopened, control);
      });
      await started;
      return { jobId, sweepId: sweep.id };
    },

    'sweeps/delete': async (args) => {
      const live = liveJobs.get(args.sweepId);
      if (live) deps.jobs.cancel(live);
      const deleted = deleteSweep(deps.sweeps, args.sweepId);
      deps.analysis.forget(args.sweepId);
      deps.events.emit('data/changed', { kind: 'sweeps', ids: [args.sweepId] });
      return deleted;
    },
  };
}
