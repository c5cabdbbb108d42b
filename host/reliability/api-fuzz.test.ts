// API fuzz: every handler the composed workstation registers, called through the
// dispatcher with random payloads (fast-check `anything()` and mutations of a valid
// payload). The dispatcher never throws and never answers InternalError; payloads the
// contract refuses get ValidationError and change nothing; well-formed payloads get an
// answer or a typed error.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_SCHEMAS, type HandlerName } from '../../core/application/contract/handlers.js';
import type { JobInfo } from '../../core/application/jobs/contract.js';
import { buildTemplate } from '../../core/domain/strategy/templates.js';
import { listTemplates } from '../../core/domain/strategy/templates.js';
import { writeRandomWalkCsv } from '../../core/infrastructure/test-kit/random-walk-csv.js';
import { randomWalkBars } from '../../core/infrastructure/test-kit/bar-fixture.js';
import { openWorkstation, type Workstation } from '../../core/infrastructure/workstation.js';
import { BINANCE_MARKETS, FakeExchangeServer } from '../../core/infrastructure/test-kit/fake-exchange-server.js';
import { tableChecksums, tempDir } from './reliability-kit.js';

/** Runs per handler and phase: about 30 handlers x 2 phases x 8 = some 500 calls. */
const RUNS = 8;
/** Tables that legitimately change under valid calls or on their own. */
const VOLATILE = ['slow_statements', 'jobs'];

const unexpected: { message: string; fields?: Record<string, unknown> }[] = [];
const logger = { error: (message: string, fields?: Record<string, unknown>) => void unexpected.push({ message, fields }), warn: () => undefined };

let dir: string;
let workstation: Workstation;
let exchange: FakeExchangeServer;
let examples: Record<string, Record<string, unknown>>;

async function call(name: string, args: unknown) {
  const answer = await workstation.dispatcher.invoke(name, args);
  if (!answer.ok && answer.error.type === 'InternalError') throw new Error(`${name} answered InternalError: ${answer.error.message}`);
  return answer;
}

async function settleJobs(): Promise<void> {
  const running = workstation.jobs.list().filter((j: JobInfo) => j.status === 'running' || j.status === 'queued');
  await Promise.all(running.map((j) => workstation.jobs.whenFinished(j.id)));
}

