// The handler table over the real adapters: SQLite in a temp dir, real import and
// backtest workers from dist/. Calls go through the dispatcher, as from either transport.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateBars } from '../domain/market/bars.js';
import { seedDemoData } from './data/seed-demo.js';
import type { Dispatcher } from './contract/dispatcher.js';
import type { EventMessage } from './contract/events.js';
import type { HandlerName } from './contract/handlers.js';
import type { BacktestJobResult } from './backtest/contract.js';
import type { JobInfo } from './jobs/contract.js';
import type { JobRegistry } from './jobs/job-registry.js';
import type { Storage } from '../infrastructure/sqlite/storage.js';
import { openHandlerHarness, type HandlerHarness } from './test-kit/handler-harness.js';
import { callHandler, refusedBy } from './test-kit/dispatch.js';

let harness: HandlerHarness;
let dir: string;
let storage: Storage;
let dispatcher: Dispatcher;
let jobs: JobRegistry;
let events: EventMessage[];

const call = <N extends HandlerName>(name: N, args?: unknown) => callHandler(dispatcher, name, args);

const fail = (name: HandlerName, args?: unknown) => refusedBy(dispatcher, name, args);

beforeAll(async () => {
  harness = await openHandlerHarness({ prefix: 'bws-handlers-' });
  ({ dir, storage, dispatcher, jobs, events } = harness);
  seedDemoData(storage.barStore, 20_000);
});

afterAll(async () => {
  await harness.close();
});

const finished = (jobId: string): Promise<JobInfo> => jobs.whenFinished(jobId);

