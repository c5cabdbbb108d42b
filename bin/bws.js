#!/usr/bin/env node
// The `bws` command. The TypeScript sources are bundled into dist/ by `npm ci`
// (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('bws: dist/cli.js is missing; run `npm run build` in the repository first.\n');
  process.exit(1);
}
await import(entry);
