// Measuring how long the thread that answers calls is held: the largest gap between the
// ticks of a 5 ms timer, and how long a trivial call (`system/info`) due every 50 ms takes
// from when it was due to its answer (a call arriving while the thread is held waits for
// it). Shared by the main-thread fault test and bench/reliability.ts.
import { performance, PerformanceObserver } from 'node:perf_hooks';
import type { Dispatcher } from '../../core/application/contract/dispatcher.js';
import type { Workstation } from '../../core/infrastructure/workstation.js';

export interface StallFigures {
  /** Largest time between two ticks of a 5 ms timer, minus the 5 ms. */
  readonly maxStallMs: number;
  /** Trivial calls answered while watching, and the slowest of them (from when each was due). */
  readonly probes: number;
  readonly probeP50Ms: number;
  readonly probeMaxMs: number;
  /** Longest garbage collection pause of this thread while watching. */
  readonly maxGcMs: number;
}

/** Starts watching the event loop; `stop()` ends it and returns the figures. */
export function watchMainThread(dispatcher: Pick<Dispatcher, 'invoke'>): { stop(): Promise<StallFigures> } {
  let last = performance.now();
  let maxStallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last - 5);
    last = now;
  }, 5);
  let maxGcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) maxGcMs = Math.max(maxGcMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let previous = performance.now();
  const prober = setInterval(() => {
    // Measured from when it was due (50 ms after the previous one was sent): a timer held up
    // by a busy thread is a call kept waiting.
    const now = performance.now();
    const dueAt = Math.min(now, previous + 50);
    previous = now;
    pending.push(dispatcher.invoke('system/info', undefined).then(() => void latencies.push(performance.now() - dueAt)));
  }, 50);
  return {
    async stop() {
      clearInterval(ticker);
      clearInterval(prober);
      gc.disconnect();
      await Promise.all(pending);
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        maxStallMs: Math.max(0, maxStallMs),
        probes: sorted.length,
        probeP50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
        probeMaxMs: sorted.at(-1) ?? 0,
        maxGcMs,
      };
    },
  };
}

/** Calls a handler through the dispatcher; throws its error as an Error with the type in the message. */
export async function call<T>(workstation: Pick<Workstation, 'dispatcher'>, name: string, args?: unknown): Promise<T> {
  const answer = await workstation.dispatcher.invoke(name, args);
  if (!answer.ok) throw new Error(`${name}: ${answer.error.type}: ${answer.error.message}`);
  return answer.value as T;
}

/** Waits for a job's final state and returns it; throws unless it is done. */
export async function jobDone<T>(workstation: Pick<Workstation, 'jobs'>, jobId: string): Promise<T> {
  const job = await workstation.jobs.whenFinished(jobId);
  if (job.status !== 'done') throw new Error(`job ${job.title} ended ${job.status}: ${job.error?.message ?? ''}`);
  return job.result as T;
}

/**
 * Makes a run with many trades on `symbol` 1m (an SMA 2/3 cross of a random walk trades
 * every few bars): a one-variant sweep, opened as a run. Returns its id and trade count.
 */
export async function manyTradesRun(workstation: Workstation, symbol: string): Promise<{ runId: string; trades: number }> {
  const started = await call<{ jobId: string; sweepId: string }>(workstation, 'sweeps/start', {
    source: { kind: 'template', templateId: 'sma-cross' },
    space: [
      { name: 'fast', values: [2] },
      { name: 'slow', values: [3] },
    ],
    objective: { metric: 'sharpe' },
    symbol,
    timeframe: '1m',
  });
  await jobDone(workstation, started.jobId);
  const opened = await call<{ runId: string | null; jobId: string | null }>(workstation, 'sweeps/openVariant', { sweepId: started.sweepId, index: 0 });
  const runId = opened.runId ?? (await jobDone<{ runId: string }>(workstation, opened.jobId!)).runId;
  const run = await call<{ tradeCount: number }>(workstation, 'runs/get', { id: runId });
  return { runId, trades: run.tradeCount };
}