beforeAll(async () => {
  dir = tempDir('fuzz');
  // Downloads go to a local exchange with two days of one market: any well-formed download ends quickly.
  const listed = Date.UTC(2024, 0, 1);
  exchange = new FakeExchangeServer({ now: listed + 2 * 86_400_000 });
  exchange.binanceMarkets = [{ ...BINANCE_MARKETS[0]!, listedTs: listed }];
  exchange.upbitMarkets = [];
  const origin = await exchange.start();
  workstation = await openWorkstation({ dataDir: path.join(dir, 'data'), transport: 'cli', seedDemo: false, workers: 1, logger, exchange: { apiOrigin: origin, rateLimitMs: 1 } });
  const barStore = workstation.storage.barStore;
  const instrument = barStore.upsertInstrument({ symbol: 'FUZZ', venue: 'X', priceTick: 0.0001, quantityStep: 0.001, quoteCurrency: 'USD', timeZone: 'UTC' });
  barStore.mergeBars(instrument.id, '1m', randomWalkBars(5_000, Date.UTC(2024, 0, 1)));
  const csv = path.join(dir, 'small.csv');
  writeRandomWalkCsv(csv, { rows: 100, seed: 2 });

  // Real ids for the payloads to point at: a strategy, a finished run, a finished job.
  const created = await call('strategies/create', { name: 'fuzz target' });
  if (!created.ok) throw new Error(created.error.message);
  const strategyId = (created.value as { id: string }).id;
  const started = await call('backtest/start', { strategyId, symbol: 'FUZZ', timeframe: '1m' });
  if (!started.ok) throw new Error(started.error.message);
  const jobId = (started.value as { jobId: string }).jobId;
  const job = await workstation.jobs.whenFinished(jobId);
  if (job.status !== 'done') throw new Error(`seed backtest ${job.status}: ${job.error?.message}`);
  const runId = (job.result as { runId: string }).runId;
  const spec = buildTemplate(listTemplates()[0]!.id) as unknown as Record<string, unknown>;
  const target = { symbol: 'FUZZ', timeframe: '1m' };
  // A small finished sweep for the sweep calls to point at.
  const sweepArgs = {
    source: { kind: 'template', templateId: 'sma-cross' },
    space: [
      { name: 'fast', values: [5, 10] },
      { name: 'slow', values: [20, 40] },
    ],
    method: { kind: 'grid' },
    objective: { metric: 'totalReturnPct' },
    ...target,
  };
  const sweep = await call('sweeps/start', sweepArgs);
  if (!sweep.ok) throw new Error(sweep.error.message);
  const { sweepId, jobId: sweepJobId } = sweep.value as { sweepId: string; jobId: string };
  const sweepJob = await workstation.jobs.whenFinished(sweepJobId);
  if (sweepJob.status !== 'done') throw new Error(`seed sweep ${sweepJob.status}: ${sweepJob.error?.message}`);
  const hourMs = 3_600_000;
  examples = {
    'data/listSeries': {},
    'data/setTags': { symbol: 'FUZZ', tags: ['fuzz', 'majors'] },
    'data/import': { path: csv, symbol: 'FUZZNEW', timeframe: '1m' },
    'data/export': { ...target, path: path.join(dir, 'export.csv') },
    'data/coverage': target,
    'data/bars': { ...target, maxPoints: 100, fromTs: Date.UTC(2024, 0, 1), toTs: Date.UTC(2024, 0, 2) },
    'strategies/list': { limit: 10, sort: 'name' },
    'strategies/get': { id: strategyId },
    'strategies/create': { name: 'fuzzed', tags: ['a'] },
    'strategies/update': { id: strategyId, spec },
    'strategies/duplicate': { id: strategyId },
    'strategies/rename': { id: strategyId, name: 'renamed' },
    'strategies/delete': { id: strategyId },
    'strategies/restore': { id: strategyId },
    'strategies/listDeleted': { limit: 5 },
    'strategies/catalog': {},
    'strategies/validate': { spec, timeframe: '1m' },
    'strategies/saveDraft': { id: strategyId, draft: { a: 1 } },
    'strategies/getDraft': { id: strategyId },
    'backtest/start': { strategyId, ...target },
    'backtest/preview': { spec, ...target, maxPoints: 50 },
    'backtest/prepare': { strategyId, ...target },
    'runs/list': { limit: 5 },
    'runs/get': { id: runId },
    'runs/delete': { id: runId },
    'runs/compare': { ids: [runId, runId] },
    'runs/equity': { id: runId, maxPoints: 100 },
    'runs/trades': { id: runId, sort: 'pnl', limit: 10 },
    'runs/markers': { id: runId, maxPoints: 100 },
    'runs/instruments': { id: runId, maxPoints: 100 },
    'jobs/list': {},
    'jobs/cancel': { id: jobId },
    'system/info': {},
    'system/performance': {},
    'system/activity': {},
    'sweeps/start': sweepArgs,
    'sweeps/list': { limit: 5 },
    'sweeps/get': { sweepId },
    'sweeps/variants': { sweepId, limit: 10 },
    'sweeps/heatmap': { sweepId, x: 'fast', y: 'slow' },
    'sweeps/openVariant': { sweepId, index: 0 },
    'sweeps/delete': { sweepId },
    'sweeps/resume': { sweepId },
    'walkforward/start': { ...sweepArgs, schedule: { inSampleMs: 24 * hourMs, outOfSampleMs: 12 * hourMs, anchored: false } },
    'montecarlo/run': { runId, simulations: 200, seed: 1 },
    'cluster/status': {},
    'data/download': { exchange: 'binance', market: 'BTC/USDT', timeframe: '1h', fromTs: listed, toTs: listed + 86_400_000 },
    'data/update': target,
    // The series the data/import example writes: deleting it leaves the others' target alone.
    'data/delete': { symbol: 'FUZZNEW', timeframe: '1m' },
    'data/undoDelete': { deletionId: 'no-such-deletion' },
  };
}, 60_000);

afterAll(async () => {
  await settleJobs();
  await workstation.close();
  await exchange.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Values that break assumptions: wrong types, non-finite numbers, huge and hostile strings. */
const oddValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0, 0.5, 1e308, 2 ** 53 + 1),
  fc.constantFrom('', ' ', 'x'.repeat(100_000), '../../../etc/passwd', '\u0000', '__proto__', 'constructor', '1m; DROP TABLE bar_chunks'),
  fc.constantFrom(null, undefined, [], {}, true, [1, 2], { toString: 1 }),
  fc.string(),
  fc.double(),
  fc.integer(),
);

