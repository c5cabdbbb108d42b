// Deleting bars with an undo window, through the handler table over a real SQLite file:
// the composition root (workstation.ts) as the app opens it, with a
// short undo window, reopened on the same file to play an app killed or closed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomWalkBars } from './test-kit/bar-fixture.js';
import { regularBars } from './test-kit/temp-db.js';
import { openWorkstation, type Workstation } from './workstation.js';
import type { BacktestJobResult } from '../application/backtest/contract.js';
import type { HandlerName } from '../application/contract/handlers.js';
import type { SeriesDeletion } from '../application/data/series-deletions.js';
import { callHandler, refusedBy } from '../application/test-kit/dispatch.js';

const START = Date.UTC(2024, 0, 1);
// 3 chunks of 4,096 bars and some: a purge takes several slices of one chunk.
const MINUTES = 13_000;
const HOURS = 500;

let dir: string;
let file: string;
const open: Workstation[] = [];

async function openApp(undoDeleteMs: number, options: { recoverDeletions?: boolean } = {}): Promise<Workstation> {
  const workstation = await openWorkstation({
    databaseFile: file,
    transport: 'cli',
    seedDemo: false,
    backtests: 'in-process',
    logger: { error: () => {} },
    undoDeleteMs,
    ...options,
  });
  open.push(workstation);
  return workstation;
}

const call = <N extends HandlerName>(workstation: Workstation, name: N, args?: unknown) => callHandler(workstation.dispatcher, name, args);

const fail = (workstation: Workstation, name: HandlerName, args?: unknown) => refusedBy(workstation.dispatcher, name, args);

const listed = async (workstation: Workstation) => (await call(workstation, 'data/listSeries')).map((s) => `${s.instrument.symbol} ${s.timeframe} ${s.barCount}`);

/** Chunk rows stored for a symbol's timeframe, hidden or not: what a purge removes. */
function chunksOf(workstation: Workstation, symbol: string, timeframe: string): number {
  return (
    workstation.storage.writer
      .prepare('SELECT count(*) AS n FROM bar_chunks c JOIN instruments i ON i.id = c.instrument_id WHERE i.symbol = ? AND c.timeframe = ?')
      .get(symbol, timeframe) as { n: number }
  ).n;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-deletions-'));
  file = path.join(dir, 'workstation.sqlite');
  const workstation = await openApp(60_000);
  const store = workstation.storage.barStore;
  for (const symbol of ['ALPHA', 'BETA']) {
    const instrument = store.upsertInstrument({ symbol, venue: 'TEST', priceTick: 0.0001, quantityStep: 0.001, quoteCurrency: 'USD', timeZone: 'UTC' });
    store.mergeBars(instrument.id, '1m', randomWalkBars(MINUTES, START, symbol === 'ALPHA' ? 1 : 2));
    if (symbol === 'ALPHA') store.mergeBars(instrument.id, '1h', regularBars(HOURS, START, 3_600_000));
  }
  await workstation.close();
  open.length = 0;
});

