import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../application/errors.js';
import { FilePolicy } from './file-policy.js';

let dir: string;
let dataDir: string;
let uploads: string;
let shared: string;
let outside: string;

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bws-policy-')));
  dataDir = path.join(dir, 'data');
  uploads = path.join(dataDir, 'uploads');
  shared = path.join(dir, 'shared');
  outside = path.join(dir, 'outside');
  for (const d of [dataDir, uploads, shared, outside]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'workstation.sqlite'), 'store');
  fs.writeFileSync(path.join(uploads, 'sent.csv'), 'x');
  fs.writeFileSync(path.join(shared, 'bars.csv'), 'x');
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'x');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FilePolicy, desktop and CLI (no roots)', () => {
  const policy = () => new FilePolicy({ dataDir, baseDir: shared });

  it('imports any readable file by its real path, quoting its text in messages', () => {
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(shared, 'link.csv'));
    expect(policy().importSource(path.join(shared, 'link.csv'))).toEqual({ path: path.join(outside, 'secret.csv'), showContent: true });
    expect(policy().importSource('bars.csv')).toEqual({ path: path.join(shared, 'bars.csv'), showContent: true });
    expect(() => policy().importSource(path.join(shared, 'nope.csv'))).toThrow(NotFoundError);
  });

  it('never reads the store or writes over it or its WAL, by any name', () => {
    expect(() => policy().importSource(path.join(dataDir, 'workstation.sqlite'))).toThrow(/is the workstation's own database file \(in .*data\), not a CSV of bars/);
    for (const name of ['workstation.sqlite', 'workstation.sqlite-wal', 'workstation.sqlite-shm', 'workstation.sqlite-journal']) {
      expect(() => policy().exportTarget(path.join(dataDir, name)), name).toThrow(/an export never replaces it/);
    }
    // Through a link to the folder, a hard link, a path with dots.
    fs.symlinkSync(dataDir, path.join(shared, 'data-link'));
    expect(() => policy().exportTarget(path.join(shared, 'data-link', 'workstation.sqlite'))).toThrow(/own database file/);
    fs.linkSync(path.join(dataDir, 'workstation.sqlite'), path.join(shared, 'hard.csv'));
    expect(() => policy().importSource(path.join(shared, 'hard.csv'))).toThrow(/own database file/);
    expect(() => policy().exportTarget(path.join(shared, 'hard.csv'))).toThrow(/own database file/);
    expect(() => policy().exportTarget(path.join(shared, '..', 'data', 'workstation.sqlite-wal'))).toThrow(/own database file/);
    // Other files in the data folder are the user's (a --data-dir may be a project folder).
    expect(policy().exportTarget(path.join(dataDir, 'bars.csv'))).toEqual({ path: path.join(dataDir, 'bars.csv') });
    expect(policy().exportTarget(path.join(shared, 'out.csv'))).toEqual({ path: path.join(shared, 'out.csv') });
  });

  it('refuses system folders for both', () => {
    expect(() => policy().importSource('/proc/self/environ')).toThrow(/system file/);
    expect(() => policy().exportTarget('/proc/self/x.csv')).toThrow(/system folder/);
    expect(() => policy().exportTarget('/sys/kernel/x.csv')).toThrow(/system folder/);
    // The operating system's own folders too: its settings are not bars, and no export lands there.
    expect(() => policy().importSource('/etc/passwd')).toThrow('/etc/passwd is a system file, not a data file; nothing was read');
    expect(() => policy().exportTarget('/etc/x.csv')).toThrow('/etc/x.csv is in a system folder (/etc); choose a folder of your own. Nothing was written');
    expect(() => policy().exportTarget('/usr/bin/x.csv')).toThrow(/system folder/);
  });

  it('names the base folder of a relative export, and a missing folder by name', () => {
    expect(policy().exportTarget('rel.csv')).toEqual({ path: path.join(shared, 'rel.csv'), relativeTo: shared });
    expect(policy().exportTarget('~/x.csv')).toEqual({ path: path.join(fs.realpathSync(os.homedir()), 'x.csv') });
    expect(() => policy().exportTarget(path.join(dir, 'no', 'x.csv'))).toThrow(`The folder ${path.join(dir, 'no')} does not exist`);
  });
});

