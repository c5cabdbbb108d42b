import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the path of a bundled worker, dist/workers/NAME.js, found by walking up from
 * this module (source or bundle) to the folder holding package.json.
 */
export function workerScriptPath(name: string, from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'workers', `${name}.js`);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(from)}; cannot locate worker ${name}`);
    dir = parent;
  }
}
