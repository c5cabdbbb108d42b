import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE_VERSION, runtimeProblem } from './runtime-requirements.js';

const root = path.resolve(fileURLToPath(import.meta.url), '../..');

describe('runtime requirements', () => {
  it('accepts the Node this project brings and the minimum LTS', () => {
    expect(runtimeProblem(process.versions, process.execPath)).toBeNull();
    expect(runtimeProblem({ node: MINIMUM_NODE_VERSION, napi: '10' }, '/usr/bin/node')).toBeNull();
  });

  it('refuses Node 20 by name, saying how to run on the project runtime (not a crash in the SQLite addon)', () => {
    const problem = runtimeProblem({ node: '20.20.2', napi: '10' }, '/usr/bin/node');
    expect(problem).toContain('needs Node.js 22.14.0 or newer; this is Node.js 20.20.2 (/usr/bin/node)');
    expect(problem).toContain('npx bws');
    expect(runtimeProblem({ node: '22.13.9', napi: '10' }, 'node')).not.toBeNull();
  });

  it('refuses a runtime without Node-API 10 (an Electron older than 35)', () => {
    expect(runtimeProblem({ node: '20.18.0', napi: '9', electron: '33.2.0' }, 'electron')).toMatch(/Node-API 10; Electron 33.2.0 \(Node.js 20.18.0\) offers Node-API 9/);
    expect(runtimeProblem({ node: '24.11.0', napi: '10', electron: '41.7.1' }, 'electron')).toBeNull();
  });

  it('is what package.json "engines" says, and the Node the project brings meets it', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: { node: string } };
    expect(manifest.engines.node).toBe(`>=${MINIMUM_NODE_VERSION.replace(/\.0$/, '')}`);
    const brought = execFileSync(path.join(root, 'node_modules/.bin/node'), ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    expect(brought).toBe(manifest.devDependencies.node);
    expect(runtimeProblem({ node: brought, napi: '10' }, 'node')).toBeNull();
  });
});
