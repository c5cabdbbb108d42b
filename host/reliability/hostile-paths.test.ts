// Paths a caller should not reach, through the real CLI and `bws serve`: an export over the
// store or its WAL is refused and the store stays byte for byte; in web mode only uploads
// and the folders named with --files are reached, and a file outside them is refused
// without a word of its content; a FIFO nobody writes to is refused at once, leaves no job
// running, and the server still stops on SIGTERM.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomWalkCsv } from '../../core/infrastructure/test-kit/random-walk-csv.js';
import { barsChecksum, bws, ensureRendererBuilt, fileHash, invokeOverHttp, killHard, startServe, tempDir, type ServeProcess } from './reliability-kit.js';

describe('hostile paths', () => {
  let dir: string;
  let dataDir: string;
  let files: string;
  let outside: string;
  let dbFile: string;

  beforeAll(async () => {
    ensureRendererBuilt();
    dir = tempDir('paths');
    dataDir = path.join(dir, 'data');
    files = path.join(dir, 'files');
    outside = path.join(dir, 'outside');
    fs.mkdirSync(files);
    fs.mkdirSync(outside);
    dbFile = path.join(dataDir, 'workstation.sqlite');
    const csv = path.join(files, 'bars.csv');
    writeRandomWalkCsv(csv, { rows: 2_000, seed: 4, startTs: Date.UTC(2024, 0, 1) });
    const seeded = await bws(['data', 'import', csv, '--symbol', 'BARS', '--data-dir', dataDir]);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the CLI refuses an export over the store or its WAL, and the store is untouched', async () => {
    const before = fileHash(dbFile);
    for (const target of [dbFile, `${dbFile}-wal`, path.join(dataDir, '..', 'data', 'workstation.sqlite-shm')]) {
      const outcome = await bws(['data', 'export', '--symbol', 'BARS', '--overwrite', target, '--data-dir', dataDir]);
      expect(outcome.code, target).toBe(1);
      expect(outcome.stderr).toMatch(/ValidationError: .* is the workstation's own database file .*an export never replaces it/);
    }
    // An import naming the store among several files is refused too, before anything is read.
    const imported = await bws(['data', 'import', path.join(files, 'bars.csv'), dbFile, '--symbol', 'BARS', '--data-dir', dataDir]);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/ValidationError: .*workstation\.sqlite is the workstation's own database file .*not a CSV of bars; nothing was read/);
    expect(fileHash(dbFile)).toBe(before);
    const check = await bws(['db', 'check', '--json', '--data-dir', dataDir]);
    expect(check.code, check.stdout).toBe(0);
    const list = await bws(['data', 'list', '--json', '--data-dir', dataDir]);
    expect((JSON.parse(list.stdout) as { series: { barCount: number }[] }).series[0]!.barCount).toBe(2_000);
  }, 60_000);

  describe('in web mode', () => {
    let serve: ServeProcess;
    const auth = () => ({ Authorization: `Bearer ${serve.token}` });
    const call = async (name: string, args: unknown) => (await invokeOverHttp(serve, name, args, auth())).body;

    beforeAll(async () => {
      serve = await startServe(dataDir, ['--no-demo', '--files', files]);
    }, 60_000);

    afterAll(async () => killHard(serve.child));

    it('reads only the named folder and uploads, and quotes nothing of a file outside them', async () => {
      const secret = path.join(outside, 'secret.csv');
      fs.writeFileSync(secret, 'root:$6$s3cr3t-hash:19000:0:99999:7:::\n');
      for (const target of [secret, '/etc/passwd', path.join(files, '..', 'outside', 'secret.csv')]) {
        const answer = await call('data/import', { path: target, symbol: 'LEAK' });
        expect(answer, target).toMatchObject({ ok: false, error: { type: 'ValidationError', message: expect.stringContaining('cannot be read: in web mode only') } });
        expect(JSON.stringify(answer)).not.toMatch(/s3cr3t|root:/);
      }
      // Several files in one import: each is judged, and one outside refuses them all before a job starts.
      const jobsBefore = ((await call('jobs/list', undefined)) as { value: unknown[] }).value.length;
      const several = await call('data/import', { files: [{ path: path.join(files, 'bars.csv') }, { path: secret }], symbol: 'LEAK' });
      expect(several).toMatchObject({ ok: false, error: { type: 'ValidationError', message: expect.stringContaining(`${secret} cannot be read: in web mode only`) } });
      expect(JSON.stringify(several)).not.toMatch(/s3cr3t|root:/);
      expect(((await call('jobs/list', undefined)) as { value: unknown[] }).value.length).toBe(jobsBefore);
      // A link inside the named folder to a file outside it is judged by where it leads.
      fs.symlinkSync(secret, path.join(files, 'innocent.csv'));
      expect(await call('data/import', { path: path.join(files, 'innocent.csv'), symbol: 'LEAK' })).toMatchObject({ ok: false, error: { type: 'ValidationError' } });
      // A non-CSV file inside the named folder: refused, but its text is not quoted.
      fs.writeFileSync(path.join(files, 'notes.txt'), 'my private notes, not bars\n');
      const started = (await call('data/import', { path: path.join(files, 'notes.txt'), symbol: 'NOTES' })) as { ok: boolean; value: { jobId: string } };
      expect(started.ok).toBe(true);
      let job: { status: string; error?: { message: string } } | undefined;
      for (let i = 0; i < 200 && !(job && job.status !== 'running' && job.status !== 'queued'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = ((await call('jobs/list', undefined)) as { value: { id: string; status: string; error?: { message: string } }[] }).value.find((j) => j.id === started.value.jobId);
      }
      expect(job?.status).toBe('failed');
      expect(job?.error?.message).toMatch(/line 1/);
      expect(job?.error?.message).not.toContain('private');
    }, 60_000);

    it('writes only into the named folder: not over the store, not into a home folder', async () => {
      // The server's checkpoint worker may copy its WAL into the file meanwhile: the bytes
      // may move, the store's content may not.
      const before = barsChecksum(dbFile);
      for (const target of [dbFile, `${dbFile}-wal`, path.join(outside, 'x.csv'), '~/.bashrc']) {
        const answer = await call('data/export', { symbol: 'BARS', timeframe: '1m', path: target, overwrite: true });
        expect(answer, target).toMatchObject({ ok: false, error: { type: 'ValidationError' } });
      }
      expect(fs.existsSync(path.join(outside, 'x.csv'))).toBe(false);
      expect(fs.readFileSync(dbFile).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
      expect(barsChecksum(dbFile)).toEqual(before);
      expect(await call('data/export', { symbol: 'BARS', timeframe: '1m', path: 'out.csv' })).toMatchObject({ ok: true, value: { path: path.join(fs.realpathSync(files), 'out.csv'), rows: 2_000 } });
    }, 60_000);

    it('refuses a FIFO nobody writes to at once, leaves no job running, and still stops on SIGTERM', async () => {
      const fifo = path.join(files, 'pipe.csv');
      execFileSync('mkfifo', [fifo]);
      const t0 = performance.now();
      const answer = await call('data/import', { path: fifo, symbol: 'PIPE' });
      expect(performance.now() - t0).toBeLessThan(1_000);
      expect(answer).toMatchObject({ ok: false, error: { type: 'ValidationError', message: `${fifo} is a named pipe (FIFO), not a file: only regular files can be imported; nothing was read` } });
      const jobs = ((await call('jobs/list', undefined)) as { value: { status: string }[] }).value;
      expect(jobs.filter((j) => j.status === 'running' || j.status === 'queued')).toEqual([]);
      const gone = new Promise((resolve) => serve.child.once('exit', resolve));
      const stopAt = performance.now();
      serve.child.kill('SIGTERM');
      await gone;
      expect(performance.now() - stopAt).toBeLessThan(5_000);
    }, 60_000);
  });
});
