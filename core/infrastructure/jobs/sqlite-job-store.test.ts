import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus, type EventMessage } from '../../application/contract/events.js';
import { JobRegistry } from '../../application/jobs/job-registry.js';
import { CancelledError } from '../../application/errors.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { SqliteJobStore } from './sqlite-job-store.js';

describe('JobRegistry with SqliteJobStore', () => {
  let dir: string;
  let file: string;
  let storage: Storage;
  let now: number;
  let ids: number;
  const events: EventMessage[] = [];
  const errors: string[] = [];

  const registry = (store = new SqliteJobStore(storage.writer)) => {
    const bus = createEventBus();
    bus.onAny((e) => events.push(e));
    return new JobRegistry({
      store,
      events: bus,
      clock: () => now,
      newId: () => `job-${++ids}`,
      logger: { error: (message) => errors.push(message) },
    });
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-jobs-'));
    file = path.join(dir, 'test.sqlite');
    storage = openStorage({ file });
    now = 1_000;
    ids = 0;
    events.length = 0;
    errors.length = 0;
  });
  afterEach(() => {
    storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the jobs of one kind past the newest 200 of all kinds, live and stored', async () => {
    const jobs = registry();
    const quick = async (kind: 'backtest' | 'walkforward') => jobs.whenFinished(jobs.start({ kind, title: kind, run: async () => ({}) }).id);
    const walk = await quick('walkforward');
    for (let i = 0; i < 250; i++) {
      now += 1;
      await quick('backtest');
    }
    expect(jobs.list().map((j) => j.id)).not.toContain(walk.id);
    expect(jobs.list(undefined, 'walkforward').map((j) => j.id)).toEqual([walk.id]);
    expect(jobs.list(undefined, 'backtest')).toHaveLength(200);
    // From the file alone (the next start of the app).
    expect(registry().list(undefined, 'walkforward').map((j) => j.id)).toEqual([walk.id]);
  });

  it('runs a job, throttles progress to one event per 100 ms and persists the result', async () => {
    const jobs = registry();
    const job = jobs.start({
      kind: 'backtest',
      title: 'Backtest',
      run: async (context) => {
        for (let i = 1; i <= 50; i++) {
          now += 10; // 50 reports over 500 ms
          context.progress({ done: i, total: 50 });
        }
        return { runId: 'r1' };
      },
    });
    const finished = await jobs.whenFinished(job.id);
    expect(finished).toMatchObject({ status: 'done', result: { runId: 'r1' }, progress: { done: 50, total: 50 } });
    const progressEvents = events.filter((e) => e.name === 'job/progress');
    // One at start, then at most one per 100 ms of the 500 ms.
    expect(progressEvents.length).toBeGreaterThanOrEqual(5);
    expect(progressEvents.length).toBeLessThanOrEqual(6);
    expect(events.filter((e) => e.name === 'job/finished')).toHaveLength(1);
    expect(new SqliteJobStore(storage.writer).get(job.id)).toMatchObject({ status: 'done', result: { runId: 'r1' } });
  });

  it('publishes an interim outcome at once, even inside the progress throttle, and drops it when the job finishes', async () => {
    const jobs = registry();
    const job = jobs.start({
      kind: 'backtest',
      title: 'Backtest',
      run: async (context) => {
        context.progress({ done: 1, total: 2 });
        now += 1; // well inside the 100 ms progress throttle
        context.interim({ hash: 'h1' });
        return { runId: 'r1' };
      },
    });
    const finished = await jobs.whenFinished(job.id);
    const progress = events.filter((e) => e.name === 'job/progress').map((e) => e.payload.job);
    expect(progress.at(-1)).toMatchObject({ status: 'running', interim: { hash: 'h1' } });
    const done = events.find((e) => e.name === 'job/finished')!.payload.job;
    expect(done).toMatchObject({ status: 'done', result: { runId: 'r1' } });
    expect(done).not.toHaveProperty('interim');
    expect(finished).not.toHaveProperty('interim');
    expect(new SqliteJobStore(storage.writer).get(job.id)).not.toHaveProperty('interim');
  });

  it('cancels a running job through its context and queues imports one at a time', async () => {
    const jobs = registry();
    let sawCancel = false;
    const first = jobs.start({
      kind: 'import',
      title: 'Import A',
      run: (context) =>
        new Promise((_, reject) =>
          context.onCancel(() => {
            sawCancel = true;
            reject(new CancelledError());
          }),
        ),
    });
    const second = jobs.start({ kind: 'import', title: 'Import B', run: async () => 'ok' });
    expect(jobs.get(second.id)?.status).toBe('queued');
    jobs.cancel(first.id);
    expect(await jobs.whenFinished(first.id)).toMatchObject({ status: 'cancelled', error: { type: 'CancelledError' } });
    expect(sawCancel).toBe(true);
    expect(await jobs.whenFinished(second.id)).toMatchObject({ status: 'done', result: 'ok' });
    expect(() => jobs.cancel('nope')).toThrow(/No job/);
  });

  it('reports a failure as data and logs unexpected errors', async () => {
    const jobs = registry();
    const job = jobs.start({ kind: 'sweep', title: 'Sweep', run: async () => Promise.reject(new Error('disk on fire')) });
    const finished = await jobs.whenFinished(job.id);
    expect(finished.status).toBe('failed');
    expect(finished.error).toEqual({ type: 'InternalError', message: 'Internal error; see the log for details' });
    expect(errors.join()).toMatch(/failed unexpectedly/);
  });

  it('marks jobs a killed app left running as interrupted at the next start', async () => {
    const jobs = registry();
    const job = jobs.start({ kind: 'backtest', title: 'Never ends', run: () => new Promise(() => {}) });
    expect(jobs.get(job.id)?.status).toBe('running');
    storage.close(); // the app dies; the row still says running
    storage = openStorage({ file });
    const restarted = registry();
    expect(restarted.recoverInterrupted()).toBe(1);
    expect(restarted.list()).toMatchObject([{ id: job.id, status: 'interrupted', finishedAt: now, error: { message: 'The app stopped while this job was running' } }]);
    expect(restarted.recoverInterrupted()).toBe(0);
  });

  it('says what an interrupted import or download leaves: nothing of an import, the committed slices of a download', async () => {
    const jobs = registry();
    const imported = jobs.start({ kind: 'import', title: 'Import', run: () => new Promise(() => {}) });
    const downloaded = jobs.start({ kind: 'download', title: 'Download', run: () => new Promise(() => {}) });
    storage.close();
    storage = openStorage({ file });
    const restarted = registry();
    expect(restarted.recoverInterrupted()).toBe(2);
    expect(restarted.get(imported.id)).toMatchObject({
      status: 'interrupted',
      error: { type: 'InternalError', message: 'The app stopped while this import was running; nothing of it was stored. Import the file again' },
    });
    expect(restarted.get(downloaded.id)).toMatchObject({
      status: 'interrupted',
      error: { message: 'The app stopped while this download was running; the slices it had committed are kept. Download again to continue after the last stored bar' },
    });
  });

  it('leaves the running jobs of another live process alone, and keeps a checkpointed result when it interrupts one', async () => {
    const jobs = registry();
    let checkpoint!: (value: unknown) => void;
    const job = jobs.start({ kind: 'walkforward', title: 'Walk-forward', run: (context) => ((checkpoint = context.checkpoint), new Promise(() => {})) });
    checkpoint({ windows: [1, 2], windowsPlanned: 5 });
    // Rows of other owners: a live one (the test runner's parent), a dead one, an unknown one.
    const insert = storage.writer.prepare(
      `INSERT INTO jobs (id, kind, title, status, progress_json, created_at, started_at, finished_at, result_json, error_json, owner_pid)
       VALUES (?, 'backtest', ?, 'running', '{"done":0,"total":0}', 1, 1, NULL, NULL, NULL, ?)`,
    );
    insert.run('live-other', 'another app', process.ppid);
    insert.run('dead-other', 'a killed app', 2 ** 31 - 7);
    insert.run('unknown', 'written before owners were recorded', null);
    storage.close();
    storage = openStorage({ file });
    const restarted = registry();
    // Our own pid's rows count as left by a dead process: this one has only just started.
    expect(restarted.recoverInterrupted()).toBe(3);
    expect(restarted.get('live-other')?.status).toBe('running');
    expect(restarted.get('dead-other')?.status).toBe('interrupted');
    expect(restarted.get('unknown')?.status).toBe('interrupted');
    expect(restarted.get(job.id)).toMatchObject({ status: 'interrupted', result: { windows: [1, 2], windowsPlanned: 5 } });
  });
});
