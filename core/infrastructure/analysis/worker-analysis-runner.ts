import type { AnalysisRunner } from '../../application/sweeps/analysis.js';
import { WorkerPool, type PoolStats } from '../workers/worker-pool.js';
import { workerScriptPath } from '../workers/worker-script.js';
import type { AnalysisWorkerApi } from './analysis-protocol.js';

export interface WorkerAnalysisRunnerOptions {
  /** The database the worker reads (read-only). */
  readonly dbFile: string;
  /** Default: dist/workers/analysis-worker.js under the repo / app root. */
  readonly script?: string;
}

/**
 * AnalysisRunner on one worker thread, started with the first call: Monte Carlo of a big
 * run (100,000 simulations of 4,000 trades is ~9 s of work) and sorting or mapping a
 * sweep's 200,000 variants no longer hold the thread that answers every other call. The
 * calls queue on the one worker (interactive priority); a worker that dies fails its
 * call only and is replaced.
 */
export class WorkerAnalysisRunner implements AnalysisRunner {
  private pool: WorkerPool<AnalysisWorkerApi> | null = null;
  private readonly generations = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: WorkerAnalysisRunnerOptions) {}

  monteCarlo(args: Parameters<AnalysisRunner['monteCarlo']>[0]): ReturnType<AnalysisRunner['monteCarlo']> {
    return this.run((api) => api.monteCarlo(this.options.dbFile, args));
  }

  sweepVariants(args: Parameters<AnalysisRunner['sweepVariants']>[0]): ReturnType<AnalysisRunner['sweepVariants']> {
    return this.run((api) => api.sweepVariants(this.options.dbFile, args, this.generations.get(args.sweepId) ?? 0));
  }

  sweepHeatmap(args: Parameters<AnalysisRunner['sweepHeatmap']>[0]): ReturnType<AnalysisRunner['sweepHeatmap']> {
    return this.run((api) => api.sweepHeatmap(this.options.dbFile, args, this.generations.get(args.sweepId) ?? 0));
  }

  forget(sweepId: string): void {
    this.generations.set(sweepId, (this.generations.get(sweepId) ?? 0) + 1);
  }

  /** The pool's counters, once it exists. */
  stats(): PoolStats | null {
    return this.pool?.stats() ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }

  private run<R>(call: (api: Parameters<Parameters<WorkerPool<AnalysisWorkerApi>['submit']>[0]>[0]) => Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(new Error('The analysis runner is closed'));
    this.pool ??= new WorkerPool<AnalysisWorkerApi>({ script: this.options.script ?? workerScriptPath('analysis-worker'), size: 1 });
    return this.pool.submit<R>((api) => call(api), { priority: 'interactive' }).result;
  }
}
