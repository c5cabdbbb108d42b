import * as Comlink from 'comlink';
import type { EvaluateControl, EvaluateOutcome, EvaluatedVariant, EvaluateRequest, VariantEvaluator } from '../../application/sweeps/ports.js';
import { warmUpBarsFor } from '../../domain/engine/warm-up.js';
import { createCancelFlag, requestCancel } from '../workers/cancel-flag.js';
import { WorkerPool, type PoolStats, type WorkerPoolOptions } from '../workers/worker-pool.js';
import { workerScriptPath } from '../workers/worker-script.js';
import { SWEEP_BAR_CACHE_MB_ENV, SWEEP_INDICATOR_CACHE_MB_ENV, SWEEP_LOCKSTEP_GROUP, SWEEP_WORKER_MB_ENV, type SweepWorkerApi, type SweepWorkerStats, type VariantBatchResult } from './sweep-protocol.js';

export interface WorkerVariantEvaluatorOptions extends Omit<WorkerPoolOptions, 'script' | 'env'> {
  /** The database the workers read (read-only). */
  readonly dbFile: string;
  /** Default: dist/workers/sweep-worker.js under the repo / app root. */
  readonly script?: string;
  /** Most variants per worker call; default 64. */
  readonly maxBatch?: number;
  /** Each worker's budget for its bars and indicator arrays (SWEEP_WORKER_MB_DEFAULT). */
  readonly workerMb?: number;
  readonly barCacheMb?: number;
  /** A cap on each worker's indicator arrays below what the worker budget leaves them. */
  readonly indicatorCacheMb?: number;
}

/** The sweep workers' V8 young generation in MB unless the options set one. */
export const SWEEP_YOUNG_GENERATION_MB = 8;

/**
 * Warm-up reads are rounded up to this many bars (a stored chunk): a sweep's chunks of
 * variants then read the same bar set whatever their longest warm-up, for a few thousand
 * bars more (under 1 % of a year of minutes).
 */
const WARM_UP_READ_STEP = 4_096;

const EMPTY_BARS = { count: 0, warmUpBars: 0, firstTs: null, lastTs: null, magnifierFirstTs: null, magnifierLastTs: null };

/**
 * The size of the next batch when `remaining` variants are left: an eighth of each
 * worker's share, so batches shrink towards the end of a sweep (guided scheduling) and
 * the workers finish together instead of one running a last long batch alone; but not
 * below a lockstep group (SWEEP_LOCKSTEP_GROUP, a few tens of ms of work), which a worker
 * runs for the memory traffic of about one variant.
 */
export function batchSize(remaining: number, workers: number, maxBatch: number): number {
  return Math.max(1, Math.min(maxBatch, remaining, Math.max(SWEEP_LOCKSTEP_GROUP, Math.ceil(remaining / (workers * 8)))));
}

/**
 * VariantEvaluator on a pool of sweep workers. Variants go out in batches (one message
 * carries up to `maxBatch` specs; only metrics come back), shrinking towards the end of
 * the sweep so the last ones balance (batchSize). One shared cancel flag stops every batch between or
 * inside variants; a stopped batch still returns the variants it finished.
 */
export class WorkerVariantEvaluator implements VariantEvaluator {
  readonly pool: WorkerPool<SweepWorkerApi>;
  private readonly dbFile: string;
  private readonly size: number;
  private readonly maxBatch: number;
  /** The bar set the workers last loaded (or are loading) and when they have it: see barsLoadedBy. */
  private barsGate: { readonly key: string; readonly ready: Promise<void> } | null = null;

  constructor(options: WorkerVariantEvaluatorOptions) {
    this.dbFile = options.dbFile;
    const env: Record<string, string | undefined> = { ...process.env };
    if (options.workerMb !== undefined) env[SWEEP_WORKER_MB_ENV] = String(options.workerMb);
    if (options.barCacheMb !== undefined) env[SWEEP_BAR_CACHE_MB_ENV] = String(options.barCacheMb);
    if (options.indicatorCacheMb !== undefined) env[SWEEP_INDICATOR_CACHE_MB_ENV] = String(options.indicatorCacheMb);
    // V8 sizes the young generation from the machine's memory (~200 MB per worker here) and
    // keeps its pages once grown; a variant's garbage (its orders and fill events: it keeps
    // no trades or curve) fits in 8 MB at no measurable cost (docs/OPTIMIZE.md).
    const resourceLimits = { maxYoungGenerationSizeMb: SWEEP_YOUNG_GENERATION_MB, ...options.resourceLimits };
    // Linked workers share the indicator arrays they compute (sweep-worker.ts).
    this.pool = new WorkerPool<SweepWorkerApi>({ ...options, resourceLimits, script: options.script ?? workerScriptPath('sweep-worker'), env, peers: true });
    this.size = this.pool.stats().size;
    this.maxBatch = Math.max(1, options.maxBatch ?? 64);
  }

