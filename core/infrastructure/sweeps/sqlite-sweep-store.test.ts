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
const newSweep = { name: 's', config, instrumentId: instrumentId(1), symbol: 'X', timeframe: '1m' as const, fromTs: null, toTs: null, magnifier: true, quantityStep: null, runsOn: null };

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

  it('leaves a sweep on a cluster running for the next process with that cluster to claim', () => {
    const sweeps = new SqliteSweepStore(storage.writer, () => storage.writer, () => 1_000);
    const onCluster = sweeps.create({ ...newSweep, runsOn: 'redis://10.0.0.5:6379' });
    const local = sweeps.create(newSweep);
    for (const id of [onCluster.id, local.id]) storage.writer.prepare('UPDATE sweeps SET owner_pid = ? WHERE id = ?').run(2 ** 31 - 7, id);
    storage.writer.prepare('UPDATE sweep_clusters SET owner_pid = ? WHERE sweep_id = ?').run(2 ** 31 - 7, onCluster.id);
    expect(sweeps.interruptRunning(5_000)).toBe(1);
    expect(sweeps.get(local.id)?.status).toBe('interrupted');
    expect(sweeps.get(onCluster.id)?.status).toBe('running');
    // Claimed by this process, which then owns it in both tables.
    expect(sweeps.claimOrphanedClusterSweeps().map((s) => s.id)).toEqual([onCluster.id]);
    expect(storage.writer.prepare('SELECT owner_pid FROM sweeps WHERE id = ?').pluck().get(onCluster.id)).toBe(process.pid);
    // One a live process collects is neither claimed nor interrupted.
    storage.writer.prepare('UPDATE sweeps SET owner_pid = ? WHERE id = ?').run(process.ppid, onCluster.id);
    storage.writer.prepare('UPDATE sweep_clusters SET owner_pid = ? WHERE sweep_id = ?').run(process.ppid, onCluster.id);
    expect(sweeps.claimOrphanedClusterSweeps()).toEqual([]);
    expect(sweeps.interruptRunning(6_000)).toBe(0);
  });
});
