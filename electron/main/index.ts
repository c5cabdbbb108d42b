// The desktop app's main process: small modules, each enabled here in order. The core
// (store, worker pool, jobs, handler table) is the same one the web mode serves.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { requireSupportedRuntime } from '../../host/runtime-requirements.js';
import { openWorkstation, stderrLogger } from '../../core/infrastructure/workstation.js';
import * as appProtocol from './modules/app-protocol.js';
import type { MainContext } from './modules/context.js';
import * as ipc from './modules/ipc.js';
import * as menu from './modules/menu.js';
import * as security from './modules/security.js';
import * as singleInstance from './modules/single-instance.js';
import * as window from './modules/window.js';

// Before the store opens the SQLite addon (loaded lazily, on the first connection).
requireSupportedRuntime();

// The bundle sits in dist/electron/; the preload beside it, the renderer in dist/renderer.
const here = path.dirname(fileURLToPath(import.meta.url));

/** `--data-dir DIR` or `--data-dir=DIR` from the command line, if given. */
function dataDirArgument(argv: readonly string[]): string | undefined {
  const index = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

const context: MainContext = {
  electron: { app, BrowserWindow, ipcMain, Menu, shell, session, dialog, protocol },
  scheme: 'bws',
  host: 'app',
  rendererDir: path.join(here, '..', 'renderer'),
  preloadPath: path.join(here, 'preload.cjs'),
  logger: stderrLogger,
  mainWindow: null,
};

if (singleInstance.enable(context)) {
  appProtocol.enable(context);
  security.enable(context);
  menu.enable(context);
  void app.whenReady().then(async () => {
    try {
      // BWS_CLUSTER: the Redis URL of a cluster of `bws agent` processes (docs/CLUSTER.md).
      const cluster = process.env.BWS_CLUSTER;
      const workstation = await openWorkstation({ dataDir: dataDirArgument(process.argv), transport: 'electron', logger: stderrLogger, ...(cluster ? { cluster } : {}) });
      const disableIpc = ipc.enable(context, workstation);
      // The window opens only once every handler is registered.
      window.enable(context);
      let closing = false;
      app.on('will-quit', (event) => {
        if (closing) return;
        closing = true;
        event.preventDefault();
        disableIpc();
        void Promise.resolve(workstation.close())
          .catch((error: unknown) => stderrLogger.error('Closing the workstation failed', { error: String(error) }))
          .finally(() => app.quit());
      });
    } catch (error) {
      stderrLogger.error('The workstation could not start', { error: error instanceof Error ? error.stack : String(error) });
      dialog.showErrorBox('Backtesting Workstation could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    }
  });
}
