import type * as Electron from 'electron';
import type { MainContext } from './context.js';

/** The application menu: standard roles only; the app's own actions live in the UI and its shortcuts. */
export function menuTemplate(platform: NodeJS.Platform, isPackaged: boolean): Electron.MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
}

export function enable(context: MainContext): void {
  const { app, Menu } = context.electron;
  void app.whenReady().then(() => Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, app.isPackaged))));
}