describe('strategies handlers', () => {
  it('create, list, update, duplicate, rename, delete and restore', async () => {
    const catalog = await call('strategies/catalog');
    expect(catalog.variables.length).toBeGreaterThan(10);
    const template = catalog.templates[0]!;
    const created = await call('strategies/create', { templateId: template.id, name: 'Trend one', tags: ['trend'] });
    expect(created).toMatchObject({ name: 'Trend one', tags: ['trend'], spec: { name: 'Trend one' }, hasDraft: false });
    const copy = await call('strategies/duplicate', { id: created.id });
    expect(copy.name).toBe('Trend one (copy)');
    await call('strategies/rename', { id: copy.id, name: 'Zed' });
    expect((await call('strategies/get', { id: copy.id })).spec.name).toBe('Zed');

    const byName = await call('strategies/list', { sort: 'name' });
    expect(byName.items.map((s) => s.name)).toEqual(['Trend one', 'Zed']);
    expect((await call('strategies/list', { search: 'zed' })).total).toBe(1);
    expect((await call('strategies/list', { tags: ['trend'] })).total).toBe(2);

    const updated = await call('strategies/update', { id: created.id, spec: { ...created.spec, name: 'Trend renamed', initialCash: 5000 } });
    expect(updated).toMatchObject({ name: 'Trend renamed', spec: { initialCash: 5000 } });
    expect(await fail('strategies/update', { id: created.id, spec: { version: 1 } })).toMatchObject({ type: 'ValidationError' });

    await call('strategies/delete', { id: copy.id });
    expect((await call('strategies/list')).total).toBe(1);
    expect(await fail('strategies/get', { id: copy.id })).toMatchObject({ type: 'NotFoundError' });
    await call('strategies/restore', { id: copy.id });
    expect((await call('strategies/list')).total).toBe(2);
    expect(events.some((e) => e.name === 'data/changed' && e.payload.kind === 'strategies')).toBe(true);
  });

  it('keeps drafts until the next save and validates with paths', async () => {
    const created = await call('strategies/create', {});
    expect(await call('strategies/getDraft', { id: created.id })).toBeNull();
    const half = { ...created.spec, initialCash: -1 };
    await call('strategies/saveDraft', { id: created.id, draft: half });
    expect(await call('strategies/getDraft', { id: created.id })).toMatchObject({ draft: { initialCash: -1 } });
    const check = await call('strategies/validate', { spec: half });
    expect(check.runnable).toBe(false);
    expect(check.errors).toContainEqual(expect.objectContaining({ path: 'initialCash' }));
    const malformed = await call('strategies/validate', { spec: { version: 1, name: 'x' } });
    expect(malformed.errors[0]).toMatchObject({ code: 'invalidStructure' });
    await call('strategies/update', { id: created.id, spec: created.spec });
    expect(await call('strategies/getDraft', { id: created.id })).toBeNull();
  });

  it('drops a draft that equals the saved spec: "Discard changes" leaves no unsaved-edits mark', async () => {
    const created = await call('strategies/create', {});
    await call('strategies/saveDraft', { id: created.id, draft: { ...created.spec, initialCash: 5_000 } });
    expect((await call('strategies/get', { id: created.id })).hasDraft).toBe(true);
    // Discard sends the saved spec back as the draft; key order does not make it an edit.
    const reordered = Object.fromEntries(Object.entries(created.spec).reverse());
    await call('strategies/saveDraft', { id: created.id, draft: reordered });
    expect(await call('strategies/getDraft', { id: created.id })).toBeNull();
    expect((await call('strategies/get', { id: created.id })).hasDraft).toBe(false);
    expect((await call('strategies/list')).items.find((s) => s.id === created.id)?.hasDraft).toBe(false);
  });

  it('refuses out-of-range values on create, update and backtest/start, naming the field path', async () => {
    const catalog = await call('strategies/catalog');
    expect(catalog.limits.distancePercent).toMatchObject({ min: 0.01, max: 100 });
    const created = await call('strategies/create', {});
    const tooWide = { ...created.spec, management: { ...created.spec.management, stopLoss: { kind: 'percent', value: 500 } } };
    const onUpdate = await fail('strategies/update', { id: created.id, spec: tooWide });
    expect(onUpdate).toMatchObject({ type: 'ValidationError', message: 'The stop-loss percent must be between 0.01 and 100, got 500. (at management.stopLoss.value)' });
    expect(await fail('strategies/create', { spec: tooWide })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/ \(at management\.stopLoss\.value\)/) });
    expect((await call('strategies/get', { id: created.id })).spec.management.stopLoss).not.toEqual({ kind: 'percent', value: 500 });
    const period = (await fail('strategies/update', { id: created.id, spec: { ...created.spec, entry: { long: { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: { kind: 'variable', variable: 'sma', params: { period: 0 } }, operator: '>', right: { kind: 'constant', value: 1 } }] } } } })).message;
    expect(period).toMatch(/^SMA period must be between 1 and 5000, got 0\. \(at entry\.long\.children\[0\]\.left\.params\.period\)/);
    // An unfinished strategy is still savable: only values out of their range are refused.
    await call('strategies/update', { id: created.id, spec: { ...created.spec, entry: {} } });

    // A spec stored before the limits existed does not run either.
    storage.writer.prepare('UPDATE strategies SET spec_json = ? WHERE id = ?').run(JSON.stringify(tooWide), created.id);
    const onStart = await fail('backtest/start', { strategyId: created.id, symbol: 'DEMO-BTC', timeframe: '1m' });
    expect(onStart.message).toMatch(/^The stop-loss percent must be between 0\.01 and 100, got 500\. \(at management\.stopLoss\.value\)/);
  });

  it('says what is wrong with tags in the words of the form: which tag, and why', async () => {
    const created = await call('strategies/create', { name: 'Tagged', tags: [' trend ', 'crypto'] });
    expect(created.tags).toEqual(['trend', 'crypto']);
    const long = 'x'.repeat(41);
    expect(await fail('strategies/update', { id: created.id, spec: created.spec, tags: ['trend', 'crypto', long] })).toMatchObject({
      type: 'ValidationError',
      message: 'Tag 3 is longer than 40 characters (41).',
      // Where it is stays in the details, for a form that places it.
      details: { issues: [{ path: 'tags.2', message: 'Tag 3 is longer than 40 characters (41).' }] },
    });
    expect((await fail('strategies/create', { name: 'Blank tag', tags: ['ok', '  '] })).message).toBe('Tag 2 is empty.');
    expect((await fail('strategies/create', { tags: ['', long] })).message).toBe('Tag 1 is empty. (and 1 more)');
    expect((await fail('strategies/update', { id: created.id, spec: created.spec, tags: Array.from({ length: 33 }, (_, i) => `t${i}`) })).message).toBe('At most 32 tags, got 33.');
    expect((await call('strategies/get', { id: created.id })).tags).toEqual(['trend', 'crypto']);
    // A payload that is not tags at all is still said as a payload problem.
    expect((await fail('strategies/update', { id: created.id, spec: created.spec, tags: [7] })).message).toMatch(/^Invalid input for strategies\/update: tags\.0: /);
    // A number past the field's bound is said once, with that bound (zod's int() also checks the safe-integer range).
    expect((await fail('strategies/list', { limit: 1e20 })).message).toBe('Invalid input for strategies/list: limit: Too big: expected number to be <=1000');
    expect((await fail('strategies/list', { limit: 5000 })).message).toBe('Invalid input for strategies/list: limit: Too big: expected number to be <=1000');
  });

  it('has one name limit, says it, and refuses a deleted strategy by name and restores it with its draft', async () => {
    const created = await call('strategies/create', { name: 'Short' });
    const long = 'x'.repeat(250);
    expect(await fail('strategies/rename', { id: created.id, name: long })).toMatchObject({
      type: 'ValidationError',
      message: 'A name is at most 200 characters.',
      details: { issues: [{ path: 'name', message: 'A name is at most 200 characters.' }] },
    });
    expect((await fail('strategies/create', { name: '  ' })).message).toBe('A name cannot be empty.');
    expect((await fail('strategies/update', { id: created.id, spec: { ...created.spec, name: long } })).message).toBe(
      'The name is 250 characters; a name is at most 200. (at name)',
    );
    expect((await fail('strategies/create', { name: long })).message).toMatch(/at most 200 characters/);
    await call('strategies/rename', { id: created.id, name: 'y'.repeat(200) });

    await call('strategies/saveDraft', { id: created.id, draft: { ...created.spec, initialCash: 7 } });
    await call('strategies/delete', { id: created.id });
    const gone = await fail('strategies/get', { id: created.id });
    expect(gone).toMatchObject({ type: 'NotFoundError', details: { id: created.id, deleted: true } });
    expect(gone.message).toMatch(/was deleted/);
    expect(await fail('strategies/getDraft', { id: created.id })).toMatchObject({ type: 'NotFoundError', details: { deleted: true } });
    expect(await fail('strategies/saveDraft', { id: created.id, draft: created.spec })).toMatchObject({ details: { deleted: true } });
    expect(await call('strategies/listDeleted')).toMatchObject({ items: [{ id: created.id, deletedAt: expect.any(Number) }], total: 1 });
    await call('strategies/restore', { id: created.id });
    expect(await call('strategies/listDeleted')).toEqual({ items: [], total: 0 });
    expect(await call('strategies/getDraft', { id: created.id })).toMatchObject({ draft: { initialCash: 7 } });
    expect(await fail('strategies/get', { id: 'no-such-id' })).toMatchObject({ type: 'NotFoundError', message: 'No strategy no-such-id' });
  });
});

