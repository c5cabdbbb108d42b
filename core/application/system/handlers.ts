import type { CacheRate, PerformanceReport, PoolCaches, PoolUtilization, SystemHandlers, WorkerMemoryInfo } from './contract.js';
import type { HandlerDeps } from '../handler-deps.js';
import type { CacheStats, PoolSnapshot } from './performance-probe.js';
import type { ThroughputLog } from './throughput-log.js';

const SLOW_STATEMENTS_SHOWN = 50;

function sumCaches(figures: readonly CacheStats[]): CacheRate {
  const total = { hits: 0, misses: 0, entries: 0, bytes: 0, maxBytes: 0, evictions: 0 };
  for (const f of figures) {
    total.hits += f.hits;
    total.misses += f.misses;
    total.entries += f.entries;
    total.bytes += f.bytes;
    total.maxBytes += f.maxBytes;
    total.evictions += f.evictions;
  }
  const lookups = total.hits + total.misses;
  return { ...total, hitRate: lookups > 0 ? total.hits / lookups : null };
}

function utilization(p: PoolSnapshot): PoolUtilization {
  const s = p.stats;
  return {
    pool: p.pool,
    size: s.size,
    busy: s.busy,
    utilization: s.size > 0 ? s.busy / s.size : 0,
    queued: s.queued,
    completed: s.completed,
    failed: s.failed,
    cancelled: s.cancelled,
    timedOut: s.timedOut,
    replaced: s.replaced,
  };
}

function caches(p: PoolSnapshot): PoolCaches {
  return { pool: p.pool, workersReporting: p.workers.length, bars: sumCaches(p.workers.map((w) => w.bars)), indicators: sumCaches(p.workers.map((w) => w.indicators)) };
}

export function systemHandlers(deps: HandlerDeps, throughput: ThroughputLog): SystemHandlers {
  return {
    'system/info': async () => deps.systemInfo,
    'system/activity': async (args) => {
      deps.foreground.noteActivity(args?.forMs);
      return null;
    },
    // Everything is read when asked: the monitor costs nothing while nobody looks at it.
    'system/performance': async (): Promise<PerformanceReport> => {
      const pools = await deps.performance.pools();
      const workers: WorkerMemoryInfo[] = pools.flatMap((p) =>
        p.workers.map((w) => ({ pool: p.pool, workerId: w.workerId, heapUsedBytes: w.memory.heapUsedBytes, externalBytes: w.memory.externalBytes, arrayBuffersBytes: w.memory.arrayBuffersBytes })),
      );
      return {
        handlers: deps.latency.report(),
        slowStatements: deps.slowStatements().slice(0, SLOW_STATEMENTS_SHOWN),
        collectedAt: deps.clock(),
        throughput: throughput.report(),
        pools: pools.map(utilization),
        caches: pools.map(caches),
        memory: { main: deps.performance.processMemory(), workers },
      };
    },
  };
}
