import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentId } from '../../domain/market/ids.js';
import { objective } from '../../domain/optimize/objective.js';
import { openStorage, type Storage } from '../sqlite/storage.js';
import { SqliteSweepStore } from './sqlite-sweep-store.js';

let dir: string;
let storage: Storage;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bws-sweeps-'));
  storage = openStorage({ file: path.join(dir, 'test.sqlite') });
});
afterEach(() => {
  storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const config = {
  source: { kind: 'template' as const, templateId: 'sma-cross' },
  space: [{ name: 'fast', values: [5, 10] }],
  constraints: [],
  method: { kind: 'grid' as const },
  objective: objective('sharpe', 'maximize', 0),
};
const newSweep = { name: 's', config, instrumentId: instrumentId(1), symbol: 'X', timeframe: '1m' as const, fromTs: null, toTs: null, magnifier: true, quantityStep: null };

describe('SqliteSweepStore.interruptRunning', () => {
  it('marks the sweeps a dead process left running interrupted, keeping their variants; another live process\'s run on', () => {
    let t = 1_000;
    const sweeps = new SqliteSweepStore(storage.writer, () => storage.writer, () => t++);
    const mine = sweeps.create(newSweep);
    sweeps.addVariants(mine.id, [{ index: 0, generation: 0, params: { fast: 5 }, metrics: null, error: 'x', score: null, eligible: false, runId: null }], {
      planned: 2,
      done: 1,
      failed: 1,
      rejected: 0,
      invalid: 0,
    });
    const live = sweeps.create(newSweep);
    const dead = sweeps.create(newSweep);
    const done = sweeps.create(newSweep);
    sweeps.finish(done.id, 'completed', done.counts);
    storage.writer.prepare('UPDATE sweeps SET owner_pid = ? WHERE id = ?').run(process.ppid, live.id);
    storage.writer.prepare('UPDATE sweeps SET owner_pid = ? WHERE id = ?').run(2 ** 31 - 7, dead.id);
    // `mine` is owned by this pid: as seen by a process that just started, a dead one's.
    expect(sweeps.interruptRunning(5_000)).toBe(2);
    expect(sweeps.get(mine.id)).toMatchObject({ status: 'interrupted', finishedAt: 5_000, error: 'The app stopped while this sweep was running; the 1 variant it finished is kept' });
    expect(sweeps.variants(mine.id).total).toBe(1);
    expect(sweeps.get(dead.id)?.status).toBe('interrupted');
    expect(sweeps.get(live.id)?.status).toBe('running');
    expect(sweeps.get(done.id)?.status).toBe('completed');
    expect(sweeps.interruptRunning(6_000)).toBe(0);
  });
});