describe('data handlers', () => {
  it('lists series, reports coverage and downsamples bars', async () => {
    const series = await call('data/listSeries');
    expect(series.map((s) => s.instrument.symbol)).toContain('DEMO-BTC');
    const coverage = await call('data/coverage', { symbol: 'DEMO-BTC', timeframe: '1m' });
    expect(coverage.barCount).toBe(20_000);
    const bars = await call('data/bars', { symbol: 'DEMO-BTC', timeframe: '1m', maxPoints: 500 });
    expect(bars).toMatchObject({ sourceBars: 20_000, downsampled: true });
    expect(bars.ts).toHaveLength(500);
    const full = await call('data/bars', { symbol: 'DEMO-BTC', timeframe: '1m', toTs: coverage.firstTs! + 60_000 * 10 });
    expect(full.ts).toHaveLength(10);
    // Buckets keep the extremes: the highest high survives downsampling.
    const all = storage.barStore.readBars(storage.barStore.findInstrument('DEMO-BTC')!.id, '1m');
    expect(Math.max(...bars.high)).toBe(Math.max(...all.high));
    expect(JSON.parse(JSON.stringify(bars))).toEqual(bars);
    expect(await fail('data/bars', { symbol: 'NOPE', timeframe: '1m' })).toMatchObject({ type: 'NotFoundError' });
  });

  it('answers a repeated chart request from memory until the series changes', async () => {
    const instrument = storage.barStore.upsertInstrument({ symbol: 'CACHED', venue: 'TEST', priceTick: 0.01, quantityStep: 1, quoteCurrency: 'USD', timeZone: 'UTC' });
    const bars = (count: number, high: number) => {
      const out = allocateBars(count);
      for (let i = 0; i < count; i++) {
        out.ts[i] = Date.UTC(2024, 0, 1) + i * 60_000;
        out.open[i] = out.low[i] = out.close[i] = 100;
        out.high[i] = high;
        out.volume[i] = 1;
      }
      return out;
    };
    storage.barStore.mergeBars(instrument.id, '1m', bars(300, 101));
    const first = await call('data/bars', { symbol: 'CACHED', timeframe: '1m', maxPoints: 100 });
    expect(await call('data/bars', { symbol: 'CACHED', timeframe: '1m', maxPoints: 100 })).toEqual(first);
    // New bars over the same minutes (an import): the next answer has them.
    storage.barStore.mergeBars(instrument.id, '1m', bars(10, 500));
    const after = await call('data/bars', { symbol: 'CACHED', timeframe: '1m', maxPoints: 100 });
    expect(Math.max(...first.high)).toBe(101);
    expect(Math.max(...after.high)).toBe(500);
  });

  it('charts a timeframe that is not stored from the 1m bars resampled, as a run on it trades them', async () => {
    const instrument = storage.barStore.findInstrument('DEMO-BTC')!;
    expect(storage.barStore.listSeries().filter((s) => s.instrument.symbol === 'DEMO-BTC').map((s) => s.timeframe)).toEqual(['1m']);
    const minutes = storage.barStore.readBars(instrument.id, '1m');
    const hourStart = Math.ceil(minutes.ts[0]! / 3_600_000) * 3_600_000;
    // From inside an hour: that partial hour is left out, like the worker's range.
    const hours = await call('data/bars', { symbol: 'DEMO-BTC', timeframe: '1h', fromTs: hourStart - 60_000, toTs: hourStart + 3 * 3_600_000 });
    expect(hours).toMatchObject({ timeframe: '1h', sourceBars: 3, downsampled: false });
    expect(hours.ts).toEqual([0, 1, 2].map((h) => hourStart + h * 3_600_000));
    const inHour = (h: number) => [...minutes.ts.keys()].filter((i) => Math.floor((minutes.ts[i]! - hourStart) / 3_600_000) === h);
    for (let h = 0; h < 3; h++) {
      const rows = inHour(h);
      expect(hours.open[h]).toBe(minutes.open[rows[0]!]);
      expect(hours.close[h]).toBe(minutes.close[rows.at(-1)!]);
      expect(hours.high[h]).toBe(Math.max(...rows.map((i) => minutes.high[i]!)));
      expect(hours.low[h]).toBe(Math.min(...rows.map((i) => minutes.low[i]!)));
    }
  });

  it('computes indicators over the same bars, warmed up on the bars before the range, as a run would', async () => {
    const instrument = storage.barStore.findInstrument('DEMO-BTC')!;
    const minutes = storage.barStore.readBars(instrument.id, '1m');
    const fromTs = minutes.ts[5_000]!;
    const toTs = minutes.ts[5_100]!;
    const sma = { kind: 'variable', variable: 'sma', params: { period: 20 } };
    const rsi = { kind: 'variable', variable: 'rsi', params: { period: 14 } };
    const hourly = { kind: 'variable', variable: 'ema', params: { period: 3 }, timeframe: '1h' };
    const answer = await call('data/bars', { symbol: 'DEMO-BTC', timeframe: '1m', fromTs, toTs, operands: [sma, rsi, hourly] });
    expect(answer.ts).toHaveLength(100);
    expect(answer.indicators!.map((i) => i.key)).toEqual(['sma(period=20).value', 'rsi(period=14).value', 'ema(period=3).value@1h']);
    // SMA(20) at each bar is the mean of the 20 closes up to it, the first ones from before the range.
    const smaValues = answer.indicators![0]!.values;
    for (const k of [0, 1, 50, 99]) {
      const i = 5_000 + k;
      let sum = 0;
      for (let j = i - 19; j <= i; j++) sum += minutes.close[j]!;
      expect(smaValues[k]).toBeCloseTo(sum / 20, 8);
    }
    // Warmed up from the first bar shown (RSI's Wilder smoothing too), within its 0..100.
    expect(answer.indicators!.every((i) => i.values.every((v) => v !== null))).toBe(true);
    expect(answer.indicators![1]!.values.every((v) => v! >= 0 && v! <= 100)).toBe(true);
    // Downsampled: one value per bucket, the bucket's last (as its close).
    const reduced = await call('data/bars', { symbol: 'DEMO-BTC', timeframe: '1m', fromTs, toTs, maxPoints: 10, operands: [sma] });
    const lastOfBuckets = Array.from({ length: 10 }, (_, b) => smaValues[b * 10 + 9]!);
    expect(reduced.indicators![0]!.values).toHaveLength(10);
    reduced.indicators![0]!.values.forEach((v, b) => expect(v).toBeCloseTo(lastOfBuckets[b]!, 8));
    // An operand the engine cannot compute is refused, named.
    expect(await fail('data/bars', { symbol: 'DEMO-BTC', timeframe: '1h', operands: [{ kind: 'variable', variable: 'sma', params: { period: 3 }, timeframe: '1m' }] })).toMatchObject({
      type: 'ValidationError',
      message: expect.stringContaining('Indicator 1 (sma) cannot be drawn'),
    });
    expect(await fail('data/bars', { symbol: 'DEMO-BTC', timeframe: '1m', operands: [{ kind: 'variable', variable: 'barsInTrade' }] })).toMatchObject({ type: 'ValidationError' });
    // The main process computes them: a range past the budget is refused, not computed.
    const big = storage.barStore.upsertInstrument({ symbol: 'BIG', venue: 'TEST', priceTick: 0.01, quantityStep: 1, quoteCurrency: 'USD', timeZone: 'UTC' });
    const many = allocateBars(100_001);
    for (let i = 0; i < many.ts.length; i++) {
      many.ts[i] = Date.UTC(2024, 0, 1) + i * 60_000;
      many.open[i] = many.high[i] = many.low[i] = many.close[i] = 100;
      many.volume[i] = 1;
    }
    storage.barStore.mergeBars(big.id, '1m', many);
    expect(await fail('data/bars', { symbol: 'BIG', timeframe: '1m', operands: [sma] })).toMatchObject({ type: 'ValidationError', message: expect.stringContaining('at most 100,000 bars; this range has 100,001') });
    expect((await call('data/bars', { symbol: 'BIG', timeframe: '1m', maxPoints: 10 })).sourceBars).toBe(100_001);
    // A range within the budget whose warm-up is not: the warm-up is cut (the oldest bars
    // first), not the whole answer refused.
    const trimmed = await call('data/bars', { symbol: 'BIG', timeframe: '1m', fromTs: many.ts[1]!, maxPoints: 1_000, operands: [sma] });
    expect(trimmed.sourceBars).toBe(100_000);
    expect(trimmed.indicators![0]!.values).toEqual(new Array(1_000).fill(100));
  });

  it('imports a CSV as a job with events, then exports it', async () => {
    const csv = path.join(dir, 'acme.csv');
    const rows = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 300; i++) rows.push(`${Date.UTC(2024, 0, 1) + i * 60_000},${100 + i},${101 + i},${99 + i},${100.5 + i},10`);
    fs.writeFileSync(csv, rows.join('\n'));
    const { jobId } = await call('data/import', { path: csv, symbol: 'ACME', timeframe: '1m' });
    const job = await finished(jobId);
    // No price tick given: a new instrument takes the finest decimal of the file's prices (100.5: 0.1).
    expect(job).toMatchObject({ kind: 'import', status: 'done', result: { rowsRead: 300, priceTick: 0.1, priceTickSource: 'inferred' } });
    expect(events.some((e) => e.name === 'job/finished' && e.payload.job.id === jobId)).toBe(true);
    expect(await call('data/coverage', { symbol: 'ACME', timeframe: '1m' })).toMatchObject({ barCount: 300, priceTick: 0.1, quantityStep: 1 });
    const retick = await finished((await call('data/import', { path: csv, symbol: 'ACME', timeframe: '1m', priceTick: 0.05 })).jobId);
    expect(retick).toMatchObject({ status: 'done', result: { priceTick: 0.05, priceTickSource: 'given' } });
    expect(await call('data/coverage', { symbol: 'ACME', timeframe: '1m' })).toMatchObject({ priceTick: 0.05 });
    const out = path.join(dir, 'acme-out.csv');
    expect(await call('data/export', { symbol: 'ACME', timeframe: '1m', path: out })).toEqual({ path: out, rows: 300 });
    // A timeframe with no stored bars is refused, naming the stored ones, not written as a file of one header line.
    const none = path.join(dir, 'acme-1h.csv');
    expect(await fail('data/export', { symbol: 'ACME', timeframe: '1h', path: none })).toMatchObject({ type: 'NotFoundError', message: expect.stringContaining('its timeframes are 1m') });
    expect(fs.existsSync(none)).toBe(false);

    fs.writeFileSync(path.join(dir, 'bad.csv'), 'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,0.5,1,1,1\n');
    const rejected = await finished((await call('data/import', { path: path.join(dir, 'bad.csv'), symbol: 'BAD', timeframe: '1m' })).jobId);
    expect(rejected).toMatchObject({ status: 'failed', error: { type: 'ImportRejectedError' } });
  });
});

