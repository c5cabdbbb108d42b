import type * as Electron from 'electron';
import { appUrl, type MainContext } from './context.js';

/** The hardened window options, written out (asserted by a unit test). */
export function mainWindowOptions(preloadPath: string): Electron.BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#111418',
    title: 'Backtesting Workstation',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Creates the main window once the app is ready and loads the renderer from the app scheme. */
export function enable(context: MainContext): void {
  const { app, BrowserWindow } = context.electron;
  const open = () => {
    const window = new BrowserWindow(mainWindowOptions(context.preloadPath));
    context.mainWindow = window;
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      if (context.mainWindow === window) context.mainWindow = null;
    });
    window.loadURL(appUrl(context)).catch((error: unknown) => context.logger.error('Could not load the renderer', { error: String(error) }));
  };
  void app.whenReady().then(open);
  // macOS: clicking the dock icon with no window open opens one.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
