#!/usr/bin/env node
// The `bws` command. The TypeScript sources are bundled into dist/ by `npm install`
// (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
if (!existsSync(dist('cli.js'))) {
  process.stderr.write('bws: dist/cli.js is missing; run `npm run build` in the repository first.\n');
  process.exit(1);
}
// Before anything loads the SQLite addon: an old runtime gets a message, not a crash.
const { requireSupportedRuntime } = await import(dist('runtime-requirements.js'));
requireSupportedRuntime();
await import(dist('cli.js'));
