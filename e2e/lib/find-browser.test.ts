import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser, SYSTEM_BROWSER_PATHS } from './find-browser.js';

describe('findBrowser', () => {
  it('prefers BWS_CHROMIUM_PATH when it names an executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bws-browser-'));
    const fake = join(dir, 'chrome');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(findBrowser({ BWS_CHROMIUM_PATH: fake })).toBe(fake);
  });

  it('refuses a BWS_CHROMIUM_PATH that does not exist, naming it', () => {
    expect(() => findBrowser({ BWS_CHROMIUM_PATH: '/nonexistent/chrome' })).toThrow(/\/nonexistent\/chrome/);
  });

  it('falls back to a system path, or says what to install', () => {
    let result: string | Error;
    try {
      result = findBrowser({});
    } catch (error) {
      result = error as Error;
    }
    if (typeof result === 'string') expect(SYSTEM_BROWSER_PATHS).toContain(result);
    else expect(result.message).toMatch(/apt-get install chromium/);
  });
});
