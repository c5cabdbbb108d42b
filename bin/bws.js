#!/usr/bin/env node
// The `bws` command. The TypeScript sources are bundled into dist/ by `npm install`
// (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// V8 keeps the compiled bundles on disk between runs (Node >= 22.1; a no-op before), so a
// one-shot command does not parse and compile the same code again each time it starts.
module.enableCompileCache?.();

const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
if (!existsSync(dist('cli.js'))) {
  process.stderr.write('bws: dist/cli.js is missing; run `npm run build` in the repository first.\n');
  process.exit(1);
}
// Before anything loads the SQLite addon: an old runtime gets a message, not a crash.
const { requireSupportedRuntime } = await import(dist('runtime-requirements.js'));
requireSupportedRuntime();
await import(dist('cli.js'));