afterEach(async () => {
  await Promise.all(open.map((w) => w.close()));
  open.length = 0;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('deleting stored bars', () => {
  it('hides one timeframe at once, brings it back exactly on undo, and removes it once the window has passed', async () => {
    const app = await openApp(400);
    const alpha = app.storage.barStore.findInstrument('ALPHA')!;
    const before = app.storage.barStore.readBars(alpha.id, '1m');

    const deletion = await call(app, 'data/delete', { symbol: 'ALPHA', timeframe: '1m' });
    expect(deletion).toMatchObject({ symbol: 'ALPHA', timeframes: ['1m'], wholeInstrument: false, bars: MINUTES });
    expect(deletion.undoUntil - deletion.deletedAt).toBe(400);
    expect(await listed(app)).toEqual([`ALPHA 1h ${HOURS}`, `BETA 1m ${MINUTES}`]);
    // Nothing reads the hidden bars: a chart, a run, a resampled timeframe above them.
    expect((await call(app, 'data/bars', { symbol: 'ALPHA', timeframe: '1m' })).ts).toHaveLength(0);
    expect(app.storage.barStore.readBars(alpha.id, '1m').ts).toHaveLength(0);
    expect(app.storage.barStore.seriesVersion(alpha.id, '1m')).toBe(0);
    // A write into them is refused (the undo restores exactly what was hidden), saying why.
    expect(() => app.storage.barStore.mergeBars(alpha.id, '1m', randomWalkBars(10, START))).toThrow(/deleted moments ago/);
    expect(await fail(app, 'data/delete', { symbol: 'ALPHA', timeframe: '1m' })).toMatchObject({ type: 'NotFoundError', message: expect.stringContaining('its timeframes are 1h') });

    const undone = await call(app, 'data/undoDelete', { deletionId: deletion.deletionId });
    expect(undone).toMatchObject({ symbol: 'ALPHA', timeframes: ['1m'], bars: MINUTES });
    expect(await listed(app)).toEqual([`ALPHA 1m ${MINUTES}`, `ALPHA 1h ${HOURS}`, `BETA 1m ${MINUTES}`]);
    const after = app.storage.barStore.readBars(alpha.id, '1m');
    expect(Buffer.from(after.close.buffer, after.close.byteOffset, after.close.byteLength)).toEqual(Buffer.from(before.close.buffer, before.close.byteOffset, before.close.byteLength));
    expect([...after.ts]).toEqual([...before.ts]);

    const again = await call(app, 'data/delete', { symbol: 'ALPHA', timeframe: '1m' });
    await until(() => chunksOf(app, 'ALPHA', '1m') === 0, 'the purge');
    expect(await fail(app, 'data/undoDelete', { deletionId: again.deletionId })).toMatchObject({ type: 'NotFoundError', message: expect.stringContaining('Too late to undo') });
    expect(await listed(app)).toEqual([`ALPHA 1h ${HOURS}`, `BETA 1m ${MINUTES}`]);
    expect(app.storage.barStore.listDeletions()).toEqual([]);
    // The instrument stays with its other timeframe, and takes new 1m bars again.
    expect(app.storage.barStore.mergeBars(alpha.id, '1m', randomWalkBars(10, START)).inserted).toBe(10);
  });

  it('deletes a whole instrument; a run made on it keeps its results and still opens, and the demo set is not seeded back', async () => {
    const app = await openApp(300);
    const strategy = await call(app, 'strategies/create', { name: 'On BETA', templateId: 'sma-cross' });
    const job = await app.jobs.whenFinished((await call(app, 'backtest/start', { strategyId: strategy.id, symbol: 'BETA', timeframe: '1m' })).jobId);
    expect(job.status).toBe('done');
    const runId = (job.result as BacktestJobResult).runId;
    const run = await call(app, 'runs/get', { id: runId });
    const trades = await call(app, 'runs/trades', { id: runId, limit: 1000 });
    const equity = await call(app, 'runs/equity', { id: runId, maxPoints: 300 });
    expect(run.tradeCount).toBeGreaterThan(0);

    await call(app, 'data/delete', { symbol: 'ALPHA' });
    const deletion = await call(app, 'data/delete', { symbol: 'BETA' });
    expect(deletion).toMatchObject({ timeframes: ['1m'], wholeInstrument: true });
    expect(await listed(app)).toEqual([]);
    expect(app.storage.barStore.findInstrument('BETA')).toBeNull();
    await until(() => app.storage.barStore.listDeletions().length === 0, 'both purges');
    expect(app.storage.writer.prepare('SELECT symbol FROM instruments').all()).toEqual([]);

    expect(await call(app, 'runs/get', { id: runId })).toEqual(run);
    expect(await call(app, 'runs/trades', { id: runId, limit: 1000 })).toEqual(trades);
    expect(await call(app, 'runs/equity', { id: runId, maxPoints: 300 })).toEqual(equity);
    expect((await call(app, 'runs/list')).items.map((r) => r.id)).toEqual([runId]);
    // A new run on it says what is missing.
    expect(await fail(app, 'backtest/start', { strategyId: strategy.id, symbol: 'BETA', timeframe: '1m' })).toMatchObject({ type: 'NotFoundError' });
    expect(await fail(app, 'data/delete', { symbol: 'BETA' })).toMatchObject({ type: 'NotFoundError', message: 'No bars of "BETA" are stored' });

    await app.close();
    open.length = 0;
    const reopened = await openWorkstation({ databaseFile: file, transport: 'cli', backtests: 'in-process', logger: { error: () => {} } });
    open.push(reopened);
    expect(reopened.demo.seeded).toBe(false);
    expect(await listed(reopened)).toEqual([]);
  });

  it('refuses an import into an instrument deleted moments ago and keeps the delete undoable', async () => {
    const app = await openApp(60_000);
    const deletion = await call(app, 'data/delete', { symbol: 'BETA' });
    expect(() =>
      app.storage.barStore.upsertInstrument({ symbol: 'BETA', venue: 'TEST', priceTick: 0.01, quantityStep: 1, quoteCurrency: 'USD', timeZone: 'UTC' }),
    ).toThrow(/BETA was deleted moments ago and the delete can still be undone/);
    await call(app, 'data/undoDelete', { deletionId: deletion.deletionId });
    expect(await listed(app)).toContain(`BETA 1m ${MINUTES}`);
    expect(app.storage.barStore.findInstrument('BETA')!.priceTick).toBe(0.0001);
  });

  it('refuses a staged import into a hidden timeframe at its commit, and a purge leaves no chunk data behind', async () => {
    const app = await openApp(300);
    const store = app.storage.barStore;
    const staged = store.stageSeries('ALPHA', '1m');
    staged.add(randomWalkBars(100, START + MINUTES * 60_000, 5));
    const deletion = await call(app, 'data/delete', { symbol: 'ALPHA', timeframe: '1m' });
    expect(() => staged.commit({ symbol: 'ALPHA', venue: 'TEST', priceTick: 0.0001, quantityStep: 0.001, quoteCurrency: 'USD', timeZone: 'UTC' })).toThrow(
      /ALPHA 1m was deleted moments ago/,
    );
    staged.discard();
    await until(() => chunksOf(app, 'ALPHA', '1m') === 0, 'the purge');
    expect(store.listDeletions().map((d) => d.id)).not.toContain(deletion.deletionId);
    // Every chunk's data belongs to a stored chunk: neither the purge nor the refused import left any.
    const db = app.storage.writer;
    const data = (db.prepare('SELECT count(*) AS n FROM bar_chunk_data').get() as { n: number }).n;
    const chunks = (db.prepare('SELECT count(*) AS n FROM bar_chunks').get() as { n: number }).n;
    expect(data).toBe(chunks);
    expect(await listed(app)).toEqual([`ALPHA 1h ${HOURS}`, `BETA 1m ${MINUTES}`]);
  });

  it('an app killed within the undo window loses nothing: the delete is undone at its next open', async () => {
    const killed = await openApp(60_000);
    await call(killed, 'data/delete', { symbol: 'ALPHA' });
    expect(await listed(killed)).toEqual([`BETA 1m ${MINUTES}`]);
    // The app dies: no close(), and its window (60 s) does not end during the test (a real
    // SIGKILL: e2e/specs/data-delete.spec.ts). Its close in afterEach finds nothing left to make final.

    // A CLI command beside it leaves the app's undoable delete alone.
    const cli = await openApp(60_000, { recoverDeletions: false });
    expect(await listed(cli)).toEqual([`BETA 1m ${MINUTES}`]);
    await cli.close();

    const next = await openApp(60_000);
    expect(await listed(next)).toEqual([`ALPHA 1m ${MINUTES}`, `ALPHA 1h ${HOURS}`, `BETA 1m ${MINUTES}`]);
    expect(next.storage.barStore.listDeletions()).toEqual([]);
  });

  it('finishes a final delete an app left half-purged, the series hidden all along; a clean close makes an open window final', async () => {
    const first = await openApp(60_000);
    const deletion: SeriesDeletion = first.deletions.delete('ALPHA', '1m', { final: true });
    // One slice of one chunk, then the app goes: 3 of 4 chunks left, none of them readable.
    expect(first.storage.barStore.purgeDeletion(deletion.deletionId, 1)).toBe(3);
    expect(await listed(first)).toEqual([`ALPHA 1h ${HOURS}`, `BETA 1m ${MINUTES}`]);
    await call(first, 'data/delete', { symbol: 'BETA' });
    await first.close();
    open.length = 0;

    const next = await openApp(60_000);
    await until(() => next.storage.barStore.listDeletions().length === 0, 'the purges');
    expect(chunksOf(next, 'ALPHA', '1m')).toBe(0);
    expect(await listed(next)).toEqual([`ALPHA 1h ${HOURS}`]);
  });
});
