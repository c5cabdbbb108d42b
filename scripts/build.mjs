// Builds the Node-side entry points (CLI, web server, workers, Electron main/preload,
// benchmarks) with esbuild into dist/, and the renderer with Vite into dist/renderer.
//   node scripts/build.mjs              everything
//   node scripts/build.mjs --node       Node entries only (what tests need)
//   node scripts/build.mjs --renderer   Node entries and the renderer
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const nodeOnly = args.has('--node');

const entries = (dir, out) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => /\.ts$/.test(f) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
        .map((f) => ({ in: join(root, dir, f), out: join(out, f.replace(/\.ts$/, '')) }))
    : [];

// The CLI is built on its own, split: `bws --help` loads only the command table, a command its own code.
const cliEntry = join(root, 'host/cli.ts');
const nodeEntries = [
  ...entries('host', '').filter((e) => e.in !== cliEntry),
  ...entries('bench', 'bench'),
  ...entries('electron/main', 'electron'),
].filter((e) => existsSync(e.in));
// The download worker bundles the exchange library (ccxt) and is built on its own (below).
const DOWNLOAD_WORKER = 'workers/download-worker';
const workerEntries = entries('workers', 'workers').filter((e) => existsSync(e.in) && e.out !== DOWNLOAD_WORKER);
const downloadWorker = entries('workers', 'workers').filter((e) => e.out === DOWNLOAD_WORKER);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

await build({ ...common, entryPoints: nodeEntries, outdir: join(root, 'dist'), format: 'esm' });
await build({ ...common, entryPoints: [{ in: cliEntry, out: 'cli' }], outdir: join(root, 'dist'), format: 'esm', splitting: true, chunkNames: 'cli-chunks/[name]-[hash]' });
// Workers carry their JavaScript dependencies inside their bundle: in the packaged app they
// run from app.asar.unpacked, beside only the native SQLite addon (electron-builder.yml).
await build({
  ...common,
  packages: undefined,
  external: ['better-sqlite3'],
  entryPoints: workerEntries,
  outdir: join(root, 'dist'),
  format: 'esm',
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __bwsCreateRequire } from 'node:module'; const require = __bwsCreateRequire(import.meta.url);" },
});

if (downloadWorker.length > 0) {
  // ccxt loads the protobuf code of two exchanges (MEXC streams, dYdX signing) with dynamic
  // imports of protobufjs, an optional peer it does not install: split those into chunks of
  // their own beside the worker (unpacked with it), loaded only if such an exchange asks.
  await build({
    ...common,
    packages: undefined,
    external: ['better-sqlite3', 'protobufjs', 'protobufjs/*'],
    entryPoints: downloadWorker,
    outdir: join(root, 'dist'),
    format: 'esm',
    splitting: true,
    chunkNames: 'workers/download-chunks/[name]-[hash]',
    banner: { js: "import { createRequire as __bwsCreateRequire } from 'node:module'; const require = __bwsCreateRequire(import.meta.url);" },
  });
}

const preload = join(root, 'electron/preload/index.ts');
if (existsSync(preload)) {
  // Sandboxed preload scripts must be CommonJS and may require only 'electron'.
  await build({ ...common, entryPoints: [preload], outfile: join(root, 'dist/electron/preload.cjs'), format: 'cjs' });
}

if (!nodeOnly && existsSync(join(root, 'renderer/index.html'))) {
  const { build: viteBuild } = await import('vite');
  // Always React's production build and JSX transform: under vitest (NODE_ENV=test; the unit
  // tests' global setup builds dist/ too) Vite bundled React's development build, which
  // renders StrictMode trees twice, into the dist/renderer the app and e2e then served.
  process.env.NODE_ENV = 'production';
  await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
  addCompileHint(join(root, 'dist/renderer'));
}

/**
 * V8's explicit compile hint (Chrome 136+) as the first line of the entry chunk: React and
 * the first screen all run on load, so V8 compiles them eagerly while the file streams in,
 * off the main thread, instead of lazily on it, function by function, in the first render.
 * Here and not in a Vite plugin: Vite writes its own first line into the chunk last.
 */
function addCompileHint(outDir) {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]* src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('dist/renderer/index.html names no entry script');
  const file = join(outDir, entry);
  writeFileSync(file, `//# allFunctionsCalledOnLoad\n${readFileSync(file, 'utf8')}`);
  if (existsSync(`${file}.map`)) {
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
    map.mappings = `;${map.mappings}`; // one more line at the top
    writeFileSync(`${file}.map`, JSON.stringify(map));
  }
}
