import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the path of a bundled worker, dist/workers/NAME.js, found by walking up from
 * this module (source or bundle) to the folder holding package.json. In the packaged
 * desktop app that folder is `resources/app.asar`; workers are unpacked beside it
 * (`app.asar.unpacked`, electron-builder.yml) so that their native SQLite addon loads
 * from a real file, so the path points there.
 */
export function workerScriptPath(name: string, from: string = import.meta.url, exists: (file: string) => boolean = existsSync): string {
  const start = fileURLToPath(from);
  let dir = dirname(start);
  for (;;) {
    if (basename(dir) === 'app.asar') return join(`${dir}.unpacked`, 'dist', 'workers', `${name}.js`);
    if (exists(join(dir, 'package.json'))) return join(dir, 'dist', 'workers', `${name}.js`);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}; cannot locate worker ${name}`);
    dir = parent;
  }
}
