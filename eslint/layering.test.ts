// The dependency rule itself: it must flag what it forbids, or CI would pass on goodwill.
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain JS module without type declarations
import layering from './layering.js';

const root = path.resolve(import.meta.dirname, '..');
const linter = new Linter({ configType: 'flat' });

function problems(file: string, code: string): string[] {
  const messages = linter.verify(
    code,
    [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser }, plugins: { local: layering }, rules: { 'local/layering': 'error', 'local/no-layering-exceptions': 'error' } }],
    path.join(root, file),
  );
  return messages.map((m) => m.message);
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

  it('gives the renderer only `import type` from the application contract', () => {
    expect(problems('renderer/src/x.ts', "import type { Handlers } from '../../core/application/contract/index.js';")).toEqual([]);
    expect(problems('renderer/src/x.ts', "import { createDispatcher } from '../../core/application/contract/index.js';")).toHaveLength(1);
    expect(problems('renderer/src/x.ts', "import type { B } from '../../core/infrastructure/sqlite/storage.js';")).toHaveLength(1);
    expect(problems('renderer/src/x.ts', "import type { B } from '../../core/domain/market/bars.js';")).toHaveLength(1);
    expect(problems('renderer/src/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
  });

  it('refuses inline exceptions', () => {
    const code = "// eslint-disable-next-line local/layering\nimport fs from 'node:fs';";
    expect(problems('core/domain/x.ts', code)).toContain('The dependency rule takes no exceptions; fix the import instead.');
  });
});
