import type { MainContext } from './context.js';

/**
 * One app per user: two processes writing one SQLite file would contend for its writer
 * lock. A second start focuses the first window and exits. Returns false in the second.
 */
export function enable(context: MainContext): boolean {
  const { app } = context.electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const window = context.mainWindow;
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  return true;
}
