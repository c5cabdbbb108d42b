// The dependency rule itself: it must flag what it forbids, or CI would pass on goodwill.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain JS module without type declarations
import layering, { modulePath, TEST_IMPORT_EXCEPTIONS } from './layering.js';

const root = path.resolve(import.meta.dirname, '..');
const linter = new Linter({ configType: 'flat' });

// As eslint.config.js runs it: Node's globals declared everywhere, so only the rule keeps them out of core/domain.
function problems(file: string, code: string): string[] {
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts', '**/*.tsx'],
        languageOptions: { parser: tseslint.parser, globals: { ...globals.node } },
        plugins: { local: layering },
        rules: { 'local/layering': 'error', 'local/pure-domain': 'error', 'local/no-layering-exceptions': 'error' },
      },
    ],
    path.join(root, file),
  );
  return messages.map((m) => m.message);
}

const exceptions = TEST_IMPORT_EXCEPTIONS as Record<string, string[]>;
const toModule = modulePath as (file: string) => string;

/** The relative imports of a file, resolved to module paths from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const sources = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return sources.map((source) => toModule(path.resolve(path.dirname(path.join(root, file)), source)));
}

describe('layering rule', () => {
  it('keeps core/domain free of other layers, packages and Node built-ins', () => {
    expect(problems('core/domain/x.ts', "import { a } from '../application/errors.js';")).toHaveLength(1);
    expect(problems('core/domain/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(problems('core/domain/x.ts', "import { z } from 'zod';")).toHaveLength(1);
    expect(problems('core/domain/engine/x.ts', "import { b } from '../market/bars.js';")).toEqual([]);
  });

  it('lets application import domain and zod only', () => {
    expect(problems('core/application/x.ts', "import { z } from 'zod';")).toEqual([]);
    expect(problems('core/application/x.ts', "import { b } from '../domain/market/bars.js';")).toEqual([]);
    expect(problems('core/application/x.ts', "import { s } from '../infrastructure/sqlite/storage.js';")).toHaveLength(1);
    expect(problems('core/application/x.ts', "import Database from 'better-sqlite3';")).toHaveLength(1);
  });

  it('tells core/infrastructure/workers apart from the top-level workers/', () => {
    expect(problems('core/infrastructure/sweeps/x.ts', "import { p } from '../workers/worker-pool.js';")).toEqual([]);
    expect(problems('core/infrastructure/x.ts', "import { w } from '../../workers/backtest-worker.js';")).toHaveLength(1);
  });

  it('never lets core import electron/ or renderer/', () => {
    expect(problems('core/infrastructure/x.ts', "import { m } from '../../electron/main/index.js';")).toHaveLength(1);
    expect(problems('host/x.ts', "import { r } from '../renderer/src/App.js';")).toHaveLength(1);
  });

  it('gives the renderer values from core/domain, only `import type` from the application contract, nothing from infrastructure', () => {
    expect(problems('renderer/src/x.ts', "import type { Handlers } from '../../core/application/contract/index.js';")).toEqual([]);
    expect(problems('renderer/src/x.ts', "import { createDispatcher } from '../../core/application/contract/index.js';")).toHaveLength(1);
    expect(problems('renderer/src/x.ts', "import type { B } from '../../core/infrastructure/sqlite/storage.js';")).toHaveLength(1);
    expect(problems('renderer/src/x.ts', "import { SqliteStorage } from '../../core/infrastructure/sqlite/storage.js';")).toHaveLength(1);
    expect(problems('renderer/src/x.ts', "import { TIMEFRAMES } from '../../core/domain/market/timeframe.js';")).toEqual([]);
    expect(problems('renderer/src/screens/x/y.tsx', "import { SPEC_FIELDS } from '../../../../core/domain/strategy/spec-fields.js';")).toEqual([]);
    expect(problems('renderer/src/x.ts', "import type { MarkerKind } from '../../core/domain/engine/index.js';")).toEqual([]);
    expect(problems('renderer/src/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
    // Its tests too: the renderer's tests take the domain's real catalog, never a store.
    expect(problems('renderer/src/x.test.ts', "import { VARIABLES } from '../../core/domain/strategy/catalog.js';")).toEqual([]);
    expect(problems('renderer/src/x.test.ts', "import { openStorage } from '../../core/infrastructure/sqlite/storage.js';")).toHaveLength(1);
  });

  it('keeps core/domain pure: no clock, no ambient randomness, no globals beyond the language', () => {
    const domain = (code: string) => problems('core/domain/x.ts', code);
    expect(domain('export const t = Date.now();')).toEqual(['core/domain reads no clock: inject one (Date.now)']);
    expect(domain('export const now = new Date();')).toEqual(['core/domain reads no clock: inject one (new Date() without a time)']);
    expect(domain('export const text = Date();')).toHaveLength(1);
    expect(domain('export const r = Math.random();')).toEqual(['core/domain draws no ambient randomness: use a seeded generator (Math.random)']);
    expect(domain("export const r = Math['random']();")).toHaveLength(1);
    expect(domain('export const cwd = process.cwd();')).toEqual([`core/domain uses only the language's own globals, not "process"`]);
    for (const name of ['console.log(1)', 'setTimeout(() => 0, 1)', 'performance.now()', 'crypto.getRandomValues(new Uint8Array(1))', 'globalThis.process', "fetch('x')", 'Buffer.from([])', 'eval("1")']) {
      expect(domain(`export const x = () => ${name};`), name).toHaveLength(1);
    }
    // The language is fine, and so is a date of a given time; a local named like a global is a local.
    expect(domain('export const iso = (ts: number): string => new Date(ts).toISOString() + Math.max(1, 2) + JSON.stringify([Number.NaN]);')).toEqual([]);
    expect(domain('const Date = { now: () => 1 }; export const t = Date.now();')).toEqual([]);
    expect(domain('export function at(process: { cwd(): string }): string { return process.cwd(); }')).toEqual([]);
    expect(domain('export type Clock = () => number; export const f = (r: Record<string, Float64Array>): number => r.x!.length;')).toEqual([]);
    // Its tests may use Node and the clock; other layers are not held to it.
    expect(problems('core/domain/x.test.ts', 'export const t = Date.now() + process.pid;')).toEqual([]);
    expect(problems('core/infrastructure/x.ts', 'export const t = process.cwd();')).toEqual([]);
  });

  it('holds tests to the same rule unless the file and the import are listed in TEST_IMPORT_EXCEPTIONS', () => {
    // Listed: an application use-case test on the real SQLite store.
    expect(problems('core/application/handlers.test.ts', "import { openStorage } from '../infrastructure/sqlite/storage.js';")).toEqual([]);
    // The same file, an import not listed for it; and an unlisted test file.
    expect(problems('core/application/handlers.test.ts', "import { SqliteRunStore } from '../infrastructure/runs/sqlite-run-store.js';")).toHaveLength(1);
    expect(problems('core/application/strategy/x.test.ts', "import { openStorage } from '../../infrastructure/sqlite/storage.js';")).toHaveLength(1);
    // No exemption reaches upward into hosts or the UI, nor into the domain from below.
    expect(problems('core/domain/x.test.ts', "import { a } from '../application/errors.js';")).toHaveLength(1);
    expect(problems('core/infrastructure/x.test.ts', "import { m } from '../../host/web-server.js';")).toHaveLength(1);
    // Tests still bring their own tools.
    expect(problems('core/domain/x.test.ts', "import { describe } from 'vitest';")).toEqual([]);
  });

  it('keeps every entry of TEST_IMPORT_EXCEPTIONS in use, so the list only shrinks', () => {
    for (const [file, targets] of Object.entries(exceptions)) {
      const extension = ['.ts', '.tsx'].find((ext) => {
        try {
          readFileSync(path.join(root, file + ext));
          return true;
        } catch {
          return false;
        }
      });
      expect(extension, `${file} is gone: delete its entry`).toBeDefined();
      const imported = new Set(importsOf(file + extension!));
      for (const target of targets) expect(imported.has(target), `${file} no longer imports ${target}: delete it from the list`).toBe(true);
    }
  });

  it('keeps test kits out of shipped code', () => {
    expect(problems('core/infrastructure/x.ts', "import { seedStore } from '../infrastructure/workers/test-kit/bar-fixture.js';")).toEqual(['production code never imports a test kit ("../infrastructure/workers/test-kit/bar-fixture.js")']);
    expect(problems('core/infrastructure/x.test.ts', "import { seedStore } from './workers/test-kit/bar-fixture.js';")).toEqual([]);
    expect(problems('bench/x.ts', "import { seedStore } from '../core/infrastructure/workers/test-kit/bar-fixture.js';")).toEqual([]);
  });

  it('refuses inline exceptions', () => {
    const code = "// eslint-disable-next-line local/layering\nimport fs from 'node:fs';";
    expect(problems('core/domain/x.ts', code)).toContain('The dependency rule takes no exceptions; fix the import instead.');
  });
});
