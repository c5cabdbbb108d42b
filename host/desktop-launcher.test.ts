import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../core/infrastructure/test-kit/temp-db.js';
import { desktopProblems, FETCH_ELECTRON_COMMAND, locateElectron } from './desktop-launcher.js';

const root = path.resolve(fileURLToPath(import.meta.url), '../..');

/** A project folder holding an electron package as npm leaves it with or without the binary. */
function fakeProject(withBinary: boolean): { dir: string; cleanup: () => void } {
  const project = tempDir('bws-launcher-');
  const electron = path.join(project.dir, 'node_modules/electron');
  fs.mkdirSync(path.join(electron, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(project.dir, 'package.json'), '{"name":"p","type":"module"}');
  fs.writeFileSync(path.join(electron, 'package.json'), '{"name":"electron","main":"index.js"}');
  // The electron package's index.js: the binary's path from path.txt, a throw without it.
  fs.writeFileSync(
    path.join(electron, 'index.js'),
    "const fs=require('fs'),p=require('path');const f=p.join(__dirname,'path.txt');if(!fs.existsSync(f))throw new Error('Electron failed to install correctly');module.exports=p.join(__dirname,'dist',fs.readFileSync(f,'utf8'));",
  );
  if (withBinary) {
    fs.writeFileSync(path.join(electron, 'path.txt'), 'electron');
    fs.writeFileSync(path.join(electron, 'dist/electron'), '');
  }
  return project;
}

describe('desktop launcher (npm start)', () => {
  it('names the missing binary and the command that fetches it', () => {
    const project = fakeProject(false);
    try {
      const electron = locateElectron(project.dir, {});
      expect('missing' in electron && electron.missing).toContain("Electron's binary is not downloaded");
      expect('missing' in electron && electron.missing).toContain(FETCH_ELECTRON_COMMAND);
    } finally {
      project.cleanup();
    }
  });

  it('finds a downloaded binary', () => {
    const project = fakeProject(true);
    try {
      expect(locateElectron(project.dir, {})).toEqual({ binary: path.join(project.dir, 'node_modules/electron/dist/electron') });
    } finally {
      project.cleanup();
    }
  });

  it('lists every reason a window cannot open: no binary, no display (Linux)', () => {
    const missing = { missing: 'no binary' };
    expect(desktopProblems({ platform: 'linux', env: {}, electron: missing })).toEqual(['no binary', expect.stringMatching(/no display: DISPLAY and WAYLAND_DISPLAY are unset/)]);
    expect(desktopProblems({ platform: 'linux', env: { DISPLAY: ':0' }, electron: { binary: '/e' } })).toEqual([]);
    expect(desktopProblems({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, electron: { binary: '/e' } })).toEqual([]);
    expect(desktopProblems({ platform: 'darwin', env: {}, electron: { binary: '/e' } })).toEqual([]);
  });

  it('npm start here: says why the desktop cannot open, then serves web mode with its URL and token', async () => {
    const data = tempDir('bws-start-');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, [path.join(root, 'bin/start.js'), '--data-dir', data.dir, '--no-demo'], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 30 s; stderr: ${stderr}`)), 30_000);
        child.stdout.on('data', () => {
          const match = /Web mode: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      expect(stderr).toContain('The desktop window cannot open here:');
      expect(stderr).toMatch(/no display/);
      expect(stderr).toContain('local web mode');
      expect(url).toMatch(/token=/);
      const page = await fetch(url);
      expect(page.status).toBe(200);

      // The server killed under it (not by the launcher): the launcher says so and how to go on.
      const server = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n')[0]!;
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      process.kill(Number(server), 'SIGKILL');
      expect(await exited).toBe(1);
      expect(stderr).toContain('The workstation server was stopped by SIGKILL. Start it again with `npm start`');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      data.cleanup();
    }
  });
});
