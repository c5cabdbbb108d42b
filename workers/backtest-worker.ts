// Backtest worker: reads bars through its own read-only SQLite connection (cached per
// file), runs the engine, and returns the result with its big arrays transferred.
// Started by WorkerPool (core/infrastructure/workers); RPC with comlink's node adapter.
import { performance } from 'node:perf_hooks';
import { parentPort, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { CancelledError, ValidationError } from '../core/application/errors.js';
import { ENGINE_VERSION, runBacktest } from '../core/domain/engine/backtest.js';
import { canonicalJson, hashRunInputs } from '../core/domain/engine/run-hash.js';
import { isBacktestCancelled, type BacktestResult } from '../core/domain/engine/types.js';
import { instrumentId } from '../core/domain/market/ids.js';
import { isTimeframe } from '../core/domain/market/timeframe.js';
import {
  CACHE_MB_ENV,
  TEST_FAULTS,
  type BacktestJob,
  type BacktestWorkerApi,
  type BacktestWorkerStats,
  type WorkerBacktestWire,
  type WorkerMemory,
} from '../core/infrastructure/workers/backtest-protocol.js';
import { cancelPoller } from '../core/infrastructure/workers/cancel-flag.js';
import { fillBuffers, packFills } from '../core/infrastructure/workers/fill-columns.js';
import { BarSource } from './lib/bar-source.js';
import { IndicatorCache } from './lib/indicator-cache.js';
import { progressReporter } from './lib/progress-reporter.js';
import { assertFaultsEnabled, commitFault } from './lib/test-faults.js';

const MB = 1024 * 1024;
const cacheMb = Number(process.env[CACHE_MB_ENV] ?? 512);
const budget = (Number.isFinite(cacheMb) && cacheMb >= 0 ? cacheMb : 512) * MB;
// Bars get three quarters of the budget; indicator arrays (one Float64Array per operand) the rest.
const bars = new BarSource(Math.floor(budget * 0.75));
const indicators = new IndicatorCache(Math.floor(budget * 0.25));
let jobsRun = 0;
// Run hashes read every byte of the bars (tens of ms for a year of minutes); a repeated
// run of the same spec on the same cached bar set reuses the answer.
const hashes = new Map<string, string>();
const MAX_HASHES = 256;

const api: BacktestWorkerApi = {
  async runBacktest(job: BacktestJob, progress: MessagePort, cancelFlag: SharedArrayBuffer): Promise<WorkerBacktestWire> {
    try {
      return await execute(job, progress, cancelFlag);
    } finally {
      jobsRun++;
      progress.close();
    }
  },
  stats(): BacktestWorkerStats {
    return { bars: bars.stats(), indicators: indicators.stats(), memory: memory(), jobsRun };
  },
};

async function execute(job: BacktestJob, progress: MessagePort, cancelFlag: SharedArrayBuffer): Promise<WorkerBacktestWire> {
  const started = performance.now();
  if (!isTimeframe(job.timeframe)) throw new ValidationError(`Unknown timeframe "${String(job.timeframe)}"`);
  const shouldCancel = cancelPoller(cancelFlag);
  const report = progressReporter(progress);

  if (job.fault !== undefined) {
    if (!(TEST_FAULTS as readonly string[]).includes(job.fault)) throw new ValidationError(`Unknown test fault "${job.fault}"`);
    assertFaultsEnabled(job.fault);
    if (commitFault(job.fault, job.faultMs ?? 1000) === 'pending') return new Promise<never>(() => {});
  }

  const stored = bars.instrument(job.dbFile, {
    symbol: job.symbol,
    instrumentId: job.instrumentId === undefined ? undefined : instrumentId(job.instrumentId),
  });
  if (job.quantityStep !== undefined && !(job.quantityStep > 0 && Number.isFinite(job.quantityStep))) {
    throw new ValidationError(`quantityStep must be a positive number, got ${job.quantityStep}`);
  }
  const instrument = job.quantityStep === undefined ? stored : { ...stored, quantityStep: job.quantityStep };
  const request = { dbFile: job.dbFile, instrument, timeframe: job.timeframe, fromTs: job.fromTs, toTs: job.toTs };
  const series = bars.series(request);
  const magnifierBars = job.magnifier === false ? null : bars.minuteBarsFor(request);
  const precomputed = indicators.seriesFor(job.spec, job.timeframe, series.bars, series.key);
  const loaded = performance.now();

  const input = {
    spec: job.spec,
    instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep },
    timeframe: job.timeframe,
    bars: series.bars,
    magnifier: magnifierBars !== null,
    series: precomputed.series,
    shouldCancel,
    onProgress: report,
    ...(magnifierBars ? { magnifierBars } : {}),
  };
  let result: BacktestResult;
  try {
    result = runBacktest(input);
    if (job.fault === 'busy') {
      // Test fault: keep the worker in the real engine loop (with its real cancel poll)
      // for faultMs, as a long run would.
      const end = started + (job.faultMs ?? 1000);
      while (performance.now() < end) result = runBacktest(input);
    }
  } catch (error) {
    if (isBacktestCancelled(error)) throw new CancelledError((error as Error).message);
    throw error;
  }
  const finished = performance.now();
  const hashKey = `${series.key}|${magnifierBars !== null}|${canonicalJson(job.spec)}`;
  let hash = hashes.get(hashKey);
  if (hash === undefined) {
    hash = hashRunInputs({ ...input, ...(magnifierBars ? { magnifierBars } : {}) });
    if (hashes.size >= MAX_HASHES) hashes.delete(hashes.keys().next().value!);
    hashes.set(hashKey, hash);
  }

  const ts = series.bars.ts.slice();
  const { trades, markers, ...rest } = result;
  const fills = packFills(trades, markers);
  const out: WorkerBacktestWire = {
    instrument,
    result: rest,
    fills,
    hash,
    engineVersion: ENGINE_VERSION,
    ts,
    barCount: series.bars.ts.length,
    barsOrigin: series.origin,
    magnifierUsed: magnifierBars !== null,
    barsFromCache: series.fromCache,
    indicatorsFromCache: precomputed.hits,
    timings: { loadMs: loaded - started, engineMs: finished - loaded, totalMs: performance.now() - started },
    memory: memory(),
  };
  // The engine allocates equity and drawdown per run, so they can move without a copy;
  // the ts column is our own copy (the cached bars must stay usable here); trades and
  // markers go as columns (cloning ~27k objects cost more than the whole engine run).
  // A Set: equity and drawdown may share one buffer, and a buffer listed twice fails to clone.
  return Comlink.transfer(out, [...new Set([result.equity.buffer, result.drawdownPct.buffer, ts.buffer]), ...fillBuffers(fills)]);
}

function memory(): WorkerMemory {
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers, rssBytes: m.rss };
}

Comlink.expose(api, nodeEndpoint(parentPort!));
