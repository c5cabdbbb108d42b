// Corrupt or foreign database file at workstation.sqlite: `bws data list` and `bws serve`
// fail fast with what, where and the way out, exit non-zero and leave the file as it is;
// `bws db check` says what is wrong; `bws db set-aside` keeps the file under another
// name so the next start creates a fresh store.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomWalkBars } from '../../core/infrastructure/test-kit/bar-fixture.js';
import { openStorage } from '../../core/infrastructure/sqlite/storage.js';
import { bws, ensureRendererBuilt, fileHash, tempDir } from './reliability-kit.js';

let root: string;
let realStore: string;

beforeAll(() => {
  ensureRendererBuilt();
  root = tempDir('corrupt-db');
  // A real store with some 200k bars, closed cleanly, to truncate copies of.
  realStore = path.join(root, 'real.sqlite');
  const storage = openStorage({ file: realStore });
  const instrument = storage.barStore.upsertInstrument({ symbol: 'REAL', venue: 'X', priceTick: 0.01, quantityStep: 1, quoteCurrency: 'USD', timeZone: 'UTC' });
  storage.barStore.mergeBars(instrument.id, '1m', randomWalkBars(200_000, Date.UTC(2024, 0, 1)));
  storage.close();
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const BAD_FILES: readonly { name: string; verdict: string; write: (file: string) => void }[] = [
  { name: 'a text file', verdict: 'not-sqlite', write: (file) => fs.writeFileSync(file, 'These are my notes, not a database.\n'.repeat(50)) },
  { name: 'random bytes', verdict: 'not-sqlite', write: (file) => fs.writeFileSync(file, randomBytes(64 * 1024)) },
  {
    name: 'random bytes behind a SQLite header',
    verdict: 'corrupt',
    write: (file) => fs.writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\u0000', 'latin1'), randomBytes(64 * 1024)])),
  },
  {
    name: "another app's SQLite database",
    verdict: 'foreign',
    write: (file) => {
      const db = new Database(file);
      db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')");
      db.close();
    },
  },
  {
    name: 'a truncated copy of a real store',
    verdict: 'corrupt',
    write: (file) => {
      const bytes = fs.readFileSync(realStore);
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
  },
];

describe.each(BAD_FILES)('workstation.sqlite is $name', ({ name, verdict, write }) => {
  let dataDir: string;
  let file: string;
  let hash: string;

  beforeAll(() => {
    dataDir = path.join(root, name.replace(/\W+/g, '-'));
    fs.mkdirSync(dataDir);
    file = path.join(dataDir, 'workstation.sqlite');
    write(file);
    hash = fileHash(file);
  });

  const expectRefused = (outcome: Awaited<ReturnType<typeof bws>>) => {
    expect(outcome.signal, outcome.stderr).toBeNull(); // exited on its own: no hang, no crash loop
    expect(outcome.code).toBe(1);
    expect(outcome.ms).toBeLessThan(10_000);
    expect(outcome.stderr).toContain(file); // where
    expect(outcome.stderr).toMatch(/StorageError: .*(not a SQLite database|malformed|not a database|another application)/); // what
    expect(outcome.stderr).toContain('bws db check');
    expect(outcome.stderr).toContain('bws db set-aside'); // the way out
    expect(outcome.stderr).not.toMatch(/\n\s+at /); // no stack
    expect(fileHash(file)).toBe(hash);
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('workstation.sqlite'))).toEqual(['workstation.sqlite']);
  };

  it('bws data list fails fast with the way out and leaves the file untouched', async () => {
    expectRefused(await bws(['data', 'list', '--data-dir', dataDir]));
  });

  it('bws serve fails fast with the way out, twice in a row, and leaves the file untouched', async () => {
    for (let i = 0; i < 2; i++) expectRefused(await bws(['serve', '--port', '0', '--data-dir', dataDir], { timeoutMs: 20_000 }));
  });

  it('bws db check reports the problem (JSON) without changing the file', async () => {
    const outcome = await bws(['db', 'check', '--json', '--data-dir', dataDir]);
    expect(outcome.code).toBe(1);
    const check = JSON.parse(outcome.stdout) as { file: string; verdict: string; ok: boolean; message: string };
    expect(check).toMatchObject({ file, verdict, ok: false });
    expect(fileHash(file)).toBe(hash);
  });

  it('bws db set-aside keeps the file under another name; the next start creates a fresh store', async () => {
    const outcome = await bws(['db', 'set-aside', '--json', '--data-dir', dataDir]);
    expect(outcome.code, outcome.stderr).toBe(0);
    const report = JSON.parse(outcome.stdout) as { movedTo: string[] };
    expect(path.basename(report.movedTo[0]!)).toMatch(/^workstation\.sqlite\.broken-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(fileHash(report.movedTo[0]!)).toBe(hash);
    expect(fs.existsSync(file)).toBe(false);

    const list = await bws(['data', 'list', '--json', '--data-dir', dataDir]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({ series: [] });
    expect((await bws(['db', 'check', '--data-dir', dataDir])).code).toBe(0);
    expect(fileHash(report.movedTo[0]!)).toBe(hash); // still kept
  });
});

describe('bws db on a sound store', () => {
  it('check says ok (exit 0); set-aside refuses without --force and keeps the store', async () => {
    const dataDir = path.join(root, 'sound');
    fs.mkdirSync(dataDir);
    fs.copyFileSync(realStore, path.join(dataDir, 'workstation.sqlite'));
    const check = await bws(['db', 'check', '--json', '--data-dir', dataDir]);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ verdict: 'ok', ok: true, integrity: ['ok'], schemaVersion: expect.any(Number) });
    const refused = await bws(['db', 'set-aside', '--data-dir', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(fs.existsSync(path.join(dataDir, 'workstation.sqlite'))).toBe(true);
  });
});
