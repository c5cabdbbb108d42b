import { accessSync, constants } from 'node:fs';

/** Where a Chromium is looked for, in order, after the BWS_CHROMIUM_PATH variable. */
export const SYSTEM_BROWSER_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Returns the path of the Chromium the e2e tests drive: BWS_CHROMIUM_PATH when set,
 * else the first usual system path that exists. Throws a message naming what to
 * install when there is none (playwright-core ships no browser of its own).
 */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.BWS_CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`BWS_CHROMIUM_PATH is set to "${fromEnv}", which is not an executable file.`);
  }
  const found = SYSTEM_BROWSER_PATHS.find(isExecutable);
  if (found) return found;
  throw new Error(
    'No Chromium found for the Playwright tests. Install one (Debian/Ubuntu: `apt-get install chromium`) ' +
      `or set BWS_CHROMIUM_PATH to a Chromium/Chrome executable. Looked in: ${SYSTEM_BROWSER_PATHS.join(', ')}.`,
  );
}
