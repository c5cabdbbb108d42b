// `npm run test:perf`: bundles the TypeScript perf driver with esbuild and runs it.
// (Node 20 cannot run .ts directly; the driver shares e2e/lib with the flows.)
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outfile = `${root}dist/e2e/ui-perf.js`;
await build({
  entryPoints: [`${root}e2e/perf/ui-perf.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const { runUiPerf } = await import(pathToFileURL(outfile).href);
process.exitCode = await runUiPerf();
