import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBacktest } from '../../domain/engine/backtest.js';
import { smaCrossSpec } from '../../domain/test-kit/specs.js';
import type { Instrument } from '../../domain/market/instrument.js';
import type { ComputedRun } from '../../application/backtest/backtest-executor.js';
import { SqliteRunStore } from '../runs/sqlite-run-store.js';
import { tempDir } from '../test-kit/temp-db.js';
import type { Storage } from '../sqlite/storage.js';
import { randomWalkBars, seedStore } from '../test-kit/bar-fixture.js';
import { createForegroundSignal, markActiveUntil } from './foreground-signal.js';
import { WorkerBacktestExecutor } from './worker-backtest-executor.js';

const BARS = 20_000;
let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let instrument: Instrument;
let executor: WorkerBacktestExecutor;

beforeAll(() => {
  dir = tempDir('bws-exec-');
  ({ storage, instrument } = seedStore(dir.dir, BARS));
  executor = new WorkerBacktestExecutor({ dbFile: storage.file, size: 2, testFaults: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
});

afterAll(async () => {
  await executor.close();
  storage.close();
  dir.cleanup();
});

const spec = smaCrossSpec(10, 30);
const request = () => ({ instrument, timeframe: '1m' as const, spec });

describe('WorkerBacktestExecutor', () => {
  it('ready() resolves once every worker answers, before any job ran', async () => {
    await executor.ready();
    const stats = await executor.workerStats();
    expect(stats.length).toBe(2);
  });

  it.runIf(process.platform === 'linux')('runs its workers below the priority of the thread that serves the UI', async () => {
    await executor.ready();
    const niceOf = (tid: string): number => Number(fs.readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const tids = fs.readdirSync(`/proc/${process.pid}/task`);
    expect(tids.filter((tid) => niceOf(tid) === 10).length).toBeGreaterThanOrEqual(2);
    expect(niceOf(String(process.pid))).toBe(0);
  });

  it('returns what the engine returns in process: trades and markers (sent as columns) and equity, bit for bit', async () => {
    const outcome = await executor.submit(request()).result;
    const direct = runBacktest({ spec, instrument: { priceTick: instrument.priceTick, quantityStep: instrument.quantityStep }, timeframe: '1m', bars: randomWalkBars(BARS, Date.UTC(2024, 0, 1)) });
    expect(direct.trades.length).toBeGreaterThan(0);
    expect(JSON.stringify(outcome.result.trades)).toBe(JSON.stringify(direct.trades));
    expect(JSON.stringify(outcome.result.markers)).toBe(JSON.stringify(direct.markers));
    expect(JSON.stringify(outcome.result.metrics)).toBe(JSON.stringify(direct.metrics));
    expect(outcome.result.openPosition).toEqual(direct.openPosition);
    expect(Buffer.from(outcome.result.equity.buffer).equals(Buffer.from(direct.equity.buffer))).toBe(true);
  });

  it('runs a job end to end from SQLite through a worker, with transferred arrays and a hash', async () => {
    const outcome = await executor.submit(request()).result;
    expect(outcome.barCount).toBe(BARS);
    expect(outcome.result.equity).toBeInstanceOf(Float64Array);
    expect(outcome.result.equity.length).toBe(BARS);
    expect(outcome.ts.length).toBe(BARS);
    expect(outcome.result.metrics.tradeCount).toBeGreaterThan(0);
    expect(outcome.hash).toMatch(/^[0-9a-f]{16}$/);
    // Same inputs, same hash and the same equity bit for bit.
    const again = await executor.submit(request()).result;
    expect(again.hash).toBe(outcome.hash);
    expect(Buffer.from(again.result.equity.buffer).equals(Buffer.from(outcome.result.equity.buffer))).toBe(true);
  });

  it('serves a repeated run from the worker cache, and a re-import invalidates it', async () => {
    const first = await executor.submitDetailed(request()).result;
    const second = await executor.submitDetailed(request()).result;
    // Two workers: at least one of two consecutive runs after the first test hits its cache.
    expect(first.barsFromCache || second.barsFromCache).toBe(true);
    const stats = await executor.workerStats();
    expect(stats.reduce((n, s) => n + s.value.bars.hits, 0)).toBeGreaterThan(0);
    expect(stats.reduce((n, s) => n + s.value.indicators.hits, 0)).toBeGreaterThan(0);

    // Re-import the last bars with other prices: the series version changes, so no stale hit.
    const tail = randomWalkBars(100, Date.UTC(2024, 0, 1) + (BARS - 100) * 60_000, 7);
    storage.barStore.mergeBars(instrument.id, '1m', tail);
    const after = await executor.submitDetailed(request()).result;
    expect(after.barsFromCache).toBe(false);
    expect(after.hash).not.toBe(first.hash);
  });

  it('resamples 1m bars for a higher timeframe and uses them for the magnifier', async () => {
    const outcome = await executor.submitDetailed({ ...request(), timeframe: '15m' }).result;
    expect(outcome.barsOrigin).toBe('resampled');
    expect(outcome.barCount).toBe(Math.ceil(BARS / 15));
    expect(outcome.magnifierUsed).toBe(true);
  });

  it('sends throttled progress events (<= 10/s)', async () => {
    const times: number[] = [];
    await executor.submitDetailed({ ...request(), fault: 'busy', faultMs: 700 }, { onProgress: () => times.push(performance.now()) }).result;
    expect(times.length).toBeGreaterThan(0);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(95);
    expect(times.length).toBeLessThanOrEqual(9);
  });

  it('cancels a running job through the engine cancel poll: the worker stops on its own', async () => {
    // Its own pool with a long grace: with the default 100 ms a loaded machine (CI ran 116 ms)
    // has the pool terminate the worker, which is the next test's subject, not this one's.
    const patient = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1, testFaults: true, cancelGraceMs: 5_000 });
    try {
      const handle = patient.submitDetailed({ ...request(), fault: 'busy', faultMs: 10_000 });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      handle.cancel();
      await expect(handle.result).rejects.toMatchObject({ type: 'CancelledError' });
      const ms = performance.now() - t0;
      console.log(`cancel took ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(2_000); // far below the 10 s the job would run (latency: the reliability bench)
      expect(patient.stats().replaced).toBe(0); // the worker stopped on its own
    } finally {
      await patient.close();
    }
  });

  it('terminates and replaces a worker that ignores cancel', async () => {
    const before = executor.stats().replaced;
    const handle = executor.submitDetailed({ ...request(), fault: 'hang', faultMs: 5_000 });
    await new Promise((r) => setTimeout(r, 100));
    handle.cancel();
    await expect(handle.result).rejects.toMatchObject({ type: 'CancelledError', message: expect.stringContaining('did not stop') });
    expect(executor.stats().replaced).toBe(before + 1);
    await expect(executor.submit(request()).result).resolves.toMatchObject({ barCount: BARS });
  });

  it('a cancel or timeout that lands during the run save waits for it: the worker lives and the run is kept', async () => {
    const runs = new SqliteRunStore(storage.writer);
    const before = { replaced: executor.stats().replaced, runs: runs.list().total };
    const record = { name: 'slow save', strategyId: null, fromTs: null, toTs: null };
    // The worker replaced by the test before must boot and read its bars; on a busy
    // machine (worker threads at nice 10) that alone can outlast the timeout below, so
    // both workers run once first and start the test warm.
    await executor.ready();
    await Promise.all([executor.submit(request()).result, executor.submit(request()).result]);
    // Each save holds its write 3 s. The cancel goes out once its worker is inside the
    // write, so its 100 ms grace expires there; the 1.5 s timeout does too (a warm run
    // takes a few ms).
    const cancelled = executor.submitAndSaveDetailed({ ...request(), fault: 'slowSave', faultMs: 3_000 }, record);
    const timed = executor.submitAndSaveDetailed({ ...request(), fault: 'slowSave', faultMs: 3_000 }, record, { timeoutMs: 1_500 });
    const writing = (id: string): boolean => executor.stats().workers.some((w) => w.jobId === id && w.writing);
    await vi.waitFor(() => expect(writing(cancelled.id)).toBe(true), { timeout: 1_400, interval: 5 });
    cancelled.cancel();
    const [a, b] = await Promise.all([cancelled.result, timed.result]);
    expect(executor.stats().replaced).toBe(before.replaced);
    expect(runs.list().total).toBe(before.runs + 2);
    expect(runs.get(a.run.id)!.barCount).toBe(BARS);
    expect(runs.get(b.run.id)!.tradeCount).toBe(b.run.tradeCount);
    expect(storage.writer.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a cancel after the run is saved but before the worker answers still ends with the saved run', async () => {
    const runs = new SqliteRunStore(storage.writer);
    const before = { replaced: executor.stats().replaced, runs: runs.list().total };
    const record = { name: 'slow reply', strategyId: null, fromTs: null, toTs: null };
    // The worker saves, then takes 1 s to answer; the cancel's 100 ms grace ends in between.
    const handle = executor.submitAndSaveDetailed({ ...request(), fault: 'slowReply', faultMs: 1_000 }, record);
    const saved = (): boolean => executor.stats().workers.some((w) => w.jobId === handle.id && w.wrote && !w.writing);
    await vi.waitFor(() => expect(saved()).toBe(true), { timeout: 5_000, interval: 5 });
    handle.cancel();
    const outcome = await handle.result;
    expect(runs.get(outcome.run.id)!.barCount).toBe(BARS);
    expect(runs.list().total).toBe(before.runs + 1);
    expect(executor.stats().replaced).toBe(before.replaced);
  });

  it('hands the results on before the save commits (onComputed), as the saved run has them; a cancelled run hands on nothing', async () => {
    const runs = new SqliteRunStore(storage.writer);
    const before = runs.list().total;
    const record = { name: 'computed first', strategyId: null, fromTs: null, toTs: null };
    const seen: { at: number; stored: number; run: ComputedRun }[] = [];
    // The save holds its write 1.5 s: the results must arrive before it, not with the answer.
    const handle = executor.submitAndSaveDetailed({ ...request(), fault: 'slowSave', faultMs: 1_500 }, record, {
      onComputed: (run) => seen.push({ at: performance.now(), stored: runs.list().total, run }),
    });
    const saved = await handle.result;
    const answeredAt = performance.now();
    expect(seen).toHaveLength(1);
    const [{ at, stored, run }] = seen as [(typeof seen)[number]];
    expect(stored).toBe(before);
    expect(answeredAt - at).toBeGreaterThan(1_000);
    expect(run).toEqual({
      metrics: saved.metrics,
      openPosition: saved.openPosition,
      barCount: BARS,
      warmUp: { bars: 0, needed: 30 },
      tradeCount: saved.run.tradeCount,
      firstTs: runs.getEquity(saved.run.id)!.ts[0],
      lastTs: runs.getEquity(saved.run.id)!.ts[BARS - 1],
    });

    const computedCalls = vi.fn();
    const cancelled = executor.submitAndSaveDetailed({ ...request(), fault: 'busy', faultMs: 10_000 }, record, { onComputed: computedCalls });
    await new Promise((r) => setTimeout(r, 200));
    cancelled.cancel();
    await expect(cancelled.result).rejects.toMatchObject({ type: 'CancelledError' });
    expect(computedCalls).not.toHaveBeenCalled();
    expect(runs.list().total).toBe(before + 1);
  });

  it('saves a prepared run from the result computed ahead, the same bit for bit; other inputs compute anew', async () => {
    const runs = new SqliteRunStore(storage.writer);
    const record = { name: 'prepared', strategyId: null, fromTs: null, toTs: null };
    // Another spec than the tests before, so nothing of it is cached yet.
    const prepared = { ...request(), spec: smaCrossSpec(7, 21) };
    await executor.prepare(prepared).result;
    const saved = await executor.submitAndSaveDetailed(prepared, record).result;
    expect(saved.computedInAdvance).toBe(true);
    // The same inputs through the path that always runs the engine.
    const fresh = await executor.submitDetailed(prepared).result;
    expect(saved.run.hash).toBe(fresh.hash);
    expect(saved.metrics).toEqual(fresh.result.metrics);
    expect(runs.getEquity(saved.run.id)!.equity).toEqual(fresh.result.equity);
    expect(runs.get(saved.run.id)!.trades).toHaveLength(fresh.result.trades.length);

    // A quantity step of its own is another run: its own hash, computed anew.
    const stepped = await executor.submitAndSaveDetailed({ ...prepared, instrument: { ...instrument, quantityStep: instrument.quantityStep * 10 } }, record).result;
    expect(stepped.computedInAdvance).toBe(false);
    expect(stepped.run.hash).not.toBe(saved.run.hash);
    const other = await executor.submitAndSaveDetailed({ ...prepared, spec: smaCrossSpec(8, 21) }, record).result;
    expect(other.computedInAdvance).toBe(false);
  });

  it('checkpoints the runs it saved into the main file after answering (the app thread never has to)', async () => {
    const record = { name: 'checkpointed', strategyId: null, fromTs: null, toTs: null };
    const before = fs.statSync(storage.file).size;
    for (let i = 0; i < 3; i++) await executor.submitAndSave(request(), record).result;
    // Three equity curves of BARS float64 values reach the main file only through a checkpoint.
    await vi.waitFor(() => expect(fs.statSync(storage.file).size - before).toBeGreaterThanOrEqual(3 * BARS * 8), { timeout: 5_000 });
  });

  it('fails a job that overruns its timeout and replaces the worker', async () => {
    const handle = executor.submitDetailed({ ...request(), fault: 'hang', faultMs: 5_000 }, { timeoutMs: 200 });
    await expect(handle.result).rejects.toMatchObject({ type: 'TimeoutError', message: expect.stringContaining('200 ms timeout') });
    await expect(executor.submit(request()).result).resolves.toMatchObject({ barCount: BARS });
  });

  it.each([
    ['throw', 'WorkerFailedError', 'the job threw'],
    ['uncaught', 'WorkerFailedError', 'uncaught error'],
    ['exit', 'WorkerFailedError', 'exited unexpectedly with code 7'],
    ['oom', 'WorkerFailedError', 'ran out of memory (heap limit 64 MB)'],
  ] as const)('a worker fault "%s" fails only its job with a readable reason; the next job succeeds', async (fault, type, reason) => {
    const bystander = executor.submit(request());
    const handle = executor.submitDetailed({ ...request(), fault });
    await expect(handle.result).rejects.toMatchObject({ type, message: expect.stringContaining(reason) });
    await expect(bystander.result).resolves.toMatchObject({ barCount: BARS });
    await expect(executor.submit(request()).result).resolves.toMatchObject({ barCount: BARS });
    expect(executor.stats().size).toBe(2);
  });

  it('cancels a queued job at once', async () => {
    const busy = [1, 2].map(() => executor.submitDetailed({ ...request(), fault: 'busy', faultMs: 400 }));
    const queued = executor.submit(request());
    expect(executor.stats().queued).toBe(1);
    queued.cancel();
    await expect(queued.result).rejects.toMatchObject({ type: 'CancelledError' });
    await Promise.all(busy.map((b) => b.result));
  });

  it('refuses test faults in a worker started without BWS_TEST_FAULTS', async () => {
    const plain = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
    try {
      await expect(plain.submitDetailed({ ...request(), fault: 'exit' }).result).rejects.toMatchObject({
        type: 'ValidationError',
        message: expect.stringContaining('BWS_TEST_FAULTS'),
      });
    } finally {
      await plain.close();
    }
  });

  it('pauses its jobs while the user interacts (foreground signal) and stops a paused job at once on cancel', async () => {
    const foreground = createForegroundSignal();
    const pool = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1, foreground });
    try {
      await pool.ready();
      const quiet = await pool.submitDetailed(request()).result;
      expect(quiet.timings.pausedMs).toBe(0);
      // The user interacts for 400 ms: the job (its first poll comes at once) waits for the
      // quiet, and the worker reports the wait (at most the 1 s cap per pause).
      markActiveUntil(foreground, Date.now());
      const ticker = setInterval(() => markActiveUntil(foreground, Date.now()), 20);
      setTimeout(() => clearInterval(ticker), 400);
      const paused = await pool.submitDetailed(request()).result;
      expect(paused.timings.pausedMs).toBeGreaterThan(250);
      expect(paused.timings.pausedMs).toBeLessThan(paused.timings.totalMs + 1);
      // Cancel during a pause: the pause ends within a slice, the worker is not replaced.
      markActiveUntil(foreground, Date.now());
      const busy = setInterval(() => markActiveUntil(foreground, Date.now()), 20);
      try {
        const handle = pool.submit(request());
        await new Promise((r) => setTimeout(r, 150));
        const t0 = performance.now();
        handle.cancel();
        await expect(handle.result).rejects.toMatchObject({ type: 'CancelledError' });
        // Well under the 1 s pause cap (the job would wait that long without the cancel
        // check in the pause); not a latency target: that is measured by the reliability bench.
        expect(performance.now() - t0).toBeLessThan(500);
        expect(pool.stats().replaced).toBe(0);
      } finally {
        clearInterval(busy);
      }
    } finally {
      await pool.close();
    }
  });

  it('primes the JIT of its workers in the background (primeJit) without changing any result', async () => {
    const warm = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1, primeJit: true });
    try {
      await warm.ready();
      // A job during the warm-up goes first and gives the same answer as a worker without one.
      const during = await warm.submit(request()).result;
      const plain = await executor.submit(request()).result;
      expect(during.hash).toBe(plain.hash);
      expect(JSON.stringify(during.result.metrics)).toBe(JSON.stringify(plain.result.metrics));
      let figures = (await warm.workerStats())[0]!.value.priming;
      const end = Date.now() + 30_000;
      while (figures?.state !== 'done' && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        figures = (await warm.workerStats())[0]!.value.priming;
      }
      expect(figures).toMatchObject({ state: 'done' });
      expect(figures!.stepsRun).toBe(figures!.stepsPlanned);
      const after = await warm.submit(request()).result;
      expect(after.hash).toBe(plain.hash);
      expect(JSON.stringify(after.result.trades)).toBe(JSON.stringify(plain.result.trades));
      expect(Buffer.from(after.result.equity.buffer).equals(Buffer.from(plain.result.equity.buffer))).toBe(true);
    } finally {
      await warm.close();
    }
  });

  it('runs an interactive job (the user waits on it) ahead of queued ones, without pausing, and pauses background jobs meanwhile', async () => {
    const foreground = createForegroundSignal();
    const pool = new WorkerBacktestExecutor({ dbFile: storage.file, size: 2, foreground, testFaults: true });
    try {
      await pool.ready();
      // The user keeps interacting: a background job pauses for the cap (1 s), an interactive one not at all.
      markActiveUntil(foreground, Date.now());
      const active = setInterval(() => markActiveUntil(foreground, Date.now()), 20);
      try {
        const [background, interactive] = await Promise.all([
          pool.submitDetailed(request()).result,
          pool.submitDetailed(request(), { priority: 'interactive' }).result,
        ]);
        expect(background.timings.pausedMs).toBeGreaterThan(900);
        expect(interactive.timings.pausedMs).toBe(0);
      } finally {
        clearInterval(active);
      }
      await new Promise((r) => setTimeout(r, 200)); // quiet again

      // Background jobs on both workers, paused for the user: an interactive job queued
      // behind them makes them run on instead of pausing.
      markActiveUntil(foreground, Date.now());
      const stillActive = setInterval(() => markActiveUntil(foreground, Date.now()), 20);
      try {
        const blockers = [pool.submitDetailed(request()), pool.submitDetailed(request())];
        await new Promise((r) => setTimeout(r, 100)); // both are pausing by now
        const t0 = performance.now();
        await pool.submit(request(), { priority: 'interactive' }).result;
        // They stopped pausing when it was queued: the interactive job did not wait out the
        // 1 s pause cap (900 ms left of it). Their own pausedMs is not the measure: once the
        // interactive job runs nothing urgent is queued, and a blocker still running pauses
        // again for the user (CI saw 1095 ms that way).
        expect(performance.now() - t0).toBeLessThan(800);
        await Promise.all(blockers.map((b) => b.result));
      } finally {
        clearInterval(stillActive);
      }
      await new Promise((r) => setTimeout(r, 200));

      // Both workers busy, two background jobs queued: the interactive job submitted last starts first.
      const order: string[] = [];
      const track = (name: string, handle: { result: Promise<unknown> }) => handle.result.then(() => order.push(name));
      const busy = { ...request(), fault: 'busy' as const, faultMs: 300 };
      await Promise.all([
        track('busy 1', pool.submitDetailed(busy)),
        track('busy 2', pool.submitDetailed(busy)),
        track('background 1', pool.submit(request())),
        track('background 2', pool.submit(request())),
        track('interactive', pool.submit(request(), { priority: 'interactive' })),
      ]);
      expect(order.indexOf('interactive')).toBeLessThan(order.indexOf('background 1'));

      // While an interactive job runs (600 ms), a background job on the other worker waits for it.
      const [held] = await Promise.all([
        (async () => {
          await new Promise((r) => setTimeout(r, 50));
          return pool.submitDetailed(request()).result;
        })(),
        pool.submitDetailed({ ...request(), fault: 'busy', faultMs: 600 }, { priority: 'interactive' }).result,
      ]);
      expect(held.timings.pausedMs).toBeGreaterThan(400);
    } finally {
      await pool.close();
    }
  });
});
