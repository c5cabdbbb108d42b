// `npm run test:perf` (and `npm run test:load` with `--load`; `--trace-open`: where opening
// the app spends its time, see trace-open.ts): bundles the TypeScript driver with esbuild and runs it.
// (Node 20 cannot run .ts directly; the driver shares e2e/lib with the flows.)
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const load = process.argv.includes('--load');
const traceOpen = process.argv.includes('--trace-open');
const name = load ? 'ui-load' : traceOpen ? 'trace-open' : 'ui-perf';
const outfile = `${root}dist/e2e/${name}.js`;
await build({
  entryPoints: [`${root}e2e/perf/${name}.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const driver = await import(pathToFileURL(outfile).href);
process.exitCode = await (load ? driver.runUiLoad() : traceOpen ? driver.runTraceOpen() : driver.runUiPerf());
