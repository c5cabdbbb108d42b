import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { findBrowser } from './find-browser.js';

/** Flags for a quiet, headless Chromium on CI and small machines. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** Launches the system Chromium headless. One per spec file: launching costs ~1 s. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findBrowser(), headless: true, args: [...CHROMIUM_ARGS] });
}

/** Opens a fresh context (no shared storage) and page, with errors surfaced to the test log. */
export async function openPage(browser: Browser, viewport = { width: 1400, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.setDefaultTimeout(15_000);
  return { context, page, errors };
}
