import type * as Electron from 'electron';
import type { InvokeResult } from '../../../core/application/contract/handlers.js';
import { isAppUrl, type DesktopWorkstation, type MainContext } from './context.js';
import { dialogHandlers } from './dialogs.js';

/** IPC channels shared with the preload script. */
export const INVOKE_CHANNEL = 'bws:invoke';
export const EVENT_CHANNEL = 'bws:event';

/** True when an IPC message comes from the app's own top-level page (not a frame, not a foreign page). */
export function isTrustedSender(context: Pick<MainContext, 'scheme' | 'host'>, event: Pick<Electron.IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(context, frame.url);
}

/**
 * One `ipcMain.handle` for every call: the sender frame is checked, then the dispatcher
 * validates the payload against the handler's schema and answers `{ ok, value | error }`.
 * Events go to every app window. The desktop-only `dialog/*` handlers are added here.
 */
export function enable(context: MainContext, workstation: DesktopWorkstation): () => void {
  const { ipcMain, BrowserWindow } = context.electron;
  workstation.dispatcher.register(dialogHandlers(context));

  ipcMain.handle(INVOKE_CHANNEL, async (event, name: unknown, args: unknown): Promise<InvokeResult<unknown>> => {
    if (!isTrustedSender(context, event)) {
      context.logger.warn?.('Refused an IPC call from an untrusted frame', { url: event.senderFrame?.url.slice(0, 200) ?? null });
      return { ok: false, error: { type: 'ValidationError', message: 'Refused: the call did not come from the app' } };
    }
    return workstation.dispatcher.invoke(name, args);
  });

  const unsubscribe = workstation.events.onAny((message) => {
    for (const window of BrowserWindow.getAllWindows()) {
      const contents = window.webContents;
      if (!contents.isDestroyed() && isAppUrl(context, contents.getURL())) contents.send(EVENT_CHANNEL, message);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(INVOKE_CHANNEL);
  };
}
