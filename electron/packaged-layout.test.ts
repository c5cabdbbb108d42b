// The packaged desktop app's layout, built the way electron-builder.yml describes it
// (files, asar, asarUnpack) and resolved by the same code paths the packaged app uses:
// the renderer and preload inside app.asar, the workers in app.asar.unpacked beside the
// native SQLite addon, and a backtest run by a worker started from there. What needs a
// real electron-builder run (its own file copying, signing, installers) is listed in
// docs/DESKTOP.md.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPackageWithOptions, extractFile, listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { smaCrossSpec } from '../core/domain/test-kit/specs.js';
import { tempDir } from '../core/infrastructure/test-kit/temp-db.js';
import { seedStore } from '../core/infrastructure/test-kit/bar-fixture.js';
import { WorkerBacktestExecutor } from '../core/infrastructure/workers/worker-backtest-executor.js';
import { runDownloadInWorker } from '../core/infrastructure/exchanges/download-runner.js';
import { FakeExchangeServer } from '../core/infrastructure/test-kit/fake-exchange-server.js';
import { openStorage } from '../core/infrastructure/sqlite/storage.js';
import { workerScriptPath } from '../core/infrastructure/workers/worker-script.js';

const root = path.resolve(fileURLToPath(import.meta.url), '../..');
const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { files: string[]; asar: boolean; asarUnpack: string[]; npmRebuild: boolean };
const work = tempDir('bws-packaged-');
const resources = path.join(work.dir, 'resources');
const asarFile = path.join(resources, 'app.asar');
const unpacked = `${asarFile}.unpacked`;
const WORKERS = ['backtest-worker', 'sweep-worker', 'import-worker'];
/** The download worker bundles the exchange library (its text is full of quoted words the import scan below would misread): it is run instead. */
const ALL_WORKERS = [...WORKERS, 'download-worker'];

/** The repository files electron-builder's `files` patterns select ('!' patterns exclude). */
function selectedFiles(): string[] {
  const include = config.files.filter((p) => !p.startsWith('!'));
  const exclude = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return include
    .flatMap((pattern) => fs.globSync(pattern, { cwd: root }))
    .filter((file) => fs.statSync(path.join(root, file)).isFile())
    .filter((file) => !exclude.some((pattern) => path.matchesGlob(file, pattern)));
}

beforeAll(async () => {
  const stage = path.join(work.dir, 'stage');
  for (const file of selectedFiles()) fs.cpSync(path.join(root, file), path.join(stage, file));
  // electron-builder adds the production dependencies; the workers need only this one.
  fs.cpSync(path.join(root, 'node_modules/better-sqlite3'), path.join(stage, 'node_modules/better-sqlite3'), {
    recursive: true,
    filter: (source) => !/[\\/](src|deps)([\\/]|$)/.test(path.relative(path.join(root, 'node_modules/better-sqlite3'), source)),
  });
  const unpackDirs = config.asarUnpack.map((glob) => glob.replace(/\/\*\*$/, ''));
  await createPackageWithOptions(stage, asarFile, { unpackDir: `{${unpackDirs.join(',')}}` });
});
afterAll(() => work.cleanup());

describe('packaged desktop layout (electron-builder.yml)', () => {
  it('packs into an asar, rebuilds nothing, and unpacks whole folders (each asarUnpack entry is DIR/**)', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    for (const glob of config.asarUnpack) expect(glob).toMatch(/^[\w./-]+\/\*\*$/);
  });

  it('holds the main bundle, the preload and the renderer with every asset index.html loads', () => {
    const listed = new Set(listPackage(asarFile, { isPack: false }).map((entry) => entry.split(path.sep).join('/')));
    for (const file of ['/package.json', '/dist/electron/index.js', '/dist/electron/preload.cjs', '/dist/renderer/index.html']) expect(listed).toContain(file);
    const html = extractFile(asarFile, 'dist/renderer/index.html').toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => `/dist/renderer/${m[1]}`);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(listed).toContain(asset);
    expect([...listed].some((file) => file.endsWith('.map') || file.startsWith('/dist/bench/') || file === '/dist/cli.js')).toBe(false);
  });

  it('resolves each worker from the main bundle inside app.asar to a real file in app.asar.unpacked', () => {
    const mainBundle = pathToFileURL(path.join(asarFile, 'dist/electron/index.js')).href;
    for (const name of ALL_WORKERS) {
      const script = workerScriptPath(name, mainBundle, () => false);
      expect(script).toBe(path.join(unpacked, 'dist/workers', `${name}.js`));
      expect(fs.statSync(script).isFile()).toBe(true);
    }
    expect(fs.existsSync(path.join(unpacked, 'node_modules/better-sqlite3/prebuilds', `${process.platform}-${process.arch}.node`))).toBe(true);
  });

  it('unpacked workers import nothing but Node built-ins and the SQLite addon', () => {
    for (const name of WORKERS) {
      const code = fs.readFileSync(path.join(unpacked, 'dist/workers', `${name}.js`), 'utf8');
      const bare = [...code.matchAll(/(?:from\s+|import\(\s*)["']([^"'./][^"']*)["']/g)].map((m) => m[1]!);
      // fflate (the import worker's zip reader) names a built-in without the node: prefix ('module').
      expect(bare.filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier) && specifier !== 'better-sqlite3')).toEqual([]);
    }
  });

  it('runs a backtest in a worker started from app.asar.unpacked, same result as the repository build', async () => {
    const data = tempDir('bws-packaged-db-');
    const { storage, instrument } = seedStore(data.dir, 5_000);
    const request = { instrument, timeframe: '1m' as const, spec: smaCrossSpec(10, 30) };
    const packaged = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1, script: path.join(unpacked, 'dist/workers/backtest-worker.js') });
    const repository = new WorkerBacktestExecutor({ dbFile: storage.file, size: 1 });
    try {
      const fromPackage = await packaged.submit(request).result;
      const fromRepository = await repository.submit(request).result;
      expect(fromPackage.result.metrics.tradeCount).toBeGreaterThan(0);
      expect(fromPackage.hash).toBe(fromRepository.hash);
    } finally {
      await packaged.close();
      await repository.close();
      storage.close();
      data.cleanup();
    }
  });

  it('downloads in a worker started from app.asar.unpacked (the exchange library and its chunks unpacked with it)', async () => {
    const exchange = new FakeExchangeServer();
    const data = tempDir('bws-packaged-download-');
    try {
      const origin = await exchange.start();
      const dbFile = path.join(data.dir, 'workstation.sqlite');
      openStorage({ file: dbFile }).close();
      const fromTs = Date.UTC(2024, 0, 1);
      const report = await runDownloadInWorker(
        dbFile,
        { exchange: 'binance', market: 'BTC/USDT', timeframe: '1h', fromTs, toTs: fromTs + 30 * 86_400_000 },
        { connection: { apiOrigin: origin, rateLimitMs: 1 }, workerScript: path.join(unpacked, 'dist/workers/download-worker.js') },
      );
      expect(report.barsWritten.inserted).toBe(30 * 24);
    } finally {
      await exchange.stop();
      data.cleanup();
    }
  });
});
