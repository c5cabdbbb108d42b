import type * as Electron from 'electron';
import type { Dispatcher, Logger } from '../../../core/application/contract/dispatcher.js';
import type { EventSource } from '../../../core/application/contract/events.js';

/** The Electron APIs the main modules use, injected so tests can pass fakes. */
export interface ElectronApis {
  readonly app: Electron.App;
  readonly BrowserWindow: typeof Electron.BrowserWindow;
  readonly ipcMain: Electron.IpcMain;
  readonly Menu: typeof Electron.Menu;
  readonly shell: Electron.Shell;
  readonly session: typeof Electron.session;
  readonly dialog: Electron.Dialog;
  readonly protocol: Electron.Protocol;
}

/** The core as the shell sees it: one dispatcher, one event source. */
export interface DesktopWorkstation {
  readonly dispatcher: Dispatcher;
  readonly events: EventSource;
  close(): Promise<void> | void;
}

export interface MainContext {
  readonly electron: ElectronApis;
  /** The renderer is served from this privileged custom scheme, never from file://. */
  readonly scheme: string;
  readonly host: string;
  /** dist/renderer */
  readonly rendererDir: string;
  /** dist/electron/preload.cjs */
  readonly preloadPath: string;
  readonly logger: Logger;
  /** The main window, once created; the single-instance and dialog modules need it. */
  mainWindow: Electron.BrowserWindow | null;
}

/** The renderer's start URL. */
export function appUrl(context: Pick<MainContext, 'scheme' | 'host'>): string {
  return `${context.scheme}://${context.host}/index.html`;
}

/** True when `url` belongs to the app's own origin (custom schemes have an opaque WHATWG origin, so compare parts). */
export function isAppUrl(context: Pick<MainContext, 'scheme' | 'host'>, url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${context.scheme}:` && parsed.host === context.host && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
