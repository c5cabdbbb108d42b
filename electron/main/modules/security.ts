import type * as Electron from 'electron';
import { securityHeaders } from '../../../host/web/security.js';
import { isAppUrl, type MainContext } from './context.js';

/** The renderer's CSP: the web mode's, with no extra connect sources (IPC needs none). */
export const CONTENT_SECURITY_POLICY = securityHeaders([])['Content-Security-Policy']!;

/** Only plain https links leave the app, and only to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Locks down every web contents the app creates: no new windows (https links go to the
 * system browser after a check), no navigation off the app origin, no webviews, and every
 * permission request denied.
 */
export function enable(context: MainContext): void {
  const { app, shell, session } = context.electron;
  const openOutside = (url: string) => {
    if (isSafeExternalUrl(url)) shell.openExternal(url).catch((error: unknown) => context.logger.error('openExternal failed', { error: String(error) }));
    else context.logger.warn?.('Blocked a link with a scheme that is not https', { url: url.slice(0, 200) });
  };

  app.on('web-contents-created', (_event: Electron.Event, contents: Electron.WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openOutside(url);
      return { action: 'deny' };
    });
    const blockForeign = (event: Electron.Event, url: string) => {
      if (isAppUrl(context, url)) return;
      event.preventDefault();
      openOutside(url);
    };
    contents.on('will-navigate', (event) => blockForeign(event, event.url));
    contents.on('will-redirect', (event) => blockForeign(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, permission, callback) => {
      context.logger.warn?.('Denied a permission request', { permission });
      callback(false);
    });
    ses.setPermissionCheckHandler(() => false);
  });
}