  async evaluate(request: EvaluateRequest, control: EvaluateControl = {}): Promise<EvaluateOutcome> {
    const { data } = request;
    // A resumed sweep's stored variants are not run again.
    const variants = request.finished ? request.variants.filter((v) => !request.finished!.has(v.index)) : request.variants;
    const flag = createCancelFlag();
    let cancelled = control.cancel?.isCancelled() ?? false;
    if (cancelled) requestCancel(flag);
    const unsubscribe = control.cancel?.onCancel(() => {
      cancelled = true;
      requestCancel(flag);
    });
    const doneByBatch: number[] = [];
    const reportProgress = () => control.onProgress?.(doneByBatch.reduce((a, b) => a + b, 0));
    // Every batch reads the bars with the longest warm-up of the call's variants, rounded
    // up (WARM_UP_READ_STEP) so that a sweep's chunks agree on it too: one bar set, read
    // once into shared memory and taken by the other workers. A variant warms up on the
    // last of them it needs, so reading more changes no result.
    let warmUpBars = 0;
    for (const v of variants) warmUpBars = Math.max(warmUpBars, warmUpBarsFor(v.spec, data.timeframe));
    warmUpBars = Math.ceil(warmUpBars / WARM_UP_READ_STEP) * WARM_UP_READ_STEP;
    const firstLoaded = this.barsLoadedBy(data, warmUpBars);
    const jobs: Promise<VariantBatchResult>[] = [];
    const submit = (batch: typeof variants, slot: number): Promise<VariantBatchResult> => {
      const handle = this.pool.submit<VariantBatchResult, number>(
        (api, context) => {
          // A batch that starts after a cancel does not reach the worker.
          if (cancelled) return Promise.resolve({ items: [], cancelled: true, barsRead: EMPTY_BARS, timings: { loadMs: 0, engineMs: 0 }, memory: { heapUsedBytes: 0, externalBytes: 0, arrayBuffersBytes: 0, rssBytes: 0 } });
          return api.runVariants(
            {
              dbFile: this.dbFile,
              instrumentId: data.instrumentId,
              ...(data.universe === undefined ? {} : { universe: data.universe }),
              timeframe: data.timeframe,
              ...(data.fromTs === undefined ? {} : { fromTs: data.fromTs }),
              ...(data.toTs === undefined ? {} : { toTs: data.toTs }),
              ...(data.magnifier === undefined ? {} : { magnifier: data.magnifier }),
              ...(data.quantityStep === undefined ? {} : { quantityStep: data.quantityStep }),
              warmUpBars,
              variants: batch,
            },
            Comlink.transfer(context.progressPort, [context.progressPort]),
            flag,
          );
        },
        {
          onProgress: (done) => {
            if (slot === 0) firstLoaded.loaded();
            doneByBatch[slot] = done;
            reportProgress();
          },
        },
      );
      if (slot === 0) void handle.result.finally(firstLoaded.loaded).catch(() => undefined);
      return handle.result.then(
        (result) => {
          doneByBatch[slot] = result.items.length;
          const items: EvaluatedVariant[] = result.items.map((item) =>
            'metrics' in item ? { index: item.index, metrics: item.metrics, error: null, ...(item.hash === undefined ? {} : { hash: item.hash }) } : { index: item.index, metrics: null, error: item.error },
          );
          if (items.length > 0) control.onBatch?.(items);
          reportProgress();
          return result;
        },
        (error: unknown) => {
          // A worker that died takes only its batch down: those variants are recorded as failed.
          const message = error instanceof Error ? error.message : String(error);
          doneByBatch[slot] = batch.length;
          control.onBatch?.(batch.map((v) => ({ index: v.index, metrics: null, error: `worker failed: ${message}` })));
          return { items: [], cancelled: false, barsRead: EMPTY_BARS, timings: { loadMs: 0, engineMs: 0 }, memory: { heapUsedBytes: 0, externalBytes: 0, arrayBuffersBytes: 0, rssBytes: 0 } };
        },
      );
    };
    for (let start = 0, b = 0; start < variants.length; b++) {
      const batch = variants.slice(start, (start += batchSize(variants.length - start, this.size, this.maxBatch)));
      const slot = b;
      doneByBatch.push(0);
      jobs.push(slot === 0 && firstLoaded.loads ? submit(batch, slot) : firstLoaded.ready.then(() => submit(batch, slot)));
    }
    try {
      const results = await Promise.all(jobs);
      return { cancelled: cancelled || results.some((r) => r.cancelled), barsRead: results.filter((r) => r.barsRead.count > 0).map((r) => r.barsRead) };
    } finally {
      unsubscribe?.();
      // The bars may change before the next sweep (an import): its first batch loads them again.
      if (firstLoaded.loads && this.barsGate?.ready === firstLoaded.ready) this.barsGate = null;
    }
  }

  /**
   * When the batches of a call may start. Started together, every worker would miss the
   * bars and read its own copy, so the first call over a bar set sends its first batch at
   * once (`loads`) and the others once that batch's worker has the bars (its first progress,
   * or its end); a call over the same bar set meanwhile or later (a sweep's next chunk)
   * waits for the same moment.
   */
  private barsLoadedBy(data: EvaluateRequest['data'], warmUpBars: number): { loads: boolean; ready: Promise<void>; loaded: () => void } {
    const none = { loads: false, ready: Promise.resolve(), loaded: () => undefined };
    // A portfolio variant streams its bars; one worker shares with nobody.
    if (this.size < 2 || data.universe !== undefined) return none;
    const key = JSON.stringify([data.instrumentId, data.timeframe, data.fromTs ?? null, data.toTs ?? null, data.magnifier ?? null, warmUpBars]);
    if (this.barsGate?.key === key) return { ...none, ready: this.barsGate.ready };
    let loaded = (): void => undefined;
    const ready = new Promise<void>((resolve) => (loaded = resolve));
    this.barsGate = { key, ready };
    return { loads: true, ready, loaded };
  }

  stats(): PoolStats {
    return this.pool.stats();
  }

  /** Cache and memory figures of the idle workers. */
  workerStats(): Promise<{ workerId: number; value: SweepWorkerStats }[]> {
    return this.pool.probeIdle((api) => api.stats());
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
