import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';

/**
 * One Chromium and one server (in its own temp data dir) per spec file, started before its
 * tests and stopped after: launching both for every test would not fit the time budget on
 * two cores. Tests that need a fresh data dir start their own server.
 */
export function useBrowserAndServer(): { browser: () => Browser; server: () => RunningServer } {
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });
  return {
    browser: () => browser ?? failSetup('browser'),
    server: () => server ?? failSetup('server'),
  };
}

function failSetup(what: string): never {
  throw new Error(`the ${what} did not start (see the beforeAll error)`);
}