describe('FilePolicy, web mode (roots: uploads and named folders)', () => {
  const policy = () => new FilePolicy({ dataDir, uploadDir: uploads, roots: [uploads, shared] });

  it('reads uploads (quoting them) and named folders (not quoting them), nothing else', () => {
    expect(policy().importSource(path.join(uploads, 'sent.csv'))).toEqual({ path: path.join(uploads, 'sent.csv'), showContent: true });
    expect(policy().importSource(path.join(shared, 'bars.csv'))).toEqual({ path: path.join(shared, 'bars.csv'), showContent: false });
    for (const file of [path.join(outside, 'secret.csv'), '/etc/passwd', '/etc/shadow', path.join(shared, '..', 'outside', 'secret.csv')]) {
      expect(() => policy().importSource(file), file).toThrow(/cannot be read: in web mode only files uploaded from this page and files in .*shared can be read \(a folder is opened to the page with bws serve --files DIR\)/);
    }
  });

  it('refuses a path outside the roots the same way whether or not it exists, and names a missing file inside them', () => {
    // The answer with the path taken out: it may not tell whether the file is there or what it is.
    const refusal = (attempt: () => unknown, shown: string) => {
      try {
        attempt();
      } catch (error) {
        expect(error, shown).toBeInstanceOf(ValidationError);
        return (error as Error).message.replace(shown, 'PATH');
      }
      throw new Error(`${shown} was accepted`);
    };
    const missingFolder = path.join(outside, 'no-folder');
    const reads = [path.join(outside, 'secret.csv'), path.join(outside, 'missing.csv'), path.join(missingFolder, 'missing.csv'), outside, '/etc/passwd', '/etc/no-such-file', '/proc/self/environ', '/dev/null', '/root/.ssh/id_rsa'];
    const readAnswers = new Set(reads.map((file) => refusal(() => policy().importSource(file), file)));
    expect([...readAnswers]).toEqual([expect.stringMatching(/^PATH cannot be read: in web mode only files uploaded from this page and files in .*shared can be read/)]);
    const writes = [path.join(outside, 'secret.csv'), path.join(outside, 'x.csv'), path.join(missingFolder, 'x.csv'), '/etc/x.csv', '/proc/self/x.csv', '/no-such-folder/x.csv'];
    const writeAnswers = new Set(writes.map((file) => refusal(() => policy().exportTarget(file), file)));
    expect([...writeAnswers]).toEqual([expect.stringMatching(/^PATH cannot be written: in web mode only/)]);
    // Inside the roots the answer stays specific.
    expect(() => policy().importSource(path.join(shared, 'missing.csv'))).toThrow(expect.objectContaining({ type: 'NotFoundError', message: `File not found: ${path.join(shared, 'missing.csv')}` }));
    expect(() => policy().exportTarget(path.join(shared, 'no-folder', 'x.csv'))).toThrow(`The folder ${path.join(shared, 'no-folder')} does not exist`);
  });

  it('judges a link by where it leads', () => {
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(shared, 'escape.csv'));
    fs.symlinkSync(outside, path.join(uploads, 'escape-dir'));
    expect(() => policy().importSource(path.join(shared, 'escape.csv'))).toThrow(/cannot be read/);
    expect(() => policy().importSource(path.join(uploads, 'escape-dir', 'secret.csv'))).toThrow(/cannot be read/);
    expect(() => policy().exportTarget(path.join(uploads, 'escape-dir', 'x.csv'))).toThrow(/cannot be written/);
  });

  it('writes only into the roots, a relative path into the first named folder', () => {
    expect(policy().exportTarget('out.csv')).toEqual({ path: path.join(shared, 'out.csv'), relativeTo: shared });
    expect(policy().exportTarget(path.join(uploads, 'download.csv'))).toEqual({ path: path.join(uploads, 'download.csv') });
    for (const file of [path.join(os.homedir(), '.bashrc'), '~/.bashrc', path.join(outside, 'x.csv'), path.join(dataDir, 'workstation.sqlite')]) {
      expect(() => policy().exportTarget(file), file).toThrow(ValidationError);
    }
  });

  it('with no folder named, says that only uploads can be read', () => {
    const uploadsOnly = new FilePolicy({ dataDir, uploadDir: uploads, roots: [uploads] });
    expect(() => uploadsOnly.importSource(path.join(shared, 'bars.csv'))).toThrow(/only files uploaded from this page can be read \(a folder is opened/);
  });
});

describe('FilePolicy, what a file is', () => {
  it('refuses a FIFO, a device or a folder by what it is, at once', () => {
    const policy = new FilePolicy({ dataDir });
    const fifo = path.join(shared, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expect(() => policy.importSource(fifo)).toThrow(`${fifo} is a named pipe (FIFO), not a file: only regular files can be imported; nothing was read`);
    expect(() => policy.importSource('/dev/null')).toThrow(/is a device/);
    expect(() => policy.importSource(shared)).toThrow(/is a folder/);
  });
});