describe('backtest, runs and jobs handlers', () => {
  it('runs a saved strategy as a job and serves its results paged and downsampled', async () => {
    const strategy = await call('strategies/create', { name: 'Runner' });
    const { jobId } = await call('backtest/start', { strategyId: strategy.id, symbol: 'DEMO-BTC', timeframe: '1m' });
    const job = await finished(jobId);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    const result = job.result as BacktestJobResult;
    const { runId } = result;
    expect(result).toMatchObject({ hash: expect.any(String), barCount: 20_000 });
    for (const ms of Object.values(result.timings)) expect(ms).toBeGreaterThanOrEqual(0);

    const list = await call('runs/list');
    expect(list.items.map((r) => r.id)).toContain(runId);
    // Filters: this strategy's runs (the filter used to be dropped on the way), runs of one hash.
    const unrun = await call('strategies/create', { name: 'Not run' });
    expect((await call('runs/list', { strategyId: unrun.id })).total).toBe(0);
    expect((await call('runs/list', { strategyId: strategy.id })).items.map((r) => r.id)).toEqual([runId]);
    expect((await call('runs/list', { hash: result.hash })).items.map((r) => r.id)).toEqual([runId]);
    expect(await fail('runs/list', { hash: 'not a hash' })).toMatchObject({ type: 'ValidationError' });
    const run = await call('runs/get', { id: runId });
    expect(run).toMatchObject({ id: runId, symbol: 'DEMO-BTC', spec: { name: 'Runner' } });
    expect(run).not.toHaveProperty('trades');
    // Its results went out before the run was saved, as the saved run has them.
    const progress = events.flatMap((e) => (e.name === 'job/progress' && e.payload.job.id === jobId ? [e.payload.job] : []));
    const interim = progress.find((info) => info.interim !== undefined)?.interim;
    // From the first stored bar: no earlier bars to warm the indicators up on.
    expect(result.warmUp).toEqual({ bars: 0, needed: expect.any(Number) });
    expect(run.extras.warmUp).toEqual(result.warmUp);
    expect(interim).toEqual({ metrics: run.metrics, barCount: 20_000, warmUp: result.warmUp, tradeCount: run.tradeCount, firstTs: expect.any(Number), lastTs: expect.any(Number) });

    const equity = await call('runs/equity', { id: runId, maxPoints: 200 });
    expect(equity.sourcePoints).toBe(20_000);
    expect(equity.ts.length).toBeLessThanOrEqual(200);
    expect(Math.min(...equity.drawdown)).toBeLessThanOrEqual(0);
    // The whole run is drawn from the overview saved with it; a range reads the full curve.
    // Both keep the same extremes.
    const whole = await call('runs/equity', { id: runId, maxPoints: 500 });
    const ranged = await call('runs/equity', { id: runId, fromTs: 0, toTs: Date.UTC(2100, 0, 1), maxPoints: 500 });
    expect(whole.sourcePoints).toBe(ranged.sourcePoints);
    expect(whole.downsampled).toBe(true);
    expect(Math.max(...whole.equity)).toBe(Math.max(...ranged.equity));
    expect(Math.min(...whole.equity)).toBe(Math.min(...ranged.equity));
    expect(Math.min(...whole.drawdown)).toBeCloseTo(Math.min(...ranged.drawdown), 9);

    const trades = await call('runs/trades', { id: runId, sort: 'pnl', order: 'desc', limit: 5 });
    expect(trades.total).toBe(run.tradeCount);
    const pnls = trades.items.map((t) => t.pnl);
    expect(pnls).toEqual([...pnls].sort((a, b) => b - a));
    // Rows are the engine's trades (every field, typed) with their position in the run.
    const first = (await call('runs/trades', { id: runId, limit: 1 })).items[0]!;
    expect(Object.keys(first).sort()).toEqual(['barsHeld', 'entryBar', 'entryPrice', 'entryTs', 'exitBar', 'exitPrice', 'exitReason', 'exitTs', 'fees', 'index', 'pnl', 'quantity', 'returnPct', 'side']);

    // The chart's markers: every fill the engine made, stored with the run, in time order.
    const markers = await call('runs/markers', { id: runId });
    expect(markers.total).toBe(markers.ts.length);
    expect(markers.truncated).toBe(false);
    expect(markers.kind.filter((k) => k === 'exitLong' || k === 'exitShort' || k.startsWith('partialExit')).length).toBe(run.tradeCount);
    expect(markers.ts).toEqual([...markers.ts].sort((a, b) => a - b));
    expect(markers.ts[0]).toBe(first.entryTs);
    expect(markers.price[0]).toBe(first.entryPrice);
    const some = await call('runs/markers', { id: runId, maxPoints: 3, fromTs: markers.ts[1] });
    expect(some).toMatchObject({ ts: markers.ts.slice(1, 4), total: markers.total - 1, truncated: true });
    expect(await fail('runs/markers', { id: 'no-such-run' })).toMatchObject({ type: 'NotFoundError' });

    const second = await finished((await call('backtest/start', { strategyId: strategy.id, symbol: 'DEMO-ETH', timeframe: '5m' })).jobId);
    const other = (second.result as { runId: string }).runId;
    const comparison = await call('runs/compare', { ids: [runId, other], maxPoints: 100 });
    expect(comparison.runs).toHaveLength(2);
    // Every metric of the engine, by its name, values in the order of the runs.
    expect(comparison.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['finalEquity', 'sharpe', 'sqn', 'totalFees']));
    expect(comparison.metrics.find((m) => m.name === 'finalEquity')!.values).toEqual(comparison.runs.map((r) => r.metrics.finalEquity));
    expect(comparison.runs.map((r) => r.sweepVariant)).toEqual([undefined, undefined]);

    await call('runs/delete', { id: other });
    expect(await fail('runs/get', { id: other })).toMatchObject({ type: 'NotFoundError' });
    expect((await call('jobs/list')).map((j) => j.id)).toContain(jobId);
    const backtests = await call('jobs/list', { kind: 'backtest' });
    expect(backtests.map((j) => j.id)).toContain(jobId);
    expect(new Set(backtests.map((j) => j.kind))).toEqual(new Set(['backtest']));
    expect(await call('jobs/list', { kind: 'walkforward' })).toEqual([]);
    expect(await fail('jobs/list', { kind: 'everything' })).toMatchObject({ type: 'ValidationError' });
  });

  it('prepares a run in the background: the run then only saves the result computed ahead', async () => {
    const strategy = await call('strategies/create', { name: 'Prepared' });
    const target = { strategyId: strategy.id, symbol: 'DEMO-ETH', timeframe: '15m' as const };
    expect(await call('backtest/prepare', target)).toEqual({ prepared: true, barCount: expect.any(Number) });
    const caches = async () => {
      const [worker] = await harness.backtestPool()!.workerStats();
      return { bars: worker!.value.bars, indicators: worker!.value.indicators };
    };
    const before = await caches();
    expect(before.indicators.entries).toBeGreaterThan(0);
    const job = await finished((await call('backtest/start', target)).jobId);
    expect(job.status).toBe('done');
    expect(job.result).toMatchObject({ computedInAdvance: true, timings: { engineMs: expect.any(Number) } });
    // The same run once more: the prepared result was taken, so the engine runs; equal figures.
    const again = (await finished((await call('backtest/start', target)).jobId)).result as BacktestJobResult;
    expect(again.computedInAdvance).toBe(false);
    const first = await call('runs/get', { id: (job.result as BacktestJobResult).runId });
    expect((await call('runs/get', { id: again.runId })).metrics).toEqual(first.metrics);
    const after = await caches();
    // Nothing the run read was missing: every lookup hit what the prepare had loaded.
    expect(after.bars.misses).toBe(before.bars.misses);
    expect(after.bars.hits).toBeGreaterThan(before.bars.hits);
    expect(after.indicators.misses).toBe(before.indicators.misses);
    expect(after.indicators.hits).toBeGreaterThan(before.indicators.hits);
    expect(await fail('backtest/prepare', { ...target, strategyId: 'no-such-strategy' })).toMatchObject({ type: 'NotFoundError' });
  });

  it('runs the strategy as the builder shows it: its unsaved edits, stored with the run and said in it; the saved spec when they are none', async () => {
    const strategy = await call('strategies/create', { name: 'Edited', templateId: 'sma-cross' });
    const target = { strategyId: strategy.id, symbol: 'DEMO-BTC', timeframe: '15m' as const };
    const runOf = async (args: object) => call('runs/get', { id: ((await finished((await call('backtest/start', args)).jobId)).result as BacktestJobResult).runId });
    const edited = { ...strategy.spec, parameters: undefined, entry: { long: { ...strategy.spec.entry.long!, children: [{ kind: 'trigger', left: { kind: 'variable', variable: 'rsi', params: { period: 14 } }, operator: '<', right: { kind: 'constant', value: 25 } }] } } };
    const { parameters: _names, ...shown } = edited;
    // Prepared ahead on the edits as Run will run them.
    expect(await call('backtest/prepare', { ...target, spec: shown })).toEqual({ prepared: true, barCount: expect.any(Number) });
    const draftRun = await runOf({ ...target, spec: shown });
    expect(draftRun.extras.unsavedEdits).toBe(true);
    expect(draftRun.spec.entry.long!.children[0]).toMatchObject({ left: { variable: 'rsi' }, right: { value: 25 } });
    expect(draftRun.strategyId).toBe(strategy.id);
    const savedRun = await runOf(target);
    expect(savedRun.extras.unsavedEdits).toBeUndefined();
    expect(savedRun.hash).not.toBe(draftRun.hash);
    // The saved spec sent as shown (no edits left, e.g. typed back): no edits, the saved run's hash.
    const same = await runOf({ ...target, spec: strategy.spec });
    expect(same.extras.unsavedEdits).toBeUndefined();
    expect(same.hash).toBe(savedRun.hash);
    // Edits that cannot run are refused before any job, as the saved spec's problems are.
    expect(await fail('backtest/start', { ...target, spec: { ...shown, initialCash: 0 } })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/initialCash/) });
  });

  it('previews signals of an unsaved spec and refuses specs with errors', async () => {
    const catalog = await call('strategies/catalog');
    const preview = await call('backtest/preview', { spec: catalog.templates[0]!.spec, symbol: 'DEMO-BTC', timeframe: '1m' });
    expect(preview.barsScanned).toBe(20_000);
    expect(preview.kind.filter((k) => k === 'entryLong' || k === 'entryShort').length).toBeGreaterThan(0);
    expect(preview.ts).toHaveLength(preview.total);
    expect(preview.price.every(Number.isFinite)).toBe(true);
    expect(await fail('backtest/preview', { spec: { ...catalog.templates[0]!.spec, initialCash: 0 }, symbol: 'DEMO-BTC', timeframe: '1m' })).toMatchObject({
      type: 'ValidationError',
    });
  });

  it('cancels a running backtest', async () => {
    const strategy = await call('strategies/create', { name: 'Cancelled' });
    const { jobId } = await call('backtest/start', { strategyId: strategy.id, symbol: 'DEMO-SOL', timeframe: '1m' });
    await call('jobs/cancel', { id: jobId });
    expect((await finished(jobId)).status).toBe('cancelled');
    expect(await fail('jobs/cancel', { id: 'no-such-job' })).toMatchObject({ type: 'NotFoundError' });
  });

  it('reports handler latency and the host facts', async () => {
    const report = await call('system/performance');
    expect(report.handlers.find((h) => h.name === 'strategies/create')?.calls).toBeGreaterThan(0);
    expect((await call('system/info')).transport).toBe('cli');
  });
});