/** A valid payload with one thing broken: a key dropped, a value replaced, a key added, or the whole replaced. */
function mutationsOf(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(example);
  const variants: fc.Arbitrary<unknown>[] = [
    oddValue,
    fc.tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.anything()).map(
      ([key, value]) => JSON.parse(JSON.stringify({ ...example, [key]: value === undefined ? null : value })) as unknown,
    ),
  ];
  if (keys.length > 0) {
    variants.push(
      fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(example).filter(([k]) => k !== key))),
      fc.tuple(fc.constantFrom(...keys), oddValue).map(([key, value]) => ({ ...example, [key]: value })),
      fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...keys), oddValue).map(([a, b, value]) => ({ ...example, [a]: value, [b]: example[a] })),
    );
  }
  return fc.oneof(...variants);
}

/** Keeps valid calls inside the temp dir: a fuzzed `path` must not write or read elsewhere. */
function confinePaths(name: string, args: unknown): unknown {
  if ((name === 'data/export' || name === 'data/import') && typeof args === 'object' && args !== null && 'path' in args) {
    return { ...args, path: name === 'data/import' ? examples[name]!.path : path.join(dir, 'export.csv') };
  }
  return args;
}

describe('API fuzz through the dispatcher', () => {
  it('has a valid example payload for every registered handler (dialogs are not registered here)', () => {
    const names = workstation.dispatcher.names();
    expect(names.filter((n) => n.startsWith('dialog/'))).toEqual([]);
    expect(names.filter((n) => !(n in examples))).toEqual([]);
    for (const name of names) expect(HANDLER_SCHEMAS[name].safeParse(examples[name]).success, name).toBe(true);
  });

  it('answers every payload the contract refuses with ValidationError and changes nothing', async () => {
    const before = tableChecksums(workstation.storage.file, VOLATILE);
    let calls = 0;
    for (const name of workstation.dispatcher.names()) {
      const schema = HANDLER_SCHEMAS[name as HandlerName];
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.anything(), mutationsOf(examples[name]!), mutationsOf(examples[name]!)), async (payload) => {
          fc.pre(!schema.safeParse(payload).success);
          calls++;
          const answer = await call(name, payload);
          expect(answer.ok, `${name} accepted ${JSON.stringify(payload)?.slice(0, 200)}`).toBe(false);
          if (!answer.ok) {
            expect(answer.error.type).toBe('ValidationError');
            expect(answer.error.message.length).toBeLessThan(1_000);
          }
        }),
        { numRuns: RUNS, seed: 6, endOnFailure: true },
      );
    }
    console.log(`${calls} refused payloads over ${workstation.dispatcher.names().length} handlers`);
    expect(calls).toBeGreaterThan(150);
    expect(unexpected).toEqual([]);
    expect(tableChecksums(workstation.storage.file, VOLATILE)).toEqual(before);
  }, 60_000);

  it('answers well-formed payloads with a value or a typed error, never InternalError', async () => {
    const types = new Map<string, number>();
    let calls = 0;
    for (const name of workstation.dispatcher.names()) {
      const schema = HANDLER_SCHEMAS[name as HandlerName];
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.constant(examples[name]), mutationsOf(examples[name]!)), async (raw) => {
          const payload = confinePaths(name, raw);
          fc.pre(schema.safeParse(payload).success);
          calls++;
          const answer = await call(name, payload);
          const type = answer.ok ? 'ok' : answer.error.type;
          types.set(type, (types.get(type) ?? 0) + 1);
          expect(['ok', 'ValidationError', 'NotFoundError', 'ConflictError', 'CancelledError']).toContain(type);
        }),
        { numRuns: RUNS, seed: 7, endOnFailure: true },
      );
    }
    await settleJobs();
    console.log(`${calls} well-formed payloads: ${JSON.stringify(Object.fromEntries(types))}`);
    expect(calls).toBeGreaterThan(50);
    // Jobs the calls started ended in a final state with a typed error if they failed.
    for (const job of workstation.jobs.list()) {
      expect(['done', 'failed', 'cancelled']).toContain(job.status);
      if (job.status === 'failed') expect(job.error?.type).not.toBe('InternalError');
    }
    expect(unexpected).toEqual([]);
  }, 90_000);
});
