// A long import in `bws serve` while the page keeps writing (strategy saves, drafts): every
// other write goes through at its normal latency, never "database is locked"; readers see
// none of the import until its commit; a kill -9 in the middle leaves the store as it was
// before the import, with every write made meanwhile kept.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomWalkCsv } from '../../core/infrastructure/test-kit/random-walk-csv.js';
import { openWorkstation } from '../../core/infrastructure/workstation.js';
import { barsChecksum, ensureRendererBuilt, integrityCheck, invokeOverHttp, killHard, startServe, tempDir } from './reliability-kit.js';

const ROWS = 1_500_000;
const silent = { error: () => {}, warn: () => {} };

interface Answer {
  ok: boolean;
  value?: unknown;
  error?: { type: string; message: string };
}

describe('a long import while other writes run', () => {
  let dir: string;
  let files: string;
  let csv: string;

  beforeAll(() => {
    ensureRendererBuilt();
    dir = tempDir('import-load');
    files = path.join(dir, 'files');
    fs.mkdirSync(files);
    csv = path.join(files, 'long.csv');
    writeRandomWalkCsv(csv, { rows: ROWS, seed: 21, startTs: Date.UTC(2021, 0, 1) });
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers every write at once while it runs, and a kill -9 mid-import leaves the store as before with those writes kept', async () => {
    const dataDir = path.join(dir, 'data');
    const serve = await startServe(dataDir, ['--no-demo', '--files', files]);
    const auth = { Authorization: `Bearer ${serve.token}` };
    const call = async (name: string, args: unknown): Promise<Answer> => (await invokeOverHttp(serve, name, args, auth)).body as Answer;
    const dbFile = path.join(dataDir, 'workstation.sqlite');
    const created: string[] = [];
    const latencies: number[] = [];
    let before: Record<string, string>;
    try {
      // Something stored before: the import must leave it exactly so.
      const small = path.join(files, 'small.csv');
      writeRandomWalkCsv(small, { rows: 5_000, seed: 2, startTs: Date.UTC(2020, 0, 1) });
      const seeded = await call('data/import', { path: small, symbol: 'SMALL' });
      expect(seeded.ok, JSON.stringify(seeded)).toBe(true);
      for (let i = 0; ; i++) {
        const list = (await call('jobs/list', undefined)).value as { status: string }[];
        if (list.every((j) => j.status === 'done')) break;
        expect(i).toBeLessThan(300);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      before = barsChecksum(dbFile);

      const started = await call('data/import', { path: csv, symbol: 'LONG' });
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const jobId = (started.value as { jobId: string }).jobId;
      // Writes from the page while the import runs, until it is well under way.
      for (let i = 0; ; i++) {
        const t0 = performance.now();
        const answer = await call('strategies/create', { name: `during import ${i}` });
        latencies.push(performance.now() - t0);
        expect(answer, `write ${i} during the import`).toMatchObject({ ok: true });
        const id = (answer.value as { id: string }).id;
        created.push(id);
        expect(await call('strategies/saveDraft', { id, draft: { step: i } })).toMatchObject({ ok: true });
        // Readers see nothing of the import before its commit.
        const series = (await call('data/listSeries', undefined)).value as { instrument: { symbol: string } }[];
        expect(series.map((s) => s.instrument.symbol)).toEqual(['SMALL']);
        const job = ((await call('jobs/list', undefined)).value as { id: string; status: string; progress: { done: number; total: number } }[]).find((j) => j.id === jobId)!;
        expect(job.status, 'the import ended before it could be killed').toBe('running');
        if (job.progress.total > 0 && job.progress.done / job.progress.total > 0.4 && i >= 10) break;
        expect(i).toBeLessThan(5_000);
      }
    } finally {
      await killHard(serve.child);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    console.log(`${latencies.length} strategy saves during a ${ROWS.toLocaleString('en-US')}-row import: p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
    // Normal latency: a save is a few ms; one slice of the import (~ms) may be in the way.
    expect(p(0.95)).toBeLessThan(250);

    expect(integrityCheck(dbFile)).toBe('ok');
    const workstation = await openWorkstation({ dataDir, transport: 'cli', seedDemo: false, workers: 1, logger: silent });
    try {
      // The import staged chunks and died: they are dropped, the bars are as before.
      expect(barsChecksum(dbFile)).toEqual(before!);
      expect(workstation.storage.writer.prepare('SELECT count(*) FROM bar_imports').pluck().get()).toBe(0);
      expect(workstation.storage.writer.prepare('SELECT count(*) FROM bar_chunk_data').pluck().get()).toBe(
        workstation.storage.writer.prepare('SELECT count(*) FROM bar_chunks').pluck().get(),
      );
      expect(workstation.storage.barStore.listSeries().map((s) => s.instrument.symbol)).toEqual(['SMALL']);
      // Every write made meanwhile is there.
      for (const id of created) {
        const draft = await workstation.dispatcher.invoke('strategies/getDraft', { id });
        expect(draft, id).toMatchObject({ ok: true });
      }
      const import_ = workstation.jobs.list().find((j) => j.title.includes('LONG'));
      expect(import_?.status).toBe('interrupted');
    } finally {
      await workstation.close();
    }
  }, 240_000);
});
