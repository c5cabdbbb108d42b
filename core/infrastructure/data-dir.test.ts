import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, resolveDataDir } from './data-dir.js';
import { tempDir } from './test-kit/temp-db.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function temp(): string {
  const t = tempDir('bws-datadir-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('resolveDataDir', () => {
  it('prefers the flag, then BWS_DATA_DIR, and creates the folder', () => {
    const root = temp();
    const fromFlag = path.join(root, 'flag', 'nested');
    expect(resolveDataDir(fromFlag, { BWS_DATA_DIR: path.join(root, 'env') })).toBe(fromFlag);
    expect(fs.statSync(fromFlag).isDirectory()).toBe(true);
    expect(resolveDataDir(undefined, { BWS_DATA_DIR: path.join(root, 'env') })).toBe(path.join(root, 'env'));
    expect(resolveDataDir('', { BWS_DATA_DIR: path.join(root, 'env2') })).toBe(path.join(root, 'env2'));
  });

  // env-paths reads XDG_DATA_HOME from process.env on Linux; point it at a temp folder so
  // the test never creates folders in the real home.
  it.runIf(process.platform === 'linux')('falls back to the per-user app data folder', () => {
    const root = temp();
    const saved = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = root;
    try {
      const dir = resolveDataDir(undefined, {});
      expect(dir).toBe(path.join(root, 'backtest-workstation'));
      expect(fs.statSync(dir).isDirectory()).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = saved;
    }
  });

  it('names the database file inside the folder', () => {
    expect(databasePath('/x/y')).toBe(path.join('/x/y', 'workstation.sqlite'));
  });
});
