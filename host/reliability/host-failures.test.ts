// Failures of the machine under the app, and requests it cannot serve, answered with a typed
// error that says what happened, never InternalError: a full disk, an export into /proc, an
// option it does not support, a read-only data folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkstation, type Workstation } from '../../core/infrastructure/workstation.js';
import { bws, tempDir } from './reliability-kit.js';

const silent = { error: () => {}, warn: () => {} };

describe('host failures through the dispatcher', () => {
  let dir: string;
  let workstation: Workstation;

  beforeAll(async () => {
    dir = tempDir('host-failures');
    workstation = await openWorkstation({ dataDir: path.join(dir, 'data'), transport: 'cli', seedDemo: false, workers: 1, logger: silent });
  }, 60_000);

  afterAll(async () => {
    await workstation.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a full disk is a StorageError saying so, and the next call after space is freed works', async () => {
    const writer = workstation.storage.writer;
    const pages = writer.pragma('page_count', { simple: true }) as number;
    // SQLite's own way of running out of room: no page may be added to the file.
    writer.pragma(`max_page_count = ${pages}`);
    try {
      const big = { name: 'x'.repeat(150), tags: Array.from({ length: 20 }, (_, i) => `tag-${i}-${'y'.repeat(30)}`) };
      let answer;
      for (let i = 0; i < 200; i++) {
        answer = await workstation.dispatcher.invoke('strategies/create', { ...big, name: `${i} ${big.name}` });
        if (!answer.ok) break;
      }
      expect(answer).toMatchObject({
        ok: false,
        error: { type: 'StorageError', message: "The disk holding the workstation's data is full; nothing was saved. Free some space and try again.", details: { reason: 'disk-full' } },
      });
    } finally {
      writer.pragma('max_page_count = 4294967294');
    }
    expect(await workstation.dispatcher.invoke('strategies/create', { name: 'after' })).toMatchObject({ ok: true });
  });

  it('an export into /proc or over the store is a ValidationError naming the path', async () => {
    await workstation.dispatcher.invoke('system/info', undefined);
    const csv = path.join(dir, 'bars.csv');
    fs.writeFileSync(csv, 'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,1\n2024-01-01T00:01:00Z,1,2,0.5,1.5,1\n');
    const started = await workstation.dispatcher.invoke('data/import', { path: csv, symbol: 'X' });
    expect(started.ok).toBe(true);
    await workstation.jobs.whenFinished((started as { value: { jobId: string } }).value.jobId);
    expect(await workstation.dispatcher.invoke('data/export', { symbol: 'X', timeframe: '1m', path: '/proc/self/bars.csv' })).toMatchObject({
      ok: false,
      error: { type: 'ValidationError', message: '/proc/self/bars.csv is in a system folder (/proc/' + process.pid + '); choose a folder of your own. Nothing was written' },
    });
    const store = workstation.storage.file;
    const before = fs.readFileSync(store);
    for (const target of [store, `${store}-wal`]) {
      expect(await workstation.dispatcher.invoke('data/export', { symbol: 'X', timeframe: '1m', path: target, overwrite: true })).toMatchObject({
        ok: false,
        error: { type: 'ValidationError', message: expect.stringContaining("is the workstation's own database file") },
      });
    }
    expect(fs.readFileSync(store).equals(before)).toBe(true);
  });

  it('refuses timeZone on import with what to do instead (it used to be accepted and ignored)', async () => {
    expect(await workstation.dispatcher.invoke('data/import', { path: path.join(dir, 'bars.csv'), symbol: 'TZ', timeZone: 'America/New_York' })).toMatchObject({
      ok: false,
      error: { type: 'ValidationError', message: expect.stringContaining('timeZone is not supported: timestamps without a zone are read as UTC') },
    });
    expect(workstation.jobs.list().filter((j) => j.title.includes('TZ'))).toEqual([]);
  });
});

/** Makes `dir` read-only for this process: a read-only bind mount as root, chmod otherwise. Null when neither works. */
function makeReadOnly(source: string, dir: string): (() => void) | null {
  fs.mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) {
    fs.cpSync(source, dir, { recursive: true });
    fs.chmodSync(dir, 0o555);
    return () => fs.chmodSync(dir, 0o755);
  }
  try {
    execFileSync('mount', ['--bind', '-o', 'ro', source, dir], { stdio: 'ignore' });
    return () => execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
}

describe('a read-only data folder', () => {
  const dir = tempDir('read-only');
  const writable = path.join(dir, 'writable');
  const readOnly = path.join(dir, 'read-only');
  let undo: (() => void) | null = null;

  beforeAll(async () => {
    const seeded = await bws(['demo', '--data-dir', writable]);
    expect(seeded.code, seeded.stderr).toBe(0);
    undo = makeReadOnly(writable, readOnly);
  }, 60_000);

  afterAll(() => {
    undo?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is said to be read-only, with what to do, and no advice to set a sound store aside', async (context) => {
    // A container without mount rights, running as root: no way to make a folder read-only.
    if (!undo) context.skip();
    const before = fs.readFileSync(path.join(readOnly, 'workstation.sqlite'));
    const outcome = await bws(['data', 'list', '--data-dir', readOnly]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`bws: StorageError: The data folder ${readOnly} is read-only`);
    expect(outcome.stderr).toContain('start the app with another --data-dir');
    expect(outcome.stderr).not.toMatch(/set-aside|db check/);
    expect(fs.readFileSync(path.join(readOnly, 'workstation.sqlite')).equals(before)).toBe(true);
    const below = await bws(['data', 'list', '--data-dir', path.join(readOnly, 'sub')]);
    expect(below.code).toBe(1);
    expect(below.stderr).toMatch(/bws: StorageError: Cannot create the data folder .*sub \(E[A-Z]+\): .*Choose another --data-dir\./);
  }, 60_000);
});
