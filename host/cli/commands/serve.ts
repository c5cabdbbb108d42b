import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { NonLoopbackHostError, startWebServer } from '../../web/server.js';
import { openWorkstation } from '../../../core/infrastructure/workstation.js';
import { UsageError } from '../cli-error.js';
import { ValidationError } from '../../../core/application/errors.js';
import { systemFolderOf } from '../../../core/infrastructure/files/regular-file.js';
import { boolFlag, listFlag, stringFlag, type CommandCode } from '../command.js';
import { printLine } from '../output.js';
import { parseNumberArg } from '../time-args.js';

/** dist/renderer, found from the bundle (dist/cli.js) or the sources (host/cli/commands). */
function rendererDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'renderer');
    dir = path.dirname(dir);
  }
  throw new Error('Cannot find the repository root (package.json) to serve dist/renderer from');
}

export const serveCommand: CommandCode = {
  async run(input) {
    const port = parseNumberArg('--port', stringFlag(input, 'port')) ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected 0-65535, got ${port}`);
    const staticDir = rendererDir();
    if (!existsSync(path.join(staticDir, 'index.html'))) {
      throw new UsageError(`the UI is not built (${staticDir}/index.html is missing); run \`npm run build\` first`);
    }
    const workers = parseNumberArg('--workers', stringFlag(input, 'workers'));
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) throw new UsageError(`--workers: expected 1-64, got ${workers}`);
    const fileFolders = listFlag(input, 'files').map((dir) => {
      const resolved = path.resolve(dir);
      let real: string;
      try {
        real = realpathSync(resolved);
      } catch {
        throw new UsageError(`--files: ${resolved} does not exist`);
      }
      if (!statSync(real).isDirectory()) throw new UsageError(`--files: ${resolved} is not a folder`);
      // Reads and writes there would be refused one by one anyway (the file policy's rule): say it now.
      const system = systemFolderOf(real);
      if (system !== null) {
        const what = system === real ? 'is a system folder' : real.startsWith(`${system}${path.sep}`) ? `is in the system folder ${system}` : `holds the system folder ${system}`;
        throw new UsageError(`--files: ${resolved}${real === resolved ? '' : ` (${real})`} ${what}; the workstation never reads or writes there. Name a folder of your own`);
      }
      return real;
    });
    const cluster = stringFlag(input, 'cluster');
    let workstation;
    try {
      workstation = await openWorkstation({
        dataDir: stringFlag(input, 'data-dir'),
        transport: 'web',
        seedDemo: !boolFlag(input, 'no-demo'),
        fileFolders,
        ...(workers === undefined ? {} : { workers }),
        ...(cluster === undefined ? {} : { cluster }),
      });
    } catch (error) {
      // A --cluster URL that is refused (no password, a public address) is a usage error.
      if (error instanceof ValidationError) throw new UsageError(error.message);
      throw error;
    }
    if (workstation.demo.seeded) printLine(`Seeded the synthetic demo data set (${workstation.demo.instruments.map((i) => i.symbol).join(', ')}) in ${workstation.storage.file}`);
    let server;
    try {
      server = await startWebServer({
        dispatcher: workstation.dispatcher,
        events: workstation.events,
        staticDir,
        host: stringFlag(input, 'host') ?? '127.0.0.1',
        port,
        allowNonLoopback: boolFlag(input, 'allow-remote'),
        uploadDir: workstation.uploadDir,
      });
    } catch (error) {
      await workstation.close();
      if (error instanceof NonLoopbackHostError) throw new UsageError(error.message);
      throw error;
    }
    printLine(`Data: ${workstation.storage.file}`);
    printLine(fileFolders.length ? `Folders open to the page: ${fileFolders.join(', ')}` : 'Folders open to the page: none (uploads and downloads only; --files DIR opens one)');
    if (workstation.cluster) printLine(`Cluster: sweeps may run on the agents at ${workstation.cluster.evaluator.runsOn}`);
    printLine(`Web mode: ${server.url}`);
    const stop = async () => {
      await server.close();
      await workstation.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    // Keep running until a signal arrives.
    await new Promise<never>(() => {});
  },
};
